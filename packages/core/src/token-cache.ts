import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Identity } from './identity.js';

const HOT_ENTRIES = 1024;

/** A lookup's answer, and the token's hash when it was computed (a miss reuses it to store the result). */
export interface CacheLookup {
  identity: Identity<object> | undefined;
  cacheKey: string | undefined;
}

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
  // The doorkeeper: hashes of tokens seen once, in two generations (a full one is dropped wholesale, so there is no
  // per-entry bookkeeping). A token is cached on its second verification. Clients reuse an access token for many
  // requests, so that costs one extra verification per token; in return a stream of one-off tokens (a scan, a
  // flood of distinct valid tokens) neither evicts the hot entries nor churns identities through the old
  // generation of the heap (measured: ~40 µs of GC per request when every request missed and was cached).
  private seenNow = new Set<string>();
  // The tokens hit most recently, keyed by the token itself (bounded: HOT_ENTRIES tokens of at most
  // maxTokenLength characters, 8 MiB at the defaults). Holds the same entries as `entries`.
  private readonly hot = new Map<string, CachedIdentity>();
  private seenBefore = new Set<string>();

  constructor(private readonly maxEntries: number, private readonly rules: TimeRules) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  /** True when this token was verified recently enough to deserve a cache entry; remembers it otherwise. */
  admit(cacheKey: string): boolean {
    if (this.seenNow.has(cacheKey) || this.seenBefore.has(cacheKey)) return true;
    if (this.seenNow.size >= this.maxEntries) {
      this.seenBefore = this.seenNow;
      this.seenNow = new Set();
    }
    this.seenNow.add(cacheKey);
    return false;
  }

  static keyFor(token: string): string {
    // One-shot hashing (Node 20.12+): no Hash object per request.
    return hash('sha256', token, 'base64url');
  }

  /**
   * The identity if the token was verified before and is still within its time claims at `nowSeconds`. The hot
   * tokens are found by their own string first (no hashing: a repeated token is the common case), then by hash.
   */
  get(token: string, nowSeconds: number): CacheLookup {
    const hot = this.hot.get(token);
    if (hot !== undefined) {
      if (this.isCurrent(hot, nowSeconds)) return { identity: hot.identity, cacheKey: undefined };
      this.hot.delete(token);
    }
    const cacheKey = TokenCache.keyFor(token);
    const entry = this.entries.get(cacheKey);
    if (entry === undefined) return { identity: undefined, cacheKey };
    if (!this.isCurrent(entry, nowSeconds)) {
      // The full pipeline will produce the precise error; the entry is of no further use.
      this.entries.delete(cacheKey);
      return { identity: undefined, cacheKey };
    }
    // Generational, like the doorkeeper: a full hot map is dropped wholesale rather than tracked per entry.
    if (this.hot.size >= HOT_ENTRIES) this.hot.clear();
    this.hot.set(token, entry);
    return { identity: entry.identity, cacheKey };
  }

  private isCurrent(entry: CachedIdentity, nowSeconds: number): boolean {
    const { clockTolerance, maxTokenAge } = this.rules;
    if (entry.exp <= nowSeconds - clockTolerance) return false;
    if (entry.nbf !== undefined && entry.nbf > nowSeconds + clockTolerance) return false;
    return maxTokenAge === undefined || entry.iat === undefined || nowSeconds - entry.iat - clockTolerance <= maxTokenAge;
  }

  set(cacheKey: string, identity: Identity<object>, keyId: string): void {
    const { exp, nbf, iat } = identity.claims;
    this.entries.set(cacheKey, { identity, keyId, exp, nbf, iat });
  }

  /** Forgets every token verified by one of these keys (a refresh no longer lists them). */
  evictKeys(keyIds: readonly string[]): number {
    const withdrawn = new Set(keyIds);
    this.hot.clear();
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
    this.hot.clear();
    this.seenNow.clear();
    this.seenBefore.clear();
  }
}
