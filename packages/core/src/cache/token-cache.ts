import { LRUCache } from 'lru-cache';
import { Doorkeeper } from './doorkeeper.js';
import type { Identity } from '../identity.js';
import { KEY_ID } from '../token/identity.js';

const HOT_ENTRIES = 1024;

// The identity is the whole entry (no wrapper: ~60 bytes less per entry): its time claims are read from its claims,
// and the key that verified it from a symbol property the pipeline sets (see token/verify.ts).
type CachedIdentity = Identity<object> & { readonly [KEY_ID]?: string };

interface HotEntry {
  token: string;
  cached: CachedIdentity;
}

const HOT_KEY_LENGTH = 16;
const hotKey = (token: string): string => token.slice(-HOT_KEY_LENGTH);

export interface TimeRules {
  clockTolerance: number;
  maxTokenAge: number | undefined;
}

/**
 * Verified tokens, so a repeated token costs a map lookup instead of a signature check.
 * Keyed by the whole token string (never a part of it: a signature pasted onto another payload must miss): the
 * identity holds that same string as `identity.token`, so the key costs no memory (a SHA-256 key cost 64 bytes per
 * entry, and hashing on every miss). Only verified tokens are stored, so nobody can fill the map with strings chosen
 * to collide in V8's (seeded) string hash. Time claims are re-checked on every hit, so an entry never outlives its
 * `exp`.
 */
export class TokenCache {
  private readonly entries: LRUCache<string, CachedIdentity>;
  // Tokens seen once: a token is cached on its second verification (see doorkeeper.ts for why). Clients reuse an
  // access token for many requests, so that costs one extra verification per token.
  private readonly doorkeeper: Doorkeeper;
  // The tokens hit most recently, found without hashing: keyed by the token's last characters (signature bytes, so
  // distinct per token), and matched on the whole token string (bounded: HOT_ENTRIES tokens of at most maxTokenLength
  // characters, 8 MiB at the defaults). A short key because V8 hashes every character of a Map key on each lookup of
  // a fresh string (a request's header): ~1 µs for a 800-character token, ~0.1 µs for 16. Same entries as `entries`.
  private readonly hot = new Map<string, HotEntry>();

  constructor(
    maxEntries: number,
    private readonly rules: TimeRules,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
    this.doorkeeper = new Doorkeeper(maxEntries);
  }

  /** True when this verified token was verified recently enough to deserve a cache entry; remembers it otherwise. */
  admit(token: string): boolean {
    return this.doorkeeper.admit(token);
  }

  /**
   * The identity if this exact token was hit recently and is still within its time claims at `nowSeconds`: no
   * hashing, nothing allocated. A miss here says nothing; `get` also looks in the whole cache.
   */
  peek(token: string, nowSeconds: number): Identity<object> | undefined {
    const key = hotKey(token);
    const hot = this.hot.get(key);
    if (hot === undefined || hot.token !== token) return undefined;
    if (this.isCurrent(hot.cached, nowSeconds)) return hot.cached;
    this.hot.delete(key);
    return undefined;
  }

  /**
   * The identity if the token was verified before and is still within its time claims at `nowSeconds`. The hot
   * tokens are found by their own string first (a repeated token is the common case), then by hash.
   */
  get(token: string, nowSeconds: number): Identity<object> | undefined {
    const hot = this.peek(token, nowSeconds);
    if (hot !== undefined) return hot;
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (!this.isCurrent(entry, nowSeconds)) {
      // The full pipeline will produce the precise error; the entry is of no further use.
      this.entries.delete(token);
      return undefined;
    }
    // Generational, like the doorkeeper: a full hot map is dropped wholesale rather than tracked per entry.
    if (this.hot.size >= HOT_ENTRIES) this.hot.clear();
    this.hot.set(hotKey(token), { token, cached: entry });
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
   * Stores a verified identity under its token (its `KEY_ID` names the key that verified it: see `evictKeys`). The
   * key is `identity.token` itself, not an equal string: one string, held once.
   */
  set(identity: Identity<object>): void {
    this.entries.set(identity.token, identity);
  }

  /** Forgets every token verified by one of these keys (a refresh no longer lists them). */
  evictKeys(keyIds: readonly string[]): number {
    const withdrawn = new Set(keyIds);
    this.hot.clear();
    let evicted = 0;
    for (const [token, entry] of this.entries.entries()) {
      if (entry[KEY_ID] !== undefined && withdrawn.has(entry[KEY_ID])) {
        this.entries.delete(token);
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
