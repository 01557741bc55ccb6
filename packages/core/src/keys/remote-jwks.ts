import type { Algorithm } from './algorithms.js';
import { AuthConfigError, AuthError } from '../errors.js';
import { AuthStartupError } from '../net/startup-failure.js';
import { OutageLog } from '../net/outage-log.js';
import type { KeySourceEvent } from '../events.js';
import { KeySourceFetchError } from '../net/fetch-json.js';
import { keyLookupError, type KeySet } from './key-set.js';
import { NegativeCache, TokenBucket } from './remote-limits.js';
import { describeFailure, errorName, KeySetFetcher, type KeySetFetcherOptions } from './remote-fetch.js';
import { KeySetState } from './remote-state.js';
import type { KeySource, KeySourceHealth, VerificationKey } from './key-source.js';
import type { AuthLogger } from '../options.js';
import { resolveKey } from './static-jwks.js';

/**
 * A remote JWK Set (`jwksUri`, or found by discovery), kept fresh without letting token traffic turn into traffic
 * against the identity provider: one fetch at a time, shared; an unknown kid refetches at once while a token bucket
 * allows (`burst`, then one per `cooldown`), so a rotation is picked up on its first token and a flood of made-up
 * kids costs a bounded number of fetches, with a short negative cache; past max age (server `Cache-Control` within
 * [minAge, maxAge]) the set is refreshed lazily in the background (no timers keep a process alive); a failed refresh
 * never replaces a good set, which keeps verifying until `maxStale` past its expiry, with exponential backoff and a
 * drained bucket; then fail closed. Time comes from `now()` (tests move it); fetch deadlines use real time.
 */

export interface RemoteKeySourceOptions extends KeySetFetcherOptions {
  /** Must not throw: `createVerifier` passes the application's hook wrapped (a throw is logged and ignored). */
  onEvent: (event: KeySourceEvent) => void;
  realm: string;
  /** Milliseconds since the epoch; injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** Backoff between failed refreshes, in seconds: doubles from `initialDelay` up to `maxDelay`. Defaults 1 and 60. */
  retry?: { initialDelay?: number; maxDelay?: number };
  /** Source of jitter in [0, 1); retries wait between 75 % and 100 % of the backoff. Default `Math.random`. */
  random?: () => number;
}

type RefreshTrigger = Extract<KeySourceEvent, { type: 'jwks_refreshed' }>['trigger'];

export class RemoteKeySource implements KeySource {
  private readonly issuer: string | null;
  private readonly fetcher: KeySetFetcher;
  private readonly state: KeySetState;
  private readonly logger: AuthLogger;
  private readonly emit: (event: KeySourceEvent) => void;
  private readonly realm: string;
  private readonly limiter: TokenBucket;
  private readonly negative: NegativeCache;
  private readonly withdrawnListeners: Array<(ids: readonly string[]) => void> = [];
  private readonly closing = new AbortController();
  private readonly outage: OutageLog;

  private inflight: Promise<void> | undefined;
  /** Fetches started so far: tells a lookup whether the fetch in flight began after it arrived. */
  private loadsStarted = 0;

  constructor(options: RemoteKeySourceOptions) {
    if ((options.jwksUri === undefined) === (options.discoverFrom === undefined)) {
      throw new AuthConfigError('a remote key source needs exactly one of jwksUri and discoverFrom (the issuer URL to discover it from)');
    }
    this.issuer = options.issuer;
    this.fetcher = new KeySetFetcher(options);
    this.logger = options.logger;
    this.outage = new OutageLog(options.logger, 'fetching the JWKS', 'the last good key set');
    this.realm = options.realm;
    const now = options.now ?? Date.now;
    this.state = new KeySetState({
      jwks: options.jwks,
      now,
      random: options.random ?? Math.random,
      retry: { initialDelay: options.retry?.initialDelay ?? 1, maxDelay: options.retry?.maxDelay ?? 60 },
    });
    this.limiter = new TokenBucket(options.jwks.burst, options.jwks.cooldown * 1000, now);
    this.negative = new NegativeCache(options.jwks.negativeCacheTtl * 1000, now);
    this.emit = options.onEvent;
  }

  async getKey(kid: string | undefined, alg: Algorithm): Promise<VerificationKey> {
    const arrivedAfter = this.loadsStarted;
    return this.lookup(await this.usableKeySet(), kid, alg, arrivedAfter);
  }

  async ready(): Promise<void> {
    if (this.closing.signal.aborted) throw new AuthConfigError(`the key source for ${this.describeOwner()} is closed`);
    if (this.state.hasLoaded && !this.state.isDue()) return;
    try {
      // An explicit call: it fetches now, whatever the retry backoff says.
      await this.refresh(this.state.hasLoaded ? this.routineTrigger() : 'startup');
    } catch (error) {
      const where = error instanceof KeySourceFetchError ? error.url : this.fetcher.uri;
      throw new AuthStartupError(`cannot load the signing keys of ${this.describeOwner()}`, error, where);
    }
  }

  health(): KeySourceHealth {
    const state = this.state;
    return {
      issuer: this.issuer,
      kind: 'remote',
      uri: this.fetcher.uri,
      keys: state.size,
      lastRefresh: state.lastRefresh,
      lastError: state.lastError,
      stale: state.isStale(),
      // A set past maxStale with no failure since (an idle process) is fetched by the next request, not an outage.
      ok: state.currentSet() !== undefined || (state.hasLoaded && state.failures === 0 && !this.closing.signal.aborted),
    };
  }

  keyNow(kid: string | undefined, alg: Algorithm): VerificationKey | undefined {
    this.refreshInBackgroundIfDue();
    return this.state.currentSet()?.recall(kid, alg);
  }

  maintain(): boolean {
    this.refreshInBackgroundIfDue();
    return this.state.currentSet() !== undefined;
  }

  onKeysWithdrawn(listener: (ids: readonly string[]) => void): void {
    this.withdrawnListeners.push(listener);
  }

  /** Aborts a fetch in flight and starts no more; lookups keep answering from the keys already held. */
  close(): void {
    this.closing.abort();
  }

  /** The set to look keys up in, fetching (and waiting) only when there is none we may use. */
  private async usableKeySet(): Promise<KeySet> {
    this.refreshInBackgroundIfDue();
    const usable = this.state.currentSet();
    if (usable !== undefined) return usable;
    // Cold start, or the last good set is past maxStale: this request has to wait for a fetch, unless one just
    // failed (then the backoff answers, not the provider).
    if (this.inflight !== undefined) await this.inflight.catch(() => {});
    else if (this.mayFetch())
      await this.refresh(!this.state.hasLoaded && this.state.failures === 0 ? 'startup' : this.routineTrigger()).catch(() => {});
    const after = this.state.currentSet();
    if (after !== undefined) return after;
    throw this.unavailable();
  }

  private async lookup(initial: KeySet, kid: string | undefined, alg: Algorithm, arrivedAfter: number): Promise<VerificationKey> {
    const missKey = kid === undefined ? `alg:${alg}` : `kid:${kid}`;
    let set = initial;
    let waited = false;
    let fetched = false;
    for (;;) {
      if (set.find(kid, alg) !== 'unknown_kid') return resolveKey(set, kid, alg, this.realm);
      // A hit does not extend the entry: the kid gets another chance as soon as the TTL ends.
      if (this.negative.has(missKey)) throw keyLookupError('unknown_kid', this.realm);
      if (fetched) break;
      if (this.inflight !== undefined) {
        // Someone is fetching already: share it, once. A fetch that began after this lookup arrived answers it as
        // well as our own would; one that began earlier may predate the key, so we may still fetch ourselves.
        if (waited) break;
        waited = true;
        const answersUs = this.loadsStarted > arrivedAfter;
        await this.inflight.catch(() => {});
        fetched = answersUs;
      } else if (this.mayFetch() && this.limiter.tryTake()) {
        fetched = true;
        this.logger.debug({ issuer: this.issuer }, 'authgate: unknown kid, refetching the JWKS');
        await this.refresh('unknown_kid').catch(() => {});
      } else {
        break;
      }
      const current = this.state.currentSet();
      if (current === undefined) throw this.unavailable();
      set = current;
    }
    this.negative.add(missKey);
    throw keyLookupError('unknown_kid', this.realm);
  }

  private refreshInBackgroundIfDue(): void {
    if (this.inflight !== undefined || !this.state.isDue() || !this.mayFetch()) return;
    // Not awaited: the request that noticed goes on with the current set. Failures are logged in `load`.
    this.refresh(this.routineTrigger()).catch(() => {});
  }

  /** Single flight: every caller during a fetch gets the same promise. */
  private refresh(trigger: RefreshTrigger): Promise<void> {
    if (this.inflight === undefined) {
      this.loadsStarted += 1;
      this.inflight = this.load(trigger).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async load(trigger: RefreshTrigger): Promise<void> {
    try {
      const fetched = await this.fetcher.fetch(this.closing.signal);
      this.install(fetched.set, fetched.serverMaxAge, trigger, fetched.uri);
    } catch (error) {
      this.recordFailure(error, trigger, error instanceof KeySourceFetchError ? error.url : this.fetcher.uri);
      throw error;
    }
  }

  private install(set: KeySet, serverMaxAge: number | undefined, trigger: RefreshTrigger, uri: string): void {
    const { lifetime, withdrawn } = this.state.install(set, serverMaxAge);
    this.negative.forgetAnswered(set);
    this.logger.info({ issuer: this.issuer, uri, keys: set.size, trigger, maxAge: lifetime }, 'authgate: JWKS refreshed');
    this.outage.succeeded({ issuer: this.issuer, uri, keys: set.size });
    this.emit({ type: 'jwks_refreshed', issuer: this.issuer, uri, keys: set.size, trigger });
    if (withdrawn.length > 0) this.announceWithdrawn(withdrawn, uri);
  }

  private announceWithdrawn(ids: readonly string[], uri: string): void {
    this.logger.info({ issuer: this.issuer, uri, withdrawn: ids }, 'authgate: keys withdrawn from the JWKS');
    for (const listener of this.withdrawnListeners) {
      try {
        listener(ids);
      } catch (error) {
        this.logger.error({ issuer: this.issuer, err: errorName(error) }, 'authgate: a key-withdrawal listener threw');
      }
    }
  }

  private recordFailure(error: unknown, trigger: RefreshTrigger, uri: string): void {
    if (this.closing.signal.aborted) return; // close() aborted it: not an outage
    const description = describeFailure(error, true);
    const { delayMs, servingStale } = this.state.recordFailure(description);
    // The unknown-kid fetch already paid its token; any other failed fetch pays one, so an outage cannot be
    // multiplied by unknown kids on top of the retries.
    if (trigger !== 'unknown_kid') this.limiter.drain();
    const retryInSeconds = Math.round(delayMs / 100) / 10;
    this.outage.failed(
      { issuer: this.issuer, uri, error: description, trigger, failures: this.state.failures, retryInSeconds, servingStale },
      servingStale,
    );
    this.emit({ type: 'jwks_refresh_failed', issuer: this.issuer, uri, error: description, stale: servingStale });
  }

  private mayFetch(): boolean {
    return !this.closing.signal.aborted && this.state.retryAllowed();
  }

  private routineTrigger(): RefreshTrigger {
    return this.state.failures > 0 ? 'retry' : 'max_age';
  }

  private unavailable(): AuthError {
    const detail = this.closing.signal.aborted && !this.state.hasLoaded ? 'key source closed' : (this.state.lastError ?? 'no key set loaded');
    return new AuthError('key_source_unavailable', { realm: this.realm, detail });
  }

  private describeOwner(): string {
    return this.issuer === null ? 'the configured JWKS' : `issuer ${JSON.stringify(this.issuer)}`;
  }
}
