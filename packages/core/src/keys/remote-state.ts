import type { KeySet } from './key-set.js';
import type { JwksOptions } from '../options.js';

interface LoadedKeySet {
  readonly set: KeySet;
  readonly fetchedAt: number;
  readonly expiresAt: number;
}

export interface KeySetStateOptions {
  jwks: Required<JwksOptions>;
  now: () => number;
  random: () => number;
  /** Backoff between failed refreshes, in seconds: doubles from `initialDelay` up to `maxDelay`. */
  retry: { initialDelay: number; maxDelay: number };
}

/**
 * The freshness state of a remote key set: the last good set and when it expires, how long it may still be used
 * stale, and the failures with their exponential backoff. Pure bookkeeping on `now()`: no I/O, no timers.
 */
export class KeySetState {
  private loaded: LoadedKeySet | undefined;
  private failureCount = 0;
  private retryAt = 0;
  private lastErrorText: string | undefined;

  constructor(private readonly options: KeySetStateOptions) {}

  get failures(): number {
    return this.failureCount;
  }

  get lastError(): string | undefined {
    return this.lastErrorText;
  }

  get hasLoaded(): boolean {
    return this.loaded !== undefined;
  }

  get size(): number {
    return this.loaded?.set.size ?? 0;
  }

  get lastRefresh(): Date | undefined {
    return this.loaded === undefined ? undefined : new Date(this.loaded.fetchedAt);
  }

  /** Installs a freshly fetched set; returns the lifetime granted (seconds) and the ids of keys that left. */
  install(set: KeySet, serverMaxAge: number | undefined): { lifetime: number; withdrawn: string[] } {
    const { minAge, maxAge } = this.options.jwks;
    const lifetime = Math.min(maxAge, Math.max(minAge, serverMaxAge ?? maxAge));
    const at = this.options.now();
    const previous = this.loaded;
    this.loaded = { set, fetchedAt: at, expiresAt: at + lifetime * 1000 };
    this.failureCount = 0;
    this.retryAt = 0;
    this.lastErrorText = undefined;
    const withdrawn = previous === undefined ? [] : [...previous.set.ids].filter((id) => !set.ids.has(id));
    return { lifetime, withdrawn };
  }

  /** Records a failed refresh; returns the backoff chosen (ms) and whether a stale set is still being served. */
  recordFailure(description: string): { delayMs: number; servingStale: boolean } {
    this.failureCount += 1;
    const { initialDelay, maxDelay } = this.options.retry;
    const backoff = Math.min(maxDelay * 1000, initialDelay * 1000 * 2 ** (this.failureCount - 1));
    const delayMs = backoff * (1 - 0.25 * this.options.random());
    const at = this.options.now();
    this.retryAt = at + delayMs;
    this.lastErrorText = description;
    const loaded = this.loaded;
    return { delayMs, servingStale: loaded !== undefined && at > loaded.expiresAt && at <= this.staleUntil(loaded) };
  }

  /** The set we may verify with now: fresh, or stale within `maxStale`. */
  currentSet(): KeySet | undefined {
    const loaded = this.loaded;
    return loaded !== undefined && this.options.now() <= this.staleUntil(loaded) ? loaded.set : undefined;
  }

  /** A set is held and its max age has passed: time for a routine refresh. */
  isDue(): boolean {
    return this.loaded !== undefined && this.options.now() >= this.loaded.expiresAt;
  }

  /** Past the failure backoff. */
  retryAllowed(): boolean {
    return this.options.now() >= this.retryAt;
  }

  /** Serving a set past its max age because refreshes fail. */
  isStale(): boolean {
    return this.loaded !== undefined && this.options.now() > this.loaded.expiresAt && this.failureCount > 0;
  }

  private staleUntil(loaded: LoadedKeySet): number {
    return loaded.expiresAt + this.options.jwks.maxStale * 1000;
  }
}
