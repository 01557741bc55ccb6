import type { Redis } from 'ioredis';
import { entryExpiry, type RevocationEntry } from '@authgate/core';
import { encodeChange, type KeySpace } from './keys.js';

export interface WriterConfig {
  redis: Redis;
  keys: KeySpace;
  /** Seconds: cut-off entries live this long past their `before`. */
  maxTokenLifetime: number;
  /** Seconds a token entry is kept past the token's `exp` (the verifiers' clock tolerance, at least). */
  retainPastExpiry: () => number;
  /** Seconds before an unconfirmed write is reported as failed. */
  commandTimeout: number;
}

/** Settles like `promise`, or rejects once `seconds` have passed; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`authgate: Redis did not answer the ${what} within ${seconds} s`)), seconds * 1000);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Stores (or deletes) one entry and announces it on the channel, in one MULTI: resolves once Redis holds the change,
 * rejects within `commandTimeout` when it cannot confirm it. A timed-out write queued by a disconnected client may
 * still land when the connection returns; writes are idempotent, so retrying is always safe.
 */
export async function writeEntry(config: WriterConfig, op: 'add' | 'remove', entry: RevocationEntry): Promise<void> {
  const { redis, keys } = config;
  const key = keys.entryKey(entry);
  const transaction = redis.multi();
  if (op === 'add') {
    const expireAt = Math.ceil(entryExpiry(entry, config.maxTokenLifetime, config.retainPastExpiry()));
    // Nothing to store for a token that has already expired (or a cut-off older than every live token).
    if (expireAt <= Date.now() / 1000) return;
    transaction.set(key, String(entry.value), 'EXAT', expireAt);
  } else {
    transaction.del(key);
  }
  transaction.publish(keys.channel, encodeChange(op, entry));
  const what = op === 'add' ? 'revocation' : 'unrevocation';
  const results = await withTimeout(transaction.exec(), config.commandTimeout, what);
  if (results === null) throw new Error(`authgate: Redis aborted the ${what}`);
  for (const [error] of results) if (error !== null) throw new Error(`authgate: Redis refused the ${what}: ${error.message}`);
}
