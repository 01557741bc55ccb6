import type { Redis } from 'ioredis';
import { createMemoryRevocationList, type AuthLogger, type MemoryRevocationList, type RevocationEntry } from '@authgate/core';
import type { ChangeMessage, KeySpace } from './keys.js';
import { withTimeout } from './writer.js';

export interface MirrorConfig {
  redis: Redis;
  keys: KeySpace;
  maxEntries: number;
  maxTokenLifetime: number;
  commandTimeout: number;
  logger: AuthLogger;
}

const SCAN_COUNT = 1000;

/**
 * The in-memory copy of Redis's entries that the request path reads. Changes arrive one by one (pub/sub) and the
 * whole copy is rebuilt by a full load (SCAN, never KEYS) at start, after every reconnect and periodically; changes
 * that arrive during a load are applied again on top of it, so a load never resurrects an entry deleted meanwhile.
 */
export class Mirror {
  private list: MemoryRevocationList;
  private retention = 0;
  /** Changes received while a load is running, replayed onto its result. */
  private received: ChangeMessage[] | undefined;
  private loading: Promise<number> | undefined;
  private loadAgain = false;

  constructor(private readonly config: MirrorConfig) {
    this.list = this.emptyList();
  }

  get current(): MemoryRevocationList {
    return this.list;
  }

  retainPastExpiry(seconds: number): void {
    if (seconds > this.retention) this.retention = seconds;
    this.list.retainPastExpiry(seconds);
  }

  apply(change: ChangeMessage): void {
    this.received?.push(change);
    this.applyTo(this.list, change);
  }

  /** A full load; concurrent calls share it, and a call during a load runs one more after it. Resolves the entry count. */
  reload(): Promise<number> {
    if (this.loading !== undefined) {
      this.loadAgain = true;
      return this.loading;
    }
    const run = async (): Promise<number> => {
      try {
        let entries: number;
        do {
          this.loadAgain = false;
          entries = await this.loadOnce();
        } while (this.loadAgain);
        return entries;
      } finally {
        this.loading = undefined;
      }
    };
    this.loading = run();
    return this.loading;
  }

  private async loadOnce(): Promise<number> {
    const { redis, keys, commandTimeout } = this.config;
    const fresh = this.emptyList();
    this.received = [];
    try {
      let cursor = '0';
      do {
        const [next, found] = await withTimeout(redis.scan(cursor, 'MATCH', keys.pattern, 'COUNT', SCAN_COUNT), commandTimeout, 'resync scan');
        cursor = next;
        if (found.length === 0) continue;
        const values = await withTimeout(redis.mget(...found), commandTimeout, 'resync read');
        found.forEach((key, index) => {
          const entry = keys.decode(key, values[index] ?? null);
          if (entry !== undefined) this.add(fresh, entry);
        });
      } while (cursor !== '0');
      for (const change of this.received) this.applyTo(fresh, change);
    } finally {
      this.received = undefined;
    }
    this.list = fresh;
    return fresh.size;
  }

  private emptyList(): MemoryRevocationList {
    const { maxEntries, maxTokenLifetime } = this.config;
    return createMemoryRevocationList({ maxEntries, maxTokenLifetime, retainPastExpiry: this.retention });
  }

  private applyTo(list: MemoryRevocationList, change: ChangeMessage): void {
    if (change.op === 'add') this.add(list, change.entry);
    else list.remove(change.entry);
  }

  private add(list: MemoryRevocationList, entry: RevocationEntry): void {
    try {
      list.add(entry);
    } catch (error) {
      this.config.logger.error({ err: { name: (error as Error)?.name, message: (error as Error)?.message } }, 'authgate: revocation mirror is full');
    }
  }
}
