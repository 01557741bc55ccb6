import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Identity } from './identity.js';

interface CachedIdentity {
  identity: Identity<object>;
  /** The key that verified it: withdrawn keys take their tokens with them. */
  keyId: string;
  exp: number;
  nbf: number | undefined;
  iat: number | undefined;
}

export interface TimeRules {
  clockTolerance: number;
  maxTokenAge: number | undefined;
}

/**
 * Verified tokens, so a repeated token costs a hash and a map lookup instead of a signature check.
 * Keyed by SHA-256 of the whole token (never a part of it: a signature pasted onto another payload must miss), which
 * also keeps memory per entry small. Time claims are re-checked on every hit, so an entry never outlives its `exp`.
 */
export class TokenCache {
  private readonly entries: LRUCache<string, CachedIdentity>;

  constructor(maxEntries: number, private readonly rules: TimeRules) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  static keyFor(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  /** The identity if the token was verified before and is still within its time claims at `nowSeconds`. */
  get(cacheKey: string, nowSeconds: number): Identity<object> | undefined {
    const entry = this.entries.get(cacheKey);
    if (entry === undefined) return undefined;
    const { clockTolerance, maxTokenAge } = this.rules;
    const expired = entry.exp <= nowSeconds - clockTolerance;
    const early = entry.nbf !== undefined && entry.nbf > nowSeconds + clockTolerance;
    const tooOld = maxTokenAge !== undefined && entry.iat !== undefined && nowSeconds - entry.iat - clockTolerance > maxTokenAge;
    if (expired || early || tooOld) {
      // The full pipeline will produce the precise error; the entry is of no further use.
      this.entries.delete(cacheKey);
      return undefined;
    }
    return entry.identity;
  }

  set(cacheKey: string, identity: Identity<object>, keyId: string): void {
    const { exp, nbf, iat } = identity.claims;
    this.entries.set(cacheKey, { identity, keyId, exp, nbf, iat });
  }

  /** Forgets every token verified by one of these keys (a refresh no longer lists them). */
  evictKeys(keyIds: readonly string[]): number {
    const withdrawn = new Set(keyIds);
    let evicted = 0;
    for (const [cacheKey, entry] of this.entries.entries()) {
      if (withdrawn.has(entry.keyId)) {
        this.entries.delete(cacheKey);
        evicted += 1;
      }
    }
    return evicted;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
