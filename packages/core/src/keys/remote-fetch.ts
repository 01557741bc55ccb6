import { discoverJwksUri, discoveryUrls } from './discovery.js';
import { fetchJson, KeySourceFetchError } from '../net/fetch-json.js';
import { assertFetchableUrl } from '../net/url-policy.js';
import { KeySetFormatError, selectUsableKeys } from './jwk.js';
import { KeySet } from './key-set.js';
import type { AuthLogger, JwksOptions } from '../options.js';

export interface FetchedKeySet {
  readonly set: KeySet;
  /** The server's `Cache-Control: max-age`, if it sent one. */
  readonly serverMaxAge: number | undefined;
  readonly uri: string;
}

export interface KeySetFetcherOptions {
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
  /** The JWK `use` a key must have; default `'sig'` (or none). */
  keyUse?: string;
}

/**
 * The fetch policy of a remote key set: where the keys are (a fixed URL, or one found once by discovery), one
 * deadline for discovery and the JWKS together, a size cap, and which keys of a document are usable. It keeps no
 * freshness state: that is `RemoteKeySource`'s.
 */
export class KeySetFetcher {
  private jwksUri: string | undefined;
  private readonly discoverFrom: string | undefined;
  /** Where the keys come from, for messages until discovery has found the JWKS URL. */
  readonly origin: string;
  private reportedRejections = new Set<string>();

  constructor(private readonly options: KeySetFetcherOptions) {
    if (options.jwksUri !== undefined) {
      this.jwksUri = assertFetchableUrl(options.jwksUri, options.allowInsecureHttp, 'jwksUri').href;
      this.origin = this.jwksUri;
    } else {
      this.origin = discoveryUrls(options.discoverFrom as string, options.allowInsecureHttp)[0];
    }
    this.discoverFrom = options.discoverFrom;
  }

  /** The JWKS URL once known, else the discovery URL. */
  get uri(): string {
    return this.jwksUri ?? this.origin;
  }

  /** Fetches and validates the key set; rejects with a `KeySourceFetchError` (or an abort) on any failure. */
  async fetch(signal: AbortSignal): Promise<FetchedKeySet> {
    const { timeout, maxResponseBytes } = this.options.jwks;
    // One deadline for discovery and the JWKS together: a cold request never waits longer than `timeout`.
    const deadline = Date.now() + timeout * 1000;
    const remaining = (): number => Math.max(0, (deadline - Date.now()) / 1000);
    const fetchOptions = () => ({
      timeoutSeconds: remaining(),
      maxBytes: maxResponseBytes,
      allowInsecureHttp: this.options.allowInsecureHttp,
      signal,
    });
    if (this.jwksUri === undefined) {
      const discovered = await discoverJwksUri(this.discoverFrom as string, fetchOptions());
      // Kept for the life of the source; a failed discovery is not kept, so the next attempt tries again.
      this.jwksUri = discovered;
      this.options.logger.info({ issuer: this.options.issuer, jwksUri: discovered }, 'authgate: discovered the JWKS URL');
    }
    const uri = this.jwksUri;
    const response = await fetchJson(uri, fetchOptions());
    return { set: this.validate(uri, response.body), serverMaxAge: response.cacheControlMaxAge, uri };
  }

  /** The usable keys of a fetched document; a document without any is a failed refresh, never a new set. */
  private validate(uri: string, body: unknown): KeySet {
    let selected: ReturnType<typeof selectUsableKeys>;
    try {
      selected = selectUsableKeys(body, this.options.keyUse);
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
        this.options.logger.warn({ issuer: this.options.issuer, uri, kid: key.kid, why: key.why }, 'authgate: refusing a key of the JWKS');
      }
    }
    this.reportedRejections = reported;
    if (selected.usable.length === 0) {
      throw new KeySourceFetchError('bad_document', uri, `no usable signature key (${selected.rejected.length} refused)`);
    }
    return new KeySet(selected.usable);
  }
}

/** A safe one-line reason: our own fetch errors verbatim, anything else by name only (it might quote a body). */
export function describeFailure(error: unknown, withUrl: boolean): string {
  if (error instanceof KeySourceFetchError) return withUrl ? `${error.url}: ${error.message}` : error.message;
  return `unexpected ${errorName(error)}`;
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
