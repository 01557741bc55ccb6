import { normalizeAlgorithms, type Algorithm } from '../keys/algorithms.js';
import { fail, nonNegativeSeconds, positiveInteger } from '../config/validate.js';
import { describeType, keysOf, rejectUnknownKeys, type OptionKeys } from '../config/known-keys.js';
import { createHmacNonce, type DpopNonce } from './nonce.js';
import { createMemoryReplayCache, type ReplayCache } from './replay.js';
import { normalizeCertificateSource, type CertificateLocation, type CertificateSource } from './mtls.js';

/** DPoP (RFC 9449): access tokens bound to a key the client proves it holds, with a signed proof per request. */
export interface DpopOptions {
  /**
   * `'allowed'` (default): both `Bearer` and `DPoP` schemes; `'required'`: `Bearer` is refused; `'disabled'`: the
   * `DPoP` scheme is refused. Whatever the mode, a DPoP-bound token (`cnf.jkt`) presented as Bearer is refused.
   */
  mode?: 'allowed' | 'required' | 'disabled';
  /** Proof signing algorithms (asymmetric only). Default `['ES256', 'EdDSA', 'RS256', 'PS256']`. */
  algorithms?: readonly Algorithm[];
  /** A proof's `iat` must be within this many seconds of now, either way. Default 60. */
  iatWindow?: number;
  /**
   * Remembers proofs (`jti` per key) for their `iat` window, so none is accepted twice. Default: an in-process LRU of
   * `replayCacheSize` entries, shared by every authenticator of one verifier. A fleet behind a load balancer needs a
   * shared store (e.g. Redis `SET key 1 NX EXAT expiresAt`).
   */
  replayCache?: ReplayCache;
  /** Entries of the default in-process replay cache. Default 100,000. */
  replayCacheSize?: number;
  /**
   * Server nonces (RFC 9449 §8): proofs must carry a `nonce` the server issued; otherwise 401 `use_dpop_nonce` with
   * a fresh `DPoP-Nonce` header. `true` uses a stateless HMAC-of-time nonce with a per-process secret (for a fleet,
   * `createHmacNonce({ secret })` with a shared secret). Off by default.
   */
  nonce?: boolean | DpopNonce;
  /**
   * The public origin clients call (e.g. `'https://api.example.com'`, optionally with a path prefix a proxy strips),
   * the base of the URL a proof's `htu` must name. Default: the request's own protocol and host, as the framework
   * reports them (Express `trust proxy` / Fastify `trustProxy` decide whether `X-Forwarded-*` count).
   */
  publicUrl?: string;
}

/** mTLS certificate-bound tokens (RFC 8705 §3). */
export interface MtlsOptions {
  /** `'allowed'` (default): bound tokens are checked, unbound ones pass; `'required'`: a token without `cnf["x5t#S256"]` is refused. */
  mode?: 'allowed' | 'required';
  /**
   * Where the client certificate comes from: `'socket'` (default; this server terminates TLS with `requestCert`) or,
   * behind a TLS-terminating proxy, a header holding the URL-encoded PEM (nginx `$ssl_client_escaped_cert`), read only
   * from connections whose peer address is one of `trustedProxies` (IP addresses or CIDR ranges).
   */
  certificate?: CertificateLocation;
}

export const DPOP_OPTION_KEYS: OptionKeys<DpopOptions> = {
  mode: true,
  algorithms: true,
  iatWindow: true,
  replayCache: true,
  replayCacheSize: true,
  nonce: true,
  publicUrl: true,
};

export const MTLS_OPTION_KEYS: OptionKeys<MtlsOptions> = { mode: true, certificate: true };

export interface NormalizedDpop {
  mode: 'allowed' | 'required' | 'disabled';
  algorithms: ReadonlySet<Algorithm>;
  algs: readonly string[];
  iatWindow: number;
  replayCache: ReplayCache | undefined;
  replayCacheSize: number;
  nonce: DpopNonce | undefined;
  publicUrl: string | undefined;
}

export interface NormalizedMtls extends CertificateSource {
  required: boolean;
}

const DEFAULT_PROOF_ALGORITHMS: readonly Algorithm[] = ['ES256', 'EdDSA', 'RS256', 'PS256'];
const MODES = new Set(['allowed', 'required', 'disabled']);

function normalizePublicUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '') {
    fail(
      `dpop.publicUrl must be an absolute http(s) URL without query or credentials, e.g. 'https://api.example.com' (got ${JSON.stringify(value)})`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function normalizeDpopOptions(options: DpopOptions | undefined): NormalizedDpop {
  const dpop = options ?? {};
  if (dpop === null || typeof dpop !== 'object' || Array.isArray(dpop))
    fail(`dpop must be an object, e.g. { mode: 'allowed' } (got ${describeType(dpop)})`);
  rejectUnknownKeys(dpop, keysOf(DPOP_OPTION_KEYS), 'dpop');
  const mode = dpop.mode ?? 'allowed';
  if (!MODES.has(mode)) fail(`dpop.mode must be 'allowed', 'required' or 'disabled' (got ${JSON.stringify(mode)})`);
  if (dpop.algorithms !== undefined && !Array.isArray(dpop.algorithms))
    fail(`dpop.algorithms must be an array of algorithm names, e.g. ['ES256'] (got ${describeType(dpop.algorithms)})`);
  const algorithms = normalizeAlgorithms(dpop.algorithms ?? DEFAULT_PROOF_ALGORITHMS);
  const replayCache = dpop.replayCache;
  if (replayCache !== undefined && (replayCache === null || typeof replayCache.checkAndStore !== 'function')) {
    fail('dpop.replayCache must have checkAndStore(key, expiresAt) answering false for a key already stored');
  }
  const nonce = dpop.nonce === true ? createHmacNonce() : dpop.nonce === false || dpop.nonce === undefined ? undefined : dpop.nonce;
  if (nonce !== undefined && (typeof nonce.current !== 'function' || typeof nonce.isValid !== 'function')) {
    fail('dpop.nonce must be true, false, or { current(): string, isValid(nonce): boolean } (see createHmacNonce)');
  }
  const iatWindow = nonNegativeSeconds('dpop.iatWindow', dpop.iatWindow, 60);
  if (iatWindow > 3600) fail(`dpop.iatWindow must be at most 3600 seconds: a proof is for one request (got ${iatWindow})`);
  return {
    mode,
    algorithms,
    algs: [...algorithms],
    iatWindow,
    replayCache,
    replayCacheSize: positiveInteger('dpop.replayCacheSize', dpop.replayCacheSize, 100_000),
    nonce,
    publicUrl: normalizePublicUrl(dpop.publicUrl),
  };
}

export function normalizeMtlsOptions(options: MtlsOptions | undefined): NormalizedMtls {
  const mtls = options ?? {};
  if (mtls === null || typeof mtls !== 'object' || Array.isArray(mtls))
    fail(`mtls must be an object, e.g. { mode: 'allowed', certificate: 'socket' } (got ${describeType(mtls)})`);
  rejectUnknownKeys(mtls, keysOf(MTLS_OPTION_KEYS), 'mtls');
  const mode = mtls.mode ?? 'allowed';
  if (mode !== 'allowed' && mode !== 'required') fail(`mtls.mode must be 'allowed' or 'required' (got ${JSON.stringify(mode)})`);
  return { required: mode === 'required', ...normalizeCertificateSource(mtls.certificate, 'mtls.certificate') };
}

/** The replay cache a verifier's authenticators share when none is configured. */
const defaultReplayCaches = new WeakMap<object, ReplayCache>();

export function replayCacheFor(dpop: NormalizedDpop, owner: object): ReplayCache {
  if (dpop.replayCache !== undefined) return dpop.replayCache;
  let cache = defaultReplayCaches.get(owner);
  if (cache === undefined) {
    cache = createMemoryReplayCache(dpop.replayCacheSize);
    defaultReplayCaches.set(owner, cache);
  }
  return cache;
}
