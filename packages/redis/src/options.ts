import { Redis } from 'ioredis';
import { AuthConfigError, describeType, keysOf, rejectUnknownKeys, type AuthLogger, type OptionKeys } from '@authgate/core';

/** What a Redis revocation list tells an `onEvent` hook. Safe for metrics: no tokens, no identifiers. */
export type RedisRevocationEvent =
  | { type: 'revocation_resynced'; entries: number; trigger: 'startup' | 'reconnect' | 'interval' }
  | { type: 'revocation_resync_failed'; error: string }
  | { type: 'revocation_disconnected' }
  | { type: 'revocation_stale'; mirrorAgeSeconds: number; failMode: 'open' | 'closed' };

export interface RedisRevocationListOptions {
  /**
   * An ioredis client, or a `redis://` / `rediss://` URL to connect to. A client you pass is yours: `close()` leaves
   * it open (the list's own pub/sub connection, a duplicate of it, is closed).
   */
  redis: Redis | string;
  /** Prefix of every key and of the pub/sub channel; give each deployment sharing one Redis its own. Default `'authgate:revocation:'`. */
  keyPrefix?: string;
  /**
   * Seconds the in-memory mirror may go without Redis (disconnected, or never loaded) before it counts as stale:
   * then `failMode` decides. Default 60.
   */
  maxStaleness?: number;
  /**
   * Past `maxStaleness`: `'open'` keeps answering from the last mirror (a warning and a `revocation_stale` event);
   * `'closed'` answers 503 `revocation_unavailable` with `Retry-After` until Redis is back (and, before the first
   * full load, from the start). Default `'open'`: a Redis outage must not take the API down, but revocations made
   * meanwhile are not seen.
   */
  failMode?: 'open' | 'closed';
  /** Seconds between full reloads of the mirror, which also remove entries deleted elsewhere and catch lost messages. Default 30. */
  resyncInterval?: number;
  /** Seconds subject and client cut-offs live past their `before`: your longest access-token lifetime. Default 86,400. */
  maxTokenLifetime?: number;
  /**
   * Seconds a token entry is kept past its `exp`; raised automatically to the largest `clockTolerance` of the
   * verifiers using the list. Default 60.
   */
  retainPastExpiry?: number;
  /** Seconds after which a write (`revokeToken` …) or a resync step that Redis has not confirmed rejects. Default 5. */
  commandTimeout?: number;
  /** Most entries the mirror holds. Default 1,000,000. */
  maxEntries?: number;
  /** A pino logger (or anything with the same methods). Default: silent. */
  logger?: AuthLogger;
  /** Resyncs, disconnections and staleness, for metrics. If it throws, that is logged and ignored. */
  onEvent?: (event: RedisRevocationEvent) => void;
}

const REDIS_LIST_OPTION_KEYS: OptionKeys<RedisRevocationListOptions> = {
  redis: true,
  keyPrefix: true,
  maxStaleness: true,
  failMode: true,
  resyncInterval: true,
  maxTokenLifetime: true,
  retainPastExpiry: true,
  commandTimeout: true,
  maxEntries: true,
  logger: true,
  onEvent: true,
};

export interface NormalizedRedisOptions {
  redis: Redis;
  ownsClient: boolean;
  keyPrefix: string;
  maxStaleness: number;
  failMode: 'open' | 'closed';
  resyncInterval: number;
  maxTokenLifetime: number;
  retainPastExpiry: number;
  commandTimeout: number;
  maxEntries: number;
  logger: AuthLogger;
  onEvent: (event: RedisRevocationEvent) => void;
}

function fail(message: string): never {
  throw new AuthConfigError(`authgate: ${message}`);
}

/** A wrong number is shown; any other value only by its type. */
function gotNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value);
}

function seconds(name: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(`${name} must be a finite number of seconds${min > 0 ? ` of at least ${min}` : ', not negative'} (got ${gotNumber(value)})`);
  }
  return value;
}

export const DEFAULT_KEY_PREFIX = 'authgate:revocation:';
export const DEFAULT_MAX_TOKEN_LIFETIME = 86_400;
export const DEFAULT_RETAIN_PAST_EXPIRY = 60;
export const DEFAULT_COMMAND_TIMEOUT = 5;

const silent: AuthLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** An ioredis client for a URL: commands fail after `commandTimeout`, and reconnects back off up to 2 s. */
export function connect(url: string, commandTimeout: number): Redis {
  return new Redis(url, {
    commandTimeout: Math.ceil(commandTimeout * 1000),
    connectTimeout: Math.ceil(commandTimeout * 1000),
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    lazyConnect: false,
  });
}

/** By shape rather than instanceof: the application may hold another copy of ioredis. */
function isClient(value: unknown): value is Redis {
  if (value === null || typeof value !== 'object') return false;
  const client = value as Record<string, unknown>;
  return ['duplicate', 'multi', 'scan', 'mget', 'subscribe'].every((method) => typeof client[method] === 'function');
}

export function normalizeRedisOptions(options: RedisRevocationListOptions): NormalizedRedisOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail('createRedisRevocationList needs options: { redis: <ioredis client or URL> }');
  rejectUnknownKeys(options, keysOf(REDIS_LIST_OPTION_KEYS), '', 'createRedisRevocationList');
  const commandTimeout = seconds('commandTimeout', options.commandTimeout, DEFAULT_COMMAND_TIMEOUT, 0.001);
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string') fail(`keyPrefix must be a string (got ${describeType(keyPrefix)})`);
  const failMode = options.failMode ?? 'open';
  if (failMode !== 'open' && failMode !== 'closed') fail(`failMode must be 'open' or 'closed' (got ${describeType(failMode)})`);
  const maxEntries = options.maxEntries ?? 1_000_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) fail(`maxEntries must be a positive integer (got ${gotNumber(maxEntries)})`);
  const { redis } = options;
  const isUrl = typeof redis === 'string';
  if (isUrl && !/^rediss?:\/\//.test(redis)) fail('redis must be an ioredis client or a redis:// (or rediss://) URL');
  if (!isUrl && !isClient(redis)) fail('redis must be an ioredis client (new Redis(...)) or a redis:// URL');
  const logger = options.logger ?? silent;
  if (['debug', 'info', 'warn', 'error'].some((method) => typeof (logger as unknown as Record<string, unknown>)?.[method] !== 'function'))
    fail('logger must be a pino logger (or any object with debug, info, warn and error methods)');
  const hook = options.onEvent;
  if (hook !== undefined && typeof hook !== 'function') fail(`onEvent must be a function (got ${describeType(hook)})`);
  const durations = {
    maxStaleness: seconds('maxStaleness', options.maxStaleness, 60),
    resyncInterval: seconds('resyncInterval', options.resyncInterval, 30, 0.1),
    maxTokenLifetime: seconds('maxTokenLifetime', options.maxTokenLifetime, DEFAULT_MAX_TOKEN_LIFETIME),
    retainPastExpiry: seconds('retainPastExpiry', options.retainPastExpiry, DEFAULT_RETAIN_PAST_EXPIRY),
  };
  // Connect only once every option is valid: a refused config must leave no client reconnecting behind it.
  return {
    redis: isUrl ? connect(redis, commandTimeout) : redis,
    ownsClient: isUrl,
    keyPrefix,
    failMode,
    ...durations,
    commandTimeout,
    maxEntries,
    logger,
    onEvent: (event) => {
      try {
        hook?.(event);
      } catch (error) {
        logger.error({ event: event.type, err: { name: (error as Error)?.name } }, 'authgate: the onEvent hook threw');
      }
    },
  };
}
