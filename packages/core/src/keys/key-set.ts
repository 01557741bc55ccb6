import { KeyObject } from 'node:crypto';
import { importJWK } from 'jose';
import type { Algorithm } from './algorithms.js';
import { AuthError } from '../errors.js';
import { keyFitsAlgorithm, type UsableJwk } from './jwk.js';
import type { VerificationKey } from './key-source.js';

/** Why a key set could not answer a lookup; the verifier turns it into the AuthError. */
export type KeyLookupMiss = 'unknown_kid' | 'algorithm_mismatch' | 'ambiguous';

/**
 * One validated key set: looks keys up by (kid, alg) and imports each one once per algorithm.
 * Immutable: a refresh builds a new KeySet, so a lookup never sees half of an old set and half of a new one.
 */
export class KeySet {
  readonly ids: ReadonlySet<string>;
  private readonly byKid = new Map<string, UsableJwk[]>();
  private readonly withoutKid: UsableJwk[] = [];
  private readonly all: readonly UsableJwk[];
  // Imported keys, per key id and algorithm. Bounded by the set's own size (which the fetch caps).
  private readonly imported = new Map<string, Promise<VerificationKey>>();
  // Lookups already answered, by kid and alg: the per-token path needs no search, no promise and no await.
  private readonly answered = new Map<string, VerificationKey>();

  constructor(keys: readonly UsableJwk[]) {
    this.all = keys;
    this.ids = new Set(keys.map((key) => key.id));
    for (const key of keys) {
      if (key.kid === undefined) {
        this.withoutKid.push(key);
        continue;
      }
      const sameKid = this.byKid.get(key.kid);
      if (sameKid === undefined) this.byKid.set(key.kid, [key]);
      else sameKid.push(key);
    }
  }

  get size(): number {
    return this.all.length;
  }

  hasKid(kid: string): boolean {
    return this.byKid.has(kid);
  }

  /**
   * The one key that may verify a token with this kid and alg, or why there is none. A token without `kid` is
   * accepted only when exactly one key fits (a single-key issuer); two keys fitting one lookup is refused rather
   * than guessed at (duplicate kids in one set).
   */
  find(kid: string | undefined, alg: Algorithm): UsableJwk | KeyLookupMiss {
    const candidates = kid === undefined ? this.all : this.byKid.get(kid);
    if (candidates === undefined || candidates.length === 0) return 'unknown_kid';
    const fitting = candidates.filter((key) => keyFitsAlgorithm(key, alg));
    if (fitting.length === 0) return kid === undefined ? 'unknown_kid' : 'algorithm_mismatch';
    if (fitting.length > 1) return 'ambiguous';
    return fitting[0] as UsableJwk;
  }

  /** The key a previous lookup of this kid and alg resolved to, if any. */
  recall(kid: string | undefined, alg: Algorithm): VerificationKey | undefined {
    return this.answered.get(kid === undefined ? alg : `${alg} ${kid}`);
  }

  remember(kid: string | undefined, alg: Algorithm, key: VerificationKey): void {
    // Bounded: only kids this set holds get here, times the configured algorithms.
    this.answered.set(kid === undefined ? alg : `${alg} ${kid}`, key);
  }

  /** Imports (once) the key for this algorithm. */
  importKey(key: UsableJwk, alg: Algorithm): Promise<VerificationKey> {
    const cacheKey = `${key.id}|${alg}`;
    let imported = this.imported.get(cacheKey);
    if (imported === undefined) {
      imported = importJWK({ ...key.jwk, ext: false }, alg).then((cryptoKey) => {
        // importJWK returns a Uint8Array only for symmetric keys, which selectUsableKeys never lets through.
        if (cryptoKey instanceof Uint8Array || cryptoKey.type !== 'public') throw new Error('imported key is not a public key');
        return { key: KeyObject.from(cryptoKey), kid: key.kid, id: key.id, issuer: key.issuer };
      });
      // A failed import (e.g. an invalid EC point) is refused every time; drop it so memory stays bounded.
      imported.catch(() => this.imported.delete(cacheKey));
      this.imported.set(cacheKey, imported);
    }
    return imported;
  }
}

/** Maps a lookup miss to the client-facing error. */
export function keyLookupError(miss: KeyLookupMiss, realm: string): AuthError {
  if (miss === 'algorithm_mismatch') return new AuthError('key_algorithm_mismatch', { realm });
  return new AuthError('unknown_key', { realm, detail: miss === 'ambiguous' ? 'several keys fit this kid and alg' : 'no key with this kid' });
}
