import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ExchangedToken } from './types.js';

interface Entry {
  token: ExchangedToken;
  /** Milliseconds since the epoch after which the entry is not served (shortly before the token expires). */
  freshUntil: number;
}

/** A digest standing in for a token in cache keys: the cache never holds a subject or actor token itself. */
export function tokenDigest(token: string | undefined): string {
  return token === undefined ? '' : createHash('sha256').update(token).digest('base64url');
}

/**
 * Exchanged tokens by everything that decides the answer (the subject and actor tokens by digest), each until
 * `refreshBefore` seconds before it expires; a token whose server named no `expires_in`, or that expires sooner than
 * that, is not kept. Identical concurrent exchanges share one request (single flight) whether or not caching is on.
 */
export class ExchangeCache {
  private readonly entries: LRUCache<string, Entry> | undefined;
  private readonly inFlight = new Map<string, Promise<ExchangedToken>>();

  constructor(private readonly options: { maxEntries: number; refreshBefore: number } | false) {
    this.entries = options === false ? undefined : new LRUCache({ max: options.maxEntries });
  }

  /** The cached answer for `key`, the exchange already in flight for it, or a new one from `run`. */
  get(key: string, run: () => Promise<ExchangedToken>): Promise<ExchangedToken> {
    const entry = this.entries?.get(key);
    if (entry !== undefined) {
      if (Date.now() < entry.freshUntil) return Promise.resolve(entry.token);
      this.entries?.delete(key);
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const started = run().then((token) => {
      this.remember(key, token);
      return token;
    });
    this.inFlight.set(key, started);
    const settled = (): void => void this.inFlight.delete(key);
    started.then(settled, settled);
    return started;
  }

  clear(): void {
    this.entries?.clear();
  }

  private remember(key: string, token: ExchangedToken): void {
    if (this.entries === undefined || this.options === false || token.expiresIn === undefined) return;
    const lifetime = token.expiresIn - this.options.refreshBefore;
    if (lifetime > 0) this.entries.set(key, { token, freshUntil: Date.now() + lifetime * 1000 });
  }
}

/** One key per distinct exchange; JSON keeps the parts from running into each other. */
export function exchangeKey(parts: ReadonlyArray<string | readonly string[] | undefined>): string {
  return JSON.stringify(parts.map((part) => part ?? null));
}
