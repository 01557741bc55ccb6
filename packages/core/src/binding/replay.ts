import { LRUCache } from 'lru-cache';

/**
 * Remembers DPoP proofs already used. `checkAndStore` stores `key` until `expiresAt` (epoch seconds) and answers
 * true, or answers false when the key is already stored (a replay). Must be atomic for concurrent calls with the
 * same key (Redis: `SET key 1 NX EXAT expiresAt`). A rejection or throw answers 503: replay protection we cannot
 * check is never skipped.
 */
export interface ReplayCache {
  checkAndStore(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * The in-process default: an LRU bounded to `maxEntries`, each entry kept until its proof could no longer pass the
 * `iat` check anyway. Per process: behind a load balancer, a proof replayed to another instance is not caught.
 */
export function createMemoryReplayCache(maxEntries: number): ReplayCache {
  const seen = new LRUCache<string, true>({ max: maxEntries, ttlAutopurge: false });
  return {
    checkAndStore(key, expiresAt) {
      if (seen.get(key) !== undefined) return false;
      const ttl = Math.max(1, Math.ceil(expiresAt * 1000 - Date.now()));
      seen.set(key, true, { ttl });
      return true;
    },
  };
}
