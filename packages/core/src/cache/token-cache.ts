import { LRUCache } from 'lru-cache';
import { Doorkeeper } from './doorkeeper.js';
import { bitsBefore, signatureEnd } from './signature-bits.js';
import type { Identity } from '../identity.js';
import { KEY_ID } from '../token/identity.js';

const HOT_ENTRIES = 1024;

// The identity is the whole entry (no wrapper: ~60 bytes less per entry): its time claims are read from its claims,
// and the key that verified it from a symbol property the pipeline sets (see token/verify.ts).
type CachedIdentity = Identity<object> & { readonly [KEY_ID]?: string };

/**
 * A token's slot in both maps: 30 bits of its signature, a small integer (no string to allocate, nothing to hash).
 * Two tokens may share a slot (by chance, or a forgery copying a cached token's signature): every hit compares the
 * whole token, so a shared slot costs a miss, never a wrong identity.
 */
const slotOf = (token: string): number => bitsBefore(token, signatureEnd(token), 5);

export interface TimeRules {
  clockTolerance: number;
  maxTokenAge: number | undefined;
}

/**
 * Verified tokens, so a repeated token costs a map lookup instead of a signature check.
 * Found by slot (see `slotOf`), matched on the whole token (never a part of it: a signature pasted onto another
 * payload must miss) against `identity.token`, the string the identity holds anyway: the key costs no memory (a
 * SHA-256 key cost 64 bytes per entry, and hashing on every miss). Time claims are re-checked on every hit, so an
 * entry never outlives its `exp`.
 */
export class TokenCache {
  private readonly entries: LRUCache<number, CachedIdentity>;
  // Tokens seen once: a token is cached on its second verification (see doorkeeper.ts for why). Clients reuse an
  // access token for many requests, so that costs one extra verification per token.
  private readonly doorkeeper: Doorkeeper;
  // The tokens hit most recently, by slot, with no LRU bookkeeping (bounded: HOT_ENTRIES tokens; the identities
  // are in `entries` too).
  private readonly hot = new Map<number, CachedIdentity>();

  constructor(
    maxEntries: number,
    private readonly rules: TimeRules,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
    // Two generations of half the capacity: a token is admitted only when it comes back within about `maxEntries`
    // verifications. One that comes back later could not have been hit in an LRU of this size anyway, and admitting
    // it would only churn the cache: a rotation of 2 × maxEntries tokens cost ~10 µs per verification in evictions
    // and old-generation garbage, for no hit at all.
    this.doorkeeper = new Doorkeeper(Math.max(1, Math.ceil(maxEntries / 2)));
  }

  /** True when this verified token was verified recently enough to deserve a cache entry; remembers it otherwise. */
  admit(token: string): boolean {
    return this.doorkeeper.admit(token);
  }

  /**
   * The identity if this exact token was hit recently and is still within its time claims at `nowSeconds`: no
   * hashing, nothing allocated. A miss here says nothing; `get` also looks in the whole cache.
   */
  peek(token: string, nowSeconds: number, slot = slotOf(token)): Identity<object> | undefined {
    const hot = this.hot.get(slot);
    if (hot === undefined || hot.token !== token) return undefined;
    if (this.isCurrent(hot, nowSeconds)) return hot;
    this.hot.delete(slot);
    return undefined;
  }

  /**
   * The identity if the token was verified before and is still within its time claims at `nowSeconds`. The hot
   * tokens are looked at first (a repeated token is the common case), then the whole cache, in the same slot.
   */
  get(token: string, nowSeconds: number): Identity<object> | undefined {
    const slot = slotOf(token);
    const hot = this.peek(token, nowSeconds, slot);
    if (hot !== undefined) return hot;
    const entry = this.entries.get(slot);
    if (entry === undefined || entry.token !== token) return undefined;
    if (!this.isCurrent(entry, nowSeconds)) {
      // The full pipeline will produce the precise error; the entry is of no further use.
      this.entries.delete(slot);
      return undefined;
    }
    // Generational, like the doorkeeper: a full hot map is dropped wholesale rather than tracked per entry.
    if (this.hot.size >= HOT_ENTRIES) this.hot.clear();
    this.hot.set(slot, entry);
    return entry;
  }

  private isCurrent(entry: CachedIdentity, nowSeconds: number): boolean {
    const { clockTolerance, maxTokenAge } = this.rules;
    const { exp, nbf, iat } = entry.claims;
    if (exp <= nowSeconds - clockTolerance) return false;
    if (nbf !== undefined && nbf > nowSeconds + clockTolerance) return false;
    return maxTokenAge === undefined || iat === undefined || nowSeconds - iat - clockTolerance <= maxTokenAge;
  }

  /**
   * Stores a verified identity in its token's slot (its `KEY_ID` names the key that verified it: see `evictKeys`);
   * a token sharing the slot loses its entry (it is verified again on its next request).
   */
  set(identity: Identity<object>): void {
    this.entries.set(slotOf(identity.token), identity);
  }

  /** Forgets every token verified by one of these keys (a refresh no longer lists them). */
  evictKeys(keyIds: readonly string[]): number {
    const withdrawn = new Set(keyIds);
    this.hot.clear();
    let evicted = 0;
    for (const [slot, entry] of this.entries.entries()) {
      if (entry[KEY_ID] !== undefined && withdrawn.has(entry[KEY_ID])) {
        this.entries.delete(slot);
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
    this.doorkeeper.clear();
  }
}
