import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Algorithm } from './algorithms.js';
import { AuthError } from '../errors.js';
import type { KeySourceEvent } from '../events.js';
import { fetchBounded, KeySourceFetchError } from '../net/fetch-json.js';
import { redactUrl } from '../net/url-policy.js';
import type { AuthLogger, JwksOptions } from '../options.js';
import { keyFitsAlgorithm, selectUsableKeys, type UsableJwk } from './jwk.js';
import type { KeySource, KeySourceHealth, VerificationKey } from './key-source.js';
import { KID_PLACEHOLDER } from './pem-options.js';
import { NegativeCache, TokenBucket } from './remote-limits.js';
import { describeFailure } from './remote-fetch.js';

/**
 * Keys published one PEM per kid at a URL template (AWS ALB), held like a JWKS: each kid fetched once (single flight),
 * kept `maxAge` seconds and refreshed in the background, served stale up to `maxStale` while refreshes fail; unknown
 * kids spend the same token bucket (`burst`, `cooldown`) and are remembered missing for `negativeCacheTtl`; every
 * fetch is bounded (deadline, size, redirects checked). A kid that is not a plain identifier is never fetched.
 */
export interface PemKeySourceOptions {
  issuer: string | null;
  template: string;
  jwks: Required<JwksOptions>;
  allowInsecureHttp: boolean;
  realm: string;
  logger: AuthLogger;
  onEvent: (event: KeySourceEvent) => void;
  now?: () => number;
}

interface HeldKey {
  readonly key: VerificationKey;
  readonly jwk: UsableJwk;
  readonly expiresAt: number;
}

const SAFE_KID = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_HELD_KEYS = 64;
// A PEM public key is well under 4 KiB; anything bigger is not one.
const MAX_PEM_BYTES = 16 * 1024;

export class PemKeySource implements KeySource {
  private readonly held = new Map<string, HeldKey>();
  private readonly inflight = new Map<string, Promise<HeldKey | undefined>>();
  private readonly negative: NegativeCache;
  private readonly limiter: TokenBucket;
  private readonly now: () => number;
  private readonly closing = new AbortController();
  private readonly withdrawnListeners: Array<(ids: readonly string[]) => void> = [];
  private lastError: string | undefined;
  private lastRefresh: Date | undefined;

  constructor(private readonly options: PemKeySourceOptions) {
    this.now = options.now ?? Date.now;
    this.negative = new NegativeCache(options.jwks.negativeCacheTtl * 1000, this.now);
    this.limiter = new TokenBucket(options.jwks.burst, options.jwks.cooldown * 1000, this.now);
  }

  keyNow(kid: string | undefined, alg: Algorithm): VerificationKey | undefined {
    const held = kid === undefined ? undefined : this.usable(kid);
    return held !== undefined && keyFitsAlgorithm(held.jwk, alg) ? held.key : undefined;
  }

  async getKey(kid: string | undefined, alg: Algorithm): Promise<VerificationKey> {
    const { realm } = this.options;
    if (kid === undefined || !SAFE_KID.test(kid)) throw new AuthError('unknown_key', { realm, detail: 'kid is absent or not a plain identifier' });
    let held = this.usable(kid);
    if (held === undefined) {
      if (this.negative.has(kid)) throw new AuthError('unknown_key', { realm, detail: 'no key with this kid' });
      const known = this.held.has(kid);
      const pending = this.inflight.get(kid) ?? (known ? this.refresh(kid, false) : this.limiter.tryTake() ? this.refresh(kid, true) : undefined);
      if (pending === undefined) throw new AuthError('unknown_key', { realm, detail: 'unknown kid while refetches are rate limited' });
      held = await pending;
      if (held === undefined && this.negative.has(kid)) throw new AuthError('unknown_key', { realm, detail: 'no key with this kid' });
      if (held === undefined) throw new AuthError('key_source_unavailable', { realm, detail: this.lastError ?? 'key fetch failed' });
    }
    if (!keyFitsAlgorithm(held.jwk, alg)) throw new AuthError('key_algorithm_mismatch', { realm });
    return held.key;
  }

  ready(): Promise<void> {
    // Nothing to load ahead: which kids exist is only known when tokens name them.
    return Promise.resolve();
  }

  health(): KeySourceHealth {
    const stale = [...this.held.values()].some((held) => this.now() > held.expiresAt);
    return {
      issuer: this.options.issuer,
      kind: 'remote',
      uri: this.options.template,
      keys: this.held.size,
      ...(this.lastRefresh === undefined ? {} : { lastRefresh: this.lastRefresh }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      stale: stale && this.lastError !== undefined,
      ok: !this.closing.signal.aborted && (this.lastError === undefined || this.held.size > 0),
    };
  }

  maintain(): boolean {
    for (const kid of this.held.keys()) if (this.usable(kid) !== undefined) return true;
    return false;
  }

  onKeysWithdrawn(listener: (ids: readonly string[]) => void): void {
    this.withdrawnListeners.push(listener);
  }

  close(): void {
    this.closing.abort();
  }

  /** The held key for this kid while within max age plus `maxStale`; past max age, a background refresh starts. */
  private usable(kid: string): HeldKey | undefined {
    const held = this.held.get(kid);
    if (held === undefined) return undefined;
    const at = this.now();
    if (at >= held.expiresAt && !this.inflight.has(kid) && !this.closing.signal.aborted) this.refresh(kid, false).catch(() => undefined);
    return at <= held.expiresAt + this.options.jwks.maxStale * 1000 ? held : undefined;
  }

  /** Single flight per kid; resolves the new key, or undefined when the fetch failed (the last good key stays). */
  private refresh(kid: string, paid: boolean): Promise<HeldKey | undefined> {
    const pending = this.load(kid, paid).finally(() => this.inflight.delete(kid));
    this.inflight.set(kid, pending);
    return pending;
  }

  /** `paid`: an unknown kid's fetch already took its token from the bucket; any other failed fetch pays one. */
  private async load(kid: string, paid: boolean): Promise<HeldKey | undefined> {
    const { jwks, allowInsecureHttp, realm } = this.options;
    const url = this.options.template.replace(KID_PLACEHOLDER, kid);
    try {
      const response = await fetchBounded(url, {
        timeoutSeconds: jwks.timeout,
        maxBytes: Math.min(jwks.maxResponseBytes, MAX_PEM_BYTES),
        allowInsecureHttp,
        signal: this.closing.signal,
        headers: { accept: 'application/x-pem-file, text/plain' },
      });
      if (response.status === 404 || response.status === 403) return this.missing(kid);
      if (response.status < 200 || response.status > 299)
        throw new KeySourceFetchError('http_status', redactUrl(url), `HTTP ${response.status}`, { status: response.status });
      const held = this.install(kid, parsePem(response.text, kid, url));
      this.lastError = undefined;
      this.lastRefresh = new Date(this.now());
      this.options.onEvent({
        type: 'jwks_refreshed',
        issuer: this.options.issuer,
        uri: redactUrl(url),
        keys: this.held.size,
        trigger: 'unknown_kid',
      });
      return held;
    } catch (error) {
      if (this.closing.signal.aborted) return undefined;
      this.lastError = describeFailure(error, true);
      this.options.logger.warn({ issuer: this.options.issuer, kid, error: this.lastError, realm }, 'authgate: public key fetch failed');
      this.options.onEvent({
        type: 'jwks_refresh_failed',
        issuer: this.options.issuer,
        uri: redactUrl(url),
        error: this.lastError,
        stale: this.held.has(kid),
      });
      if (!paid) this.limiter.drain();
      return undefined;
    }
  }

  private install(kid: string, jwk: UsableJwk & { keyObject: KeyObject }): HeldKey {
    const held: HeldKey = { key: { key: jwk.keyObject, kid, id: jwk.id }, jwk, expiresAt: this.now() + this.options.jwks.maxAge * 1000 };
    this.held.delete(kid);
    this.held.set(kid, held);
    if (this.held.size > MAX_HELD_KEYS) this.held.delete(this.held.keys().next().value as string);
    return held;
  }

  /** The server says this kid does not exist (any more): remember that briefly, and forget a key we held. */
  private missing(kid: string): undefined {
    this.negative.add(kid);
    const held = this.held.get(kid);
    if (held !== undefined) {
      this.held.delete(kid);
      for (const listener of this.withdrawnListeners) {
        try {
          listener([held.key.id]);
        } catch {
          // A listener's bug must not turn a refusal into a crash; the cache listener never throws.
        }
      }
    }
    return undefined;
  }
}

/** A PEM SubjectPublicKeyInfo, held to the same rules as a JWK (curve, RSA size and exponent). */
function parsePem(text: string, kid: string, url: string): UsableJwk & { keyObject: KeyObject } {
  const bad = (why: string): KeySourceFetchError => new KeySourceFetchError('bad_document', redactUrl(url), why);
  if (!/^\s*-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----\s*$/.test(text)) throw bad('response is not a PEM public key');
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw bad('response is not a valid public key');
  }
  const { usable, rejected } = selectUsableKeys({ keys: [{ ...keyObject.export({ format: 'jwk' }), kid }] });
  const first = usable[0];
  if (first === undefined) throw bad(`key refused: ${rejected[0]?.why ?? 'unusable'}`);
  return { ...first, keyObject };
}
