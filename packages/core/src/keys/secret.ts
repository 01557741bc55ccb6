import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { fail } from '../config/validate.js';
import type { Algorithm } from './algorithms.js';
import type { KeySource, KeySourceHealth, VerificationKey } from './key-source.js';

/** A shared HMAC secret: a string (its UTF-8 bytes), bytes, or a secret `KeyObject`. */
export type SharedSecret = string | Uint8Array | KeyObject;

/** RFC 7518 §3.2: a key of the same size as the hash output (or larger) must be used with each HS algorithm. */
const MIN_SECRET_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/**
 * Validates `secret` once, at construction: a secret `KeyObject`, or bytes long enough for every configured
 * algorithm (32, 48, 64 bytes for HS256, HS384, HS512).
 */
export function normalizeSecret(secret: unknown, algorithms: ReadonlySet<Algorithm>): KeyObject {
  let key: KeyObject;
  if (typeof secret === 'string') key = createSecretKey(Buffer.from(secret, 'utf8'));
  else if (secret instanceof Uint8Array) key = createSecretKey(Buffer.from(secret));
  else if (secret instanceof KeyObject && secret.type === 'secret') key = secret;
  else return fail('secret must be a string, a Uint8Array or a secret KeyObject (createSecretKey)');
  const bytes = key.symmetricKeySize ?? 0;
  for (const alg of algorithms) {
    const minimum = MIN_SECRET_BYTES[alg] ?? 0;
    if (bytes < minimum) {
      fail(
        `secret is ${bytes} bytes; ${alg} needs at least ${minimum} (RFC 7518 §3.2): generate one with crypto.randomBytes(${minimum}).toString('base64url')`,
      );
    }
  }
  return key;
}

/**
 * The one shared secret every trusted issuer signs with (services that trust each other). The token's `kid` is not
 * consulted: there is only one key. Nothing to fetch, refresh or withdraw.
 */
export class SecretKeySource implements KeySource {
  private readonly key: VerificationKey;

  constructor(
    secret: KeyObject,
    private readonly issuer: string | null,
  ) {
    // Random, never derived from the secret: a key id may reach logs, and a digest of a weak secret can be guessed.
    this.key = Object.freeze({ key: secret, kid: undefined, id: `secret#${randomUUID()}` });
  }

  getKey(): Promise<VerificationKey> {
    return Promise.resolve(this.key);
  }

  keyNow(_kid: string | undefined, _alg: Algorithm): VerificationKey {
    return this.key;
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  health(): KeySourceHealth {
    return { issuer: this.issuer, kind: 'static', keys: 1, stale: false, ok: true };
  }

  maintain(): boolean {
    return true;
  }

  onKeysWithdrawn(_listener: (ids: readonly string[]) => void): void {}

  close(): void {}
}
