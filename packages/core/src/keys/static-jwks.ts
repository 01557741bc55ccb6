import type { Algorithm } from './algorithms.js';
import { AuthConfigError, AuthError } from '../errors.js';
import { KeySetFormatError, selectUsableKeys } from './jwk.js';
import { KeySet, keyLookupError } from './key-set.js';
import type { KeySource, KeySourceHealth, VerificationKey } from './key-source.js';
import type { AuthLogger } from '../options.js';

export interface StaticKeySourceOptions {
  issuer: string | null;
  realm: string;
  /** Told about keys refused from a set that still has usable ones. */
  logger?: AuthLogger;
  /** The JWK `use` a key must have; default `'sig'` (or none). */
  keyUse?: string;
}

/**
 * Answers a lookup from one key set: the key, or the `AuthError` a client gets. Shared with the remote source so
 * both map misses and import failures the same way.
 */
export async function resolveKey(set: KeySet, kid: string | undefined, alg: Algorithm, realm: string): Promise<VerificationKey> {
  const found = set.find(kid, alg);
  if (typeof found === 'string') throw keyLookupError(found, realm);
  try {
    const key = await set.importKey(found, alg);
    set.remember(kid, alg, key);
    return key;
  } catch (cause) {
    // WebCrypto refuses some keys only at import (e.g. an EC point off its curve) and throws DOMException or
    // TypeError; such a key can verify nothing, which for the token is the same as not knowing it.
    throw new AuthError('unknown_key', { realm, detail: 'the key could not be imported', cause });
  }
}

/** A fixed JWK Set (air-gapped deployments, tests): validated once here, never fetched. */
export class StaticKeySource implements KeySource {
  private readonly set: KeySet;
  private readonly issuer: string | null;
  private readonly realm: string;

  constructor(jwks: unknown, options: StaticKeySourceOptions) {
    this.issuer = options.issuer;
    this.realm = options.realm;
    const owner = options.issuer === null ? 'jwks' : `jwks for issuer ${JSON.stringify(options.issuer)}`;
    let selected: ReturnType<typeof selectUsableKeys>;
    try {
      selected = selectUsableKeys(jwks, options.keyUse);
    } catch (error) {
      if (error instanceof KeySetFormatError) throw new AuthConfigError(`${owner} is ${error.message}`);
      throw error;
    }
    const refused = selected.rejected.map((key) => `${key.kid === undefined ? 'a key without kid' : `kid ${JSON.stringify(key.kid)}`}: ${key.why}`);
    if (selected.usable.length === 0) {
      const why = refused.length === 0 ? 'the "keys" array is empty' : `every key was refused (${refused.join('; ')})`;
      throw new AuthConfigError(`${owner} holds no usable signature key: ${why}`);
    }
    for (const key of selected.rejected) {
      options.logger?.warn({ issuer: this.issuer, kid: key.kid, why: key.why }, 'authgate: ignoring a key of the configured JWK Set');
    }
    this.set = new KeySet(selected.usable);
  }

  getKey(kid: string | undefined, alg: Algorithm): Promise<VerificationKey> {
    return resolveKey(this.set, kid, alg, this.realm);
  }

  keyNow(kid: string | undefined, alg: Algorithm): VerificationKey | undefined {
    return this.set.recall(kid, alg);
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  health(): KeySourceHealth {
    return { issuer: this.issuer, kind: 'static', keys: this.set.size, stale: false, ok: true };
  }

  /** Nothing to refresh; a static set is always usable. */
  maintain(): boolean {
    return true;
  }

  /** A static set never changes, so no key is ever withdrawn. */
  onKeysWithdrawn(_listener: (ids: readonly string[]) => void): void {}

  close(): void {}
}
