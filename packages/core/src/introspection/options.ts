import { fail, nonNegativeSeconds, positiveInteger } from '../config/validate.js';
import { CLIENT_CREDENTIAL_KEYS, normalizeClientAuth, type ClientCredentials, type NormalizedClientAuth } from '../net/client-auth.js';
import { describeType, expectBoolean, keysOf, rejectUnknownKeys, type OptionKeys } from '../config/known-keys.js';
import { assertFetchableUrl } from '../net/url-policy.js';

/** How the introspection cache behaves. Every duration is in **seconds**. */
export interface IntrospectionCacheOptions {
  /**
   * An active answer is reused for at most `min(exp − now, maxTtl)`, or `maxTtl` when it has no `exp`. This is the
   * revocation delay: a token revoked at the server is still accepted for up to this long. Default 60.
   */
  maxTtl?: number;
  /** An inactive answer is reused this long (a flood of bad tokens costs one call per token per window). Default 10. */
  negativeTtl?: number;
  /** Most answers kept (least recently used go first). Default 10,000. */
  maxEntries?: number;
  /**
   * Entries are keyed by SHA-256 of the token, never the token. With a secret here (≥ 32 bytes) the key is an
   * HMAC-SHA-256 under it instead: use one when the cache is shared (e.g. Redis), so a reader of the cache cannot
   * confirm a guessed token. Off by default.
   */
  hashKey?: string | Uint8Array;
}

/**
 * RFC 7662 token introspection: opaque tokens are checked by asking the authorization server. `clientId` and
 * `clientSecret` (or `privateKey`) are this API's own credentials at that server.
 */
export interface IntrospectionOptions extends ClientCredentials {
  /** The introspection endpoint. Default: the issuer's discovery document's `introspection_endpoint` (one issuer only). */
  endpoint?: string;
  /** Abort an introspection call after this many seconds (then 503). Default 2. */
  timeout?: number;
  /** Refuse introspection responses larger than this many bytes (then 503). Default 256 KiB. */
  maxResponseBytes?: number;
  /** `'always'` introspects JWTs too, on every route (through the cache); default `'never'` (only `requireActive()` does). */
  forJwt?: 'never' | 'always';
  /** With an `audience` configured, an active answer must carry a matching `aud`. `false` accepts answers without `aud`. Default true. */
  requireAudience?: boolean;
  /**
   * Ask for, and require, RFC 9701 signed answers (`application/token-introspection+jwt`), verified with the issuer's
   * keys and algorithms. Default false.
   */
  jwtResponse?: boolean;
  /** The cache; `false` turns it off (every request then calls the server). On by default. */
  cache?: IntrospectionCacheOptions | false;
}

/** `introspection`'s own keys (its client credentials are `CLIENT_CREDENTIAL_KEYS`). */
export const INTROSPECTION_OPTION_KEYS: OptionKeys<Omit<IntrospectionOptions, keyof ClientCredentials>> = {
  endpoint: true,
  timeout: true,
  maxResponseBytes: true,
  forJwt: true,
  requireAudience: true,
  jwtResponse: true,
  cache: true,
};

export const INTROSPECTION_CACHE_OPTION_KEYS: OptionKeys<IntrospectionCacheOptions> = {
  maxTtl: true,
  negativeTtl: true,
  maxEntries: true,
  hashKey: true,
};

export interface NormalizedIntrospection {
  /** Undefined: discovered from the (single) issuer's metadata on first use. */
  endpoint: string | undefined;
  clientAuth: NormalizedClientAuth;
  timeout: number;
  maxResponseBytes: number;
  forJwt: 'never' | 'always';
  requireAudience: boolean;
  jwtResponse: boolean;
  cache: { maxTtl: number; negativeTtl: number; maxEntries: number; hashKey: Uint8Array | undefined } | false;
}

const DEFAULT_TIMEOUT = 2;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;
const DEFAULT_MAX_TTL = 60;
const DEFAULT_NEGATIVE_TTL = 10;
const DEFAULT_MAX_ENTRIES = 10_000;
const MIN_HASH_KEY_BYTES = 32;

function normalizeCache(value: IntrospectionOptions['cache']): NormalizedIntrospection['cache'] {
  if (value === false) return false;
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value)))
    fail(`introspection.cache must be an object ({ maxTtl, negativeTtl, maxEntries, hashKey }) or false to turn it off (got ${describeType(value)})`);
  rejectUnknownKeys(value, keysOf(INTROSPECTION_CACHE_OPTION_KEYS), 'introspection.cache');
  const options = value ?? {};
  let hashKey: Uint8Array | undefined;
  if (options.hashKey !== undefined) {
    hashKey = typeof options.hashKey === 'string' ? Buffer.from(options.hashKey, 'utf8') : options.hashKey;
    if (!(hashKey instanceof Uint8Array) || hashKey.byteLength < MIN_HASH_KEY_BYTES) {
      fail(`introspection.cache.hashKey must be a secret of at least ${MIN_HASH_KEY_BYTES} bytes (a string or Uint8Array)`);
    }
  }
  return {
    maxTtl: nonNegativeSeconds('introspection.cache.maxTtl', options.maxTtl, DEFAULT_MAX_TTL),
    negativeTtl: nonNegativeSeconds('introspection.cache.negativeTtl', options.negativeTtl, DEFAULT_NEGATIVE_TTL),
    maxEntries: positiveInteger('introspection.cache.maxEntries', options.maxEntries, DEFAULT_MAX_ENTRIES),
    hashKey,
  };
}

/** Validates `introspection` once, at construction. `issuers` are the configured ones (discovery needs exactly one). */
export function normalizeIntrospection(
  value: IntrospectionOptions | undefined,
  issuers: readonly (string | null)[],
  allowInsecureHttp: boolean,
): NormalizedIntrospection | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(`introspection must be an object: { clientId, clientSecret | privateKey, endpoint? } (got ${describeType(value)})`);
  rejectUnknownKeys(value, keysOf(INTROSPECTION_OPTION_KEYS, CLIENT_CREDENTIAL_KEYS), 'introspection');
  const clientAuth = normalizeClientAuth(value, 'introspection');
  if (value.endpoint !== undefined) {
    if (typeof value.endpoint !== 'string') fail('introspection.endpoint must be a URL string');
    assertFetchableUrl(value.endpoint, allowInsecureHttp, 'introspection.endpoint');
  } else if (issuers.length !== 1 || issuers[0] === null) {
    fail('introspection.endpoint is required unless exactly one issuer is configured (its discovery document then names it)');
  }
  const forJwt = value.forJwt ?? 'never';
  if (forJwt !== 'never' && forJwt !== 'always') fail(`introspection.forJwt must be 'never' or 'always' (got ${JSON.stringify(forJwt)})`);
  expectBoolean('introspection.jwtResponse', value.jwtResponse);
  expectBoolean('introspection.requireAudience', value.requireAudience);
  if (value.jwtResponse === true && (issuers.length !== 1 || issuers[0] === null)) {
    fail('introspection.jwtResponse needs exactly one configured issuer: its keys verify the signed answers');
  }
  const timeout = nonNegativeSeconds('introspection.timeout', value.timeout, DEFAULT_TIMEOUT);
  if (timeout === 0) fail('introspection.timeout must be more than 0 seconds');
  return {
    endpoint: value.endpoint,
    clientAuth,
    timeout,
    maxResponseBytes: positiveInteger('introspection.maxResponseBytes', value.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
    forJwt,
    requireAudience: value.requireAudience !== false,
    jwtResponse: value.jwtResponse === true,
    cache: normalizeCache(value.cache),
  };
}
