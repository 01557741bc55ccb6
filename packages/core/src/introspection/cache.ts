import { createHmac, hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AuthErrorReason } from '../errors.js';
import type { Identity } from '../identity.js';

/**
 * Introspection answers, reused for a bounded time. Keyed by SHA-256 of the token (HMAC-SHA-256 under a deployment
 * key when one is given): the cache never holds a token, so reading it (a heap dump, a shared store) yields none.
 * - active: until `min(exp, now + maxTtl)` — `maxTtl` is the revocation delay this cache adds;
 * - inactive: `negativeTtl`, so a flood of bad tokens costs one call per token per window, and a token that becomes
 *   valid later (clock skew at the server) is asked about again soon.
 */

export type CachedAnswer =
  | { readonly active: true; readonly identity: Omit<Identity<object>, 'token'>; readonly until: number }
  | { readonly active: false; readonly reason: AuthErrorReason; readonly until: number };

export interface IntrospectionCacheSettings {
  maxTtl: number;
  negativeTtl: number;
  maxEntries: number;
  hashKey: Uint8Array | undefined;
}

export class IntrospectionCache {
  private readonly entries: LRUCache<string, CachedAnswer>;

  constructor(private readonly settings: IntrospectionCacheSettings) {
    this.entries = new LRUCache({ max: settings.maxEntries });
  }

  /** The cache key of a token: its digest (base64url), never the token. */
  keyFor(token: string): string {
    const { hashKey } = this.settings;
    return hashKey === undefined ? hash('sha256', token, 'base64url') : createHmac('sha256', hashKey).update(token, 'utf8').digest('base64url');
  }

  /** The answer for this key while it is still fresh (`nowMs` in milliseconds); an expired one is dropped. */
  get(key: string, nowMs: number): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > nowMs) return entry;
    this.entries.delete(key);
    return undefined;
  }

  setActive(key: string, identity: Omit<Identity<object>, 'token'>, exp: number | undefined, nowMs: number): void {
    const until = Math.min(nowMs + this.settings.maxTtl * 1000, exp === undefined ? Infinity : exp * 1000);
    if (until > nowMs) this.entries.set(key, { active: true, identity, until });
  }

  /** An inactive answer, or an active one this API refuses (wrong audience...): `reason` is what to answer again. */
  setInactive(key: string, reason: AuthErrorReason, nowMs: number): void {
    if (this.settings.negativeTtl > 0) this.entries.set(key, { active: false, reason, until: nowMs + this.settings.negativeTtl * 1000 });
  }

  /** Forgets a token's answer (a fresh `requireActive()` answer replaces it). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
