import type { Algorithm } from './algorithms.js';
import { discoverJwksUri, discoveryUrls } from './discovery.js';
import { AuthConfigError, AuthError } from './errors.js';
import type { KeySourceEvent } from './events.js';
import { assertFetchableUrl, fetchJson, KeySourceFetchError } from './fetch-json.js';
import { KeySetFormatError, selectUsableKeys } from './jwk.js';
import { KeySet, keyLookupError } from './key-set.js';
import { NegativeCache, TokenBucket } from './remote-limits.js';
import type { KeySource, KeySourceHealth, VerificationKey } from './key-source.js';
import type { AuthLogger, JwksOptions } from './options.js';
import { resolveKey } from './static-jwks.js';

/**
 * A remote JWK Set (`jwksUri`, or found by discovery), kept fresh without ever letting token traffic turn into
 * traffic against the identity provider:
 * - one fetch at a time (single flight), shared by every lookup that needs it;
 * - an unknown kid refetches at once while a token bucket allows (`burst`, then one per `cooldown`), so a genuine
 *   rotation is picked up on its first token, and a flood of made-up kids costs a bounded number of fetches; a kid
 *   just found missing is refused from a short negative cache;
 * - after max age (server `Cache-Control` within [minAge, maxAge]) the set is refreshed in the background, lazily:
 *   the request that notices serves from the current set; no timers run, so nothing keeps a process alive;
 * - a failed refresh never replaces a good set: the last good set keeps verifying until `maxStale` seconds past its
 *   expiry, retries back off exponentially, and every failure also drains the bucket; past `maxStale`, fail closed.
 * All time comes from `now()` so tests can move the clock; fetch deadlines use real time (they bound real sockets).
 */

export interface RemoteKeySourceOptions {
  /** The issuer these keys belong to (health, events, logs). */
  issuer: string | null;
  /** The JWKS URL. Exactly one of `jwksUri` and `discoverFrom`. */
  jwksUri?: string;
  /** An issuer URL: its `jwks_uri` is found by OIDC / RFC 8414 discovery on first need. */
  discoverFrom?: string;
  /** Normalised tuning, every duration in seconds. */
  jwks: Required<JwksOptions>;
  allowInsecureHttp: boolean;
  logger: AuthLogger;
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

interface LoadedKeySet {
  readonly set: KeySet;
  readonly fetchedAt: number;
  readonly expiresAt: number;
}

const noop = (): void => {};

export class RemoteKeySource implements KeySource {
  private readonly issuer: string | null;
  private readonly discoverFrom: string | undefined;
  /** Where the keys come from, for messages until discovery has found the JWKS URL. */
  private readonly origin: string;
  private jwksUri: string | undefined;
  private readonly options: Required<JwksOptions>;
  private readonly allowInsecureHttp: boolean;
  private readonly logger: AuthLogger;
  private readonly emit: (event: KeySourceEvent) => void;
  private readonly realm: string;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly limiter: TokenBucket;
  private readonly negative: NegativeCache;
  private readonly withdrawnListeners: Array<(ids: readonly string[]) => void> = [];
  private readonly closing = new AbortController();

  private loaded: LoadedKeySet | undefined;
  private inflight: Promise<void> | undefined;
  /** Fetches started so far: tells a lookup whether the fetch in flight began after it arrived. */
  private loadsStarted = 0;
  private failures = 0;
  private retryAt = 0;
  private lastError: string | undefined;
  private reportedRejections = new Set<string>();

  constructor(options: RemoteKeySourceOptions) {
    if ((options.jwksUri === undefined) === (options.discoverFrom === undefined)) {
      throw new AuthConfigError('a remote key source needs exactly one of jwksUri and discoverFrom (the issuer URL to discover it from)');
    }
    if (options.jwksUri !== undefined) {
      this.jwksUri = assertFetchableUrl(options.jwksUri, options.allowInsecureHttp, 'jwksUri').href;
      this.origin = this.jwksUri;
    } else {
      this.origin = discoveryUrls(options.discoverFrom as string, options.allowInsecureHttp)[0];
    }
    this.discoverFrom = options.discoverFrom;
    this.issuer = options.issuer;
    this.options = options.jwks;
    this.allowInsecureHttp = options.allowInsecureHttp;
    this.logger = options.logger;
    this.realm = options.realm;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.retryInitialMs = (options.retry?.initialDelay ?? 1) * 1000;
    this.retryMaxMs = (options.retry?.maxDelay ?? 60) * 1000;
    this.limiter = new TokenBucket(options.jwks.burst, options.jwks.cooldown * 1000, this.now);
    this.negative = new NegativeCache(options.jwks.negativeCacheTtl * 1000, this.now);
    const onEvent = options.onEvent;
    this.emit = (event) => {
      try {
        onEvent(event);
      } catch (error) {
        this.logger.error({ issuer: this.issuer, event: event.type, err: errorName(error) }, 'authgate: onEvent hook threw');
      }
    };
  }

  async getKey(kid: string | undefined, alg: Algorithm): Promise<VerificationKey> {
    const arrivedAfter = this.loadsStarted;
    return this.lookup(await this.usableKeySet(), kid, alg, arrivedAfter);
  }

  async ready(): Promise<void> {
    if (this.closing.signal.aborted) throw new Error(`authgate: the key source for ${this.describeOwner()} is closed`);
    const loaded = this.loaded;
    if (loaded !== undefined && this.now() < loaded.expiresAt) return;
    try {
      // An explicit call: it fetches now, whatever the retry backoff says.
      await this.refresh(loaded === undefined ? 'startup' : this.routineTrigger());
    } catch (error) {
      const where = error instanceof KeySourceFetchError ? error.url : this.jwksUri ?? this.origin;
      throw new Error(`authgate: cannot load the signing keys of ${this.describeOwner()} from ${where}: ${describeFailure(error, false)}`, { cause: error });
    }
  }

  health(): KeySourceHealth {
    const loaded = this.loaded;
    const at = this.now();
    const usable = loaded !== undefined && at <= this.staleUntil(loaded);
    return {
      issuer: this.issuer,
      kind: 'remote',
      uri: this.jwksUri ?? this.origin,
      keys: loaded?.set.size ?? 0,
      lastRefresh: loaded === undefined ? undefined : new Date(loaded.fetchedAt),
      lastError: this.lastError,
      stale: loaded !== undefined && at > loaded.expiresAt && this.failures > 0,
      // A set past maxStale with no failure since (an idle process) is fetched by the next request, not an outage.
      ok: usable || (loaded !== undefined && this.failures === 0 && !this.closing.signal.aborted),
    };
  }

  keyNow(kid: string | undefined, alg: Algorithm): VerificationKey | undefined {
    this.refreshInBackgroundIfDue();
    return this.currentSet()?.recall(kid, alg);
  }

  maintain(): boolean {
    this.refreshInBackgroundIfDue();
    return this.currentSet() !== undefined;
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
    const usable = this.currentSet();
    if (usable !== undefined) return usable;
    // Cold start, or the last good set is past maxStale: this request has to wait for a fetch, unless one just
    // failed (then the backoff answers, not the provider).
    if (this.inflight !== undefined) await this.inflight.catch(noop);
    else if (this.mayFetch()) await this.refresh(this.loaded === undefined && this.failures === 0 ? 'startup' : this.routineTrigger()).catch(noop);
    const after = this.currentSet();
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
        await this.inflight.catch(noop);
        fetched = answersUs;
      } else if (this.mayFetch() && this.limiter.tryTake()) {
        fetched = true;
        this.logger.debug({ issuer: this.issuer }, 'authgate: unknown kid, refetching the JWKS');
        await this.refresh('unknown_kid').catch(noop);
      } else {
        break;
      }
      const current = this.currentSet();
      if (current === undefined) throw this.unavailable();
      set = current;
    }
    this.negative.add(missKey);
    throw keyLookupError('unknown_kid', this.realm);
  }

  private refreshInBackgroundIfDue(): void {
    const loaded = this.loaded;
    if (loaded === undefined || this.inflight !== undefined || !this.mayFetch()) return;
    if (this.now() < loaded.expiresAt) return;
    // Not awaited: the request that noticed goes on with the current set. Failures are logged in `load`.
    this.refresh(this.routineTrigger()).catch(noop);
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
    // One deadline for discovery and the JWKS together: a cold request never waits longer than `timeout`.
    const deadline = Date.now() + this.options.timeout * 1000;
    const remaining = (): number => Math.max(0, (deadline - Date.now()) / 1000);
    const signal = this.closing.signal;
    let uri = this.jwksUri ?? this.origin;
    try {
      if (this.jwksUri === undefined) {
        const discovered = await discoverJwksUri(this.discoverFrom as string, {
          timeoutSeconds: remaining(),
          maxBytes: this.options.maxResponseBytes,
          allowInsecureHttp: this.allowInsecureHttp,
          signal,
        });
        // Kept for the life of the source; a failed discovery is not kept, so the next attempt tries again.
        this.jwksUri = uri = discovered;
        this.logger.info({ issuer: this.issuer, jwksUri: discovered }, 'authgate: discovered the JWKS URL');
      }
      const response = await fetchJson(uri, {
        timeoutSeconds: remaining(),
        maxBytes: this.options.maxResponseBytes,
        allowInsecureHttp: this.allowInsecureHttp,
        signal,
      });
      this.install(this.validate(uri, response.body), response.cacheControlMaxAge, trigger, uri);
    } catch (error) {
      this.recordFailure(error, trigger, error instanceof KeySourceFetchError ? error.url : uri);
      throw error;
    }
  }

  /** The usable keys of a fetched document; a document without any is a failed refresh, never a new set. */
  private validate(uri: string, body: unknown): KeySet {
    let selected: ReturnType<typeof selectUsableKeys>;
    try {
      selected = selectUsableKeys(body);
    } catch (error) {
      if (error instanceof KeySetFormatError) throw new KeySourceFetchError('bad_document', uri, 'response is not a JWK Set');
      throw error;
    }
    // Each refused key is reported once, not on every refresh of an unchanged set.
    const reported = new Set<string>();
    for (const key of selected.rejected) {
      const signature = `${key.kid ?? ''}\u0000${key.why}`;
      reported.add(signature);
      if (!this.reportedRejections.has(signature)) {
        this.logger.warn({ issuer: this.issuer, uri, kid: key.kid, why: key.why }, 'authgate: refusing a key of the JWKS');
      }
    }
    this.reportedRejections = reported;
    if (selected.usable.length === 0) {
      throw new KeySourceFetchError('bad_document', uri, `no usable signature key (${selected.rejected.length} refused)`);
    }
    return new KeySet(selected.usable);
  }

  private install(set: KeySet, serverMaxAge: number | undefined, trigger: RefreshTrigger, uri: string): void {
    const { minAge, maxAge } = this.options;
    const lifetime = Math.min(maxAge, Math.max(minAge, serverMaxAge ?? maxAge));
    const at = this.now();
    const previous = this.loaded;
    this.loaded = { set, fetchedAt: at, expiresAt: at + lifetime * 1000 };
    this.failures = 0;
    this.retryAt = 0;
    this.lastError = undefined;
    this.negative.forgetAnswered(set);
    this.logger.info({ issuer: this.issuer, uri, keys: set.size, trigger, maxAge: lifetime }, 'authgate: JWKS refreshed');
    this.emit({ type: 'jwks_refreshed', issuer: this.issuer, uri, keys: set.size, trigger });
    const withdrawn = previous === undefined ? [] : [...previous.set.ids].filter((id) => !set.ids.has(id));
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
    this.failures += 1;
    const backoff = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (this.failures - 1));
    const delay = backoff * (1 - 0.25 * this.random());
    const at = this.now();
    this.retryAt = at + delay;
    // The unknown-kid fetch already paid its token; any other failed fetch pays one, so an outage cannot be
    // multiplied by unknown kids on top of the retries.
    if (trigger !== 'unknown_kid') this.limiter.drain();
    this.lastError = describeFailure(error, true);
    const loaded = this.loaded;
    const stale = loaded !== undefined && at > loaded.expiresAt && at <= this.staleUntil(loaded);
    this.logger.warn(
      { issuer: this.issuer, uri, error: this.lastError, trigger, failures: this.failures, retryInSeconds: Math.round(delay / 100) / 10, servingStale: stale },
      stale ? 'authgate: JWKS refresh failed; verifying with the last good key set' : 'authgate: JWKS refresh failed',
    );
    this.emit({ type: 'jwks_refresh_failed', issuer: this.issuer, uri, error: this.lastError, stale });
  }

  /** The set we may verify with now: fresh, or stale within `maxStale`. */
  private currentSet(): KeySet | undefined {
    const loaded = this.loaded;
    return loaded !== undefined && this.now() <= this.staleUntil(loaded) ? loaded.set : undefined;
  }

  private staleUntil(loaded: LoadedKeySet): number {
    return loaded.expiresAt + this.options.maxStale * 1000;
  }

  private mayFetch(): boolean {
    return !this.closing.signal.aborted && this.now() >= this.retryAt;
  }

  private routineTrigger(): RefreshTrigger {
    return this.failures > 0 ? 'retry' : 'max_age';
  }

  private unavailable(): AuthError {
    const detail = this.closing.signal.aborted && this.loaded === undefined ? 'key source closed' : this.lastError ?? 'no key set loaded';
    return new AuthError('key_source_unavailable', { realm: this.realm, detail });
  }

  private describeOwner(): string {
    return this.issuer === null ? 'the configured JWKS' : `issuer ${JSON.stringify(this.issuer)}`;
  }
}

/** A safe one-line reason: our own fetch errors verbatim, anything else by name only (it might quote a body). */
function describeFailure(error: unknown, withUrl: boolean): string {
  if (error instanceof KeySourceFetchError) return withUrl ? `${error.url}: ${error.message}` : error.message;
  return `unexpected ${errorName(error)}`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
