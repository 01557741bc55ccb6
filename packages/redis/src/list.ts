import type { Redis } from 'ioredis';
import {
  AuthError,
  cutoffEntry,
  tokenEntry,
  type ClientRevocation,
  type RevocableClaims,
  type RevocationEntry,
  type RevocationList,
  type SubjectRevocation,
  type TokenRevocation,
} from '@authgate/core';
import { decodeChange, keySpace } from './keys.js';
import { Mirror } from './mirror.js';
import { normalizeRedisOptions, type NormalizedRedisOptions, type RedisRevocationListOptions } from './options.js';
import { withTimeout, writeEntry, type WriterConfig } from './writer.js';

export interface RevocationHealth {
  /** Connected to Redis and subscribed, with the mirror reloaded since the last (re)connect. */
  connected: boolean;
  /** Not connected for longer than `maxStaleness` (or never loaded for that long): `failMode` is in force. */
  stale: boolean;
  /** Seconds since the mirror was last known current; 0 while connected. */
  mirrorAgeSeconds: number;
  /** Entries in the mirror. */
  entries: number;
}

/** A revocation list shared by every instance through Redis; pass it as `revocation` to a verifier or adapter. */
export interface RedisRevocationList extends RevocationList {
  /** Resolves once Redis holds the entry (and it was announced); rejects within `commandTimeout` otherwise. */
  revokeToken(entry: TokenRevocation): Promise<void>;
  revokeSubject(entry: SubjectRevocation): Promise<void>;
  revokeClient(entry: ClientRevocation): Promise<void>;
  unrevokeToken(entry: TokenRevocation | Omit<TokenRevocation, 'exp'>): Promise<void>;
  unrevokeSubject(entry: SubjectRevocation): Promise<void>;
  unrevokeClient(entry: ClientRevocation): Promise<void>;
  /** Resolves after the first full load of the mirror; rejects if that has not happened within `timeout` seconds (default 30). */
  ready(timeout?: number): Promise<void>;
  health(): RevocationHealth;
  /** Stops the resync timer and the pub/sub connection, and the client when the list made it from a URL. */
  close(): Promise<void>;
  /** Entries in the mirror. */
  readonly size: number;
}

type Trigger = 'startup' | 'reconnect' | 'interval';

class RedisList implements RedisRevocationList {
  private readonly options: NormalizedRedisOptions;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly mirror: Mirror;
  private readonly writer: WriterConfig;
  private subscribed = false;
  private subscribing = false;
  /** Connected, subscribed and reloaded since the last (re)connect. */
  private current = false;
  private everLoaded = false;
  private lastCurrentAt = Date.now();
  /** Without Redis for longer than maxStaleness (set by the staleness timer, cleared by a reload). */
  private stale = false;
  /** failMode 'closed' and stale (or never loaded): every check answers 503. */
  private unavailable: boolean;
  private staleTimer: NodeJS.Timeout | undefined;
  private readonly resyncTimer: NodeJS.Timeout;
  private closed = false;
  private readonly loaded: Promise<void>;
  private markLoaded: () => void = () => {};

  constructor(userOptions: RedisRevocationListOptions) {
    this.options = normalizeRedisOptions(userOptions);
    const { redis, keyPrefix, logger, commandTimeout, maxTokenLifetime, maxEntries } = this.options;
    this.redis = redis;
    const keys = keySpace(keyPrefix);
    this.mirror = new Mirror({ redis, keys, maxEntries, maxTokenLifetime, commandTimeout, logger });
    this.mirror.retainPastExpiry(this.options.retainPastExpiry);
    let retention = this.options.retainPastExpiry;
    this.writer = { redis, keys, maxTokenLifetime, commandTimeout, retainPastExpiry: () => retention };
    this.retainPastExpiry = (seconds: number): void => {
      retention = Math.max(retention, seconds);
      this.mirror.retainPastExpiry(seconds);
    };
    this.loaded = new Promise((resolve) => (this.markLoaded = resolve));
    this.unavailable = this.options.failMode === 'closed';

    this.subscriber = redis.duplicate();
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== keys.channel) return;
      const change = decodeChange(message);
      if (change === undefined) logger.warn({}, 'authgate: ignored a malformed revocation message');
      else this.mirror.apply(change);
    });
    // ioredis reports its own connection errors on 'error'; without a listener Node would print them.
    for (const connection of [this.redis, this.subscriber]) {
      connection.on('error', (error: Error) =>
        logger.debug({ err: { name: error.name, message: error.message } }, 'authgate: Redis connection error'),
      );
      connection.on('close', () => this.disconnected());
      connection.on('ready', () => (this.subscribed ? this.resync('reconnect') : this.subscribe()));
    }
    this.subscribe();
    this.resyncTimer = setInterval(() => this.resync('interval'), this.options.resyncInterval * 1000);
    this.resyncTimer.unref();
    this.watchStaleness();
  }

  readonly retainPastExpiry: (seconds: number) => void;

  isRevoked(claims: RevocableClaims): boolean {
    if (this.unavailable) throw new AuthError('revocation_unavailable', { detail: 'the revocation mirror is stale (Redis unreachable)' });
    return this.mirror.current.isRevoked(claims);
  }

  async revokeToken(entry: TokenRevocation): Promise<void> {
    await this.write('add', tokenEntry('revokeToken', entry));
  }

  async revokeSubject(entry: SubjectRevocation): Promise<void> {
    await this.write('add', cutoffEntry('revokeSubject', 'subject', entry, Date.now() / 1000));
  }

  async revokeClient(entry: ClientRevocation): Promise<void> {
    await this.write('add', cutoffEntry('revokeClient', 'client', entry, Date.now() / 1000));
  }

  async unrevokeToken(entry: TokenRevocation | Omit<TokenRevocation, 'exp'>): Promise<void> {
    await this.write('remove', tokenEntry('unrevokeToken', entry, false));
  }

  async unrevokeSubject(entry: SubjectRevocation): Promise<void> {
    await this.write('remove', cutoffEntry('unrevokeSubject', 'subject', entry, 0));
  }

  async unrevokeClient(entry: ClientRevocation): Promise<void> {
    await this.write('remove', cutoffEntry('unrevokeClient', 'client', entry, 0));
  }

  ready(timeout = 30): Promise<void> {
    return withTimeout(this.loaded, timeout, 'first full load of the revocation list');
  }

  health(): RevocationHealth {
    const mirrorAgeSeconds = this.current ? 0 : (Date.now() - this.lastCurrentAt) / 1000;
    return {
      connected: this.current,
      stale: this.stale,
      mirrorAgeSeconds,
      entries: this.mirror.current.size,
    };
  }

  get size(): number {
    return this.mirror.current.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.resyncTimer);
    clearTimeout(this.staleTimer);
    this.subscriber.disconnect();
    if (this.options.ownsClient) this.redis.disconnect();
  }

  /** Redis first (the promise settles on its answer), then this instance's mirror at once; the others by pub/sub. */
  private async write(op: 'add' | 'remove', entry: RevocationEntry): Promise<void> {
    await writeEntry(this.writer, op, entry);
    this.mirror.apply({ op, entry });
  }

  private subscribe(): void {
    if (this.subscribing || this.closed) return;
    this.subscribing = true;
    this.subscriber.subscribe(this.writer.keys.channel).then(
      () => {
        this.subscribing = false;
        this.subscribed = true;
        this.resync('startup');
      },
      (error: Error) => {
        this.subscribing = false;
        this.options.logger.warn({ err: { name: error.name, message: error.message } }, 'authgate: could not subscribe to revocations yet');
      },
    );
  }

  private resync(trigger: Trigger): void {
    if (this.closed || !this.subscribed || this.redis.status !== 'ready' || this.subscriber.status !== 'ready') return;
    const { logger, onEvent } = this.options;
    this.mirror.reload().then(
      (entries) => {
        if (this.closed || this.redis.status !== 'ready' || this.subscriber.status !== 'ready') return;
        const wasCurrent = this.current;
        this.current = true;
        this.stale = false;
        this.unavailable = false;
        clearTimeout(this.staleTimer);
        if (!this.everLoaded || !wasCurrent) logger.info({ entries, trigger }, 'authgate: revocation mirror loaded');
        this.everLoaded = true;
        this.markLoaded();
        onEvent({ type: 'revocation_resynced', entries, trigger });
      },
      (error: Error) => {
        logger.warn({ err: { name: error.name, message: error.message } }, 'authgate: revocation resync failed');
        onEvent({ type: 'revocation_resync_failed', error: error.message });
      },
    );
  }

  private disconnected(): void {
    if (this.closed || !this.current) return;
    this.current = false;
    this.lastCurrentAt = Date.now();
    this.options.logger.warn({}, 'authgate: lost Redis; revocations are answered from the mirror');
    this.options.onEvent({ type: 'revocation_disconnected' });
    this.watchStaleness();
  }

  /** Once the mirror has gone `maxStaleness` without Redis: a warning, an event, and 503s under failMode 'closed'. */
  private watchStaleness(): void {
    clearTimeout(this.staleTimer);
    const { maxStaleness, failMode, logger, onEvent } = this.options;
    this.staleTimer = setTimeout(() => {
      if (this.closed || this.current) return;
      const mirrorAgeSeconds = (Date.now() - this.lastCurrentAt) / 1000;
      this.stale = true;
      if (failMode === 'closed') this.unavailable = true;
      logger.warn(
        { mirrorAgeSeconds, failMode },
        failMode === 'closed'
          ? 'authgate: revocation mirror is stale; refusing tokens with 503 until Redis is back'
          : 'authgate: revocation mirror is stale; still serving from it (failMode open): revocations made meanwhile are not seen',
      );
      onEvent({ type: 'revocation_stale', mirrorAgeSeconds, failMode });
    }, maxStaleness * 1000);
    this.staleTimer.unref();
  }
}

/**
 * A revocation list shared through Redis: writes go to Redis and are announced on a channel; every instance answers
 * `isRevoked` from its own in-memory mirror (never a Redis call per request). See the README for what happens when
 * Redis is gone.
 */
export function createRedisRevocationList(options: RedisRevocationListOptions): RedisRevocationList {
  return new RedisList(options);
}
