import { AuthError, type AuthErrorStatus } from '../errors.js';
import type { Identity } from '../identity.js';
import type { Verifier } from '../verifier-types.js';
import { immediateVerifyOf } from '../immediate-verify.js';
import { checkRequestAuthOptionNames } from '../config/option-keys.js';
import { createBoundAuthenticator, type BindingOptions } from '../binding/authenticate.js';
import type { SocketLike } from '../binding/mtls.js';
import { bindExchange } from '../exchange/bind.js';
import type { TokenExchange } from '../exchange/types.js';
import { countHeaders, readRequestToken, resolveLocations, type TokenLocations } from './token-locations.js';

export type { TokenLocations } from './token-locations.js';

/** The parts of an HTTP request authgate reads; Express and Fastify requests both fit. */
export interface RequestLike {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Node's raw header list: the only place a second `Authorization` header is visible. */
  rawHeaders?: readonly string[];
  /** Parsed query string (only read when `tokenLocations.query` is on). */
  query?: unknown;
  /** Parsed form body (only read when `tokenLocations.body` is on). */
  body?: unknown;
  /** Fastify's request keeps Node's here (its `rawHeaders` are read when the request has none of its own). */
  raw?: { rawHeaders?: readonly string[] };
  // Read only for DPoP proofs (`htm`, `htu`) and certificate-bound tokens: a Bearer request never touches them.
  /** The request method (`htm`). */
  method?: string | undefined;
  /** The request target as received (`/path?query`); `originalUrl` wins when a framework rewrote `url`. */
  url?: string | undefined;
  originalUrl?: string | undefined;
  /** `'http'` or `'https'` as the framework sees it (after its trust-proxy rules); else the socket's. */
  protocol?: string | undefined;
  /** The host (and port) as the framework sees it (after its trust-proxy rules); else the Host header. */
  host?: string | undefined;
  /** The connection: its TLS peer certificate and remote address (certificate-bound tokens). */
  socket?: SocketLike | undefined;
}

export interface RequestAuthOptions extends BindingOptions {
  /** Let requests without any credentials through as anonymous (`auth` stays null). A bad token is still refused. */
  optional?: boolean;
  tokenLocations?: TokenLocations;
  /** Gives each identity `exchange(...)`, bound to the request's own token (see `createTokenExchange`). */
  tokenExchange?: TokenExchange;
}

/**
 * Authenticates one request. When the answer is known at once (a cached token, or a signature checked with a key
 * already held: nearly always) an accepted token comes back as the identity itself, so an adapter can go on without
 * a promise; anonymity under `optional`, a key being fetched, and every refusal come back as a promise (a refusal
 * rejects with an `AuthError`). Never throws.
 */
export type RequestAuthenticator<C extends object> = (request: RequestLike) => Identity<C> | Promise<Identity<C> | null>;

/**
 * The fast path for a repeated token: `Authorization: Bearer <token>` spelled exactly so (one header, one space, no
 * padding) with a token the verifier has in its hot cache. Such a token is the very string that passed every check
 * in `readRequestToken` and `verify` before, so those checks would answer the same: skipping them skips a scan of
 * the whole token. Anything else (another spelling, a miss) returns `undefined` and takes the full path.
 */
function cachedIdentity<C extends object>(request: RequestLike, cached: (token: string) => Identity<C> | undefined): Identity<C> | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
  const identity = cached(header.slice(7));
  // A bound token (DPoP or certificate) always takes the full path: its binding is checked on every request.
  return identity !== undefined && identity.confirmation === undefined && countHeaders(request, 'authorization') === 1 ? identity : undefined;
}

/**
 * The whole per-request flow the adapters share: find the token, verify it, return the identity (or `null` for an
 * anonymous request under `optional`). Everything that can go wrong rejects with an `AuthError`.
 */
export function createRequestAuthenticator<C extends object>(verifier: Verifier<C>, options: RequestAuthOptions = {}): RequestAuthenticator<C> {
  checkRequestAuthOptionNames(options);
  const locations = resolveLocations(options.tokenLocations);
  const optional = options.optional === true;
  const realm = verifier.realm;
  const headerOnly = locations.header && !locations.namedHeader && !locations.cookie && !locations.query && !locations.body;
  // Only a verifier made by createVerifier is trusted to answer without a promise (`cached`, and `verifyNow`, which
  // throws a refusal, caught below): a stand-in's answer (a thenable, say) taken for an identity would let the
  // request through, so a stand-in's answers always go through Promise.resolve.
  const verifyNow = immediateVerifyOf(verifier);
  const bound = createBoundAuthenticator<C>(options, {
    realm,
    owner: verifier,
    optional,
    readToken: (request) => readRequestToken(request, locations, realm),
    // Promise.resolve: a stand-in verifier may answer with a value or another library's promise.
    verify: verifyNow ?? ((token) => Promise.resolve(verifier.verify(token))),
    countHeaders,
  });
  const exchanger = options.tokenExchange;
  // With token exchange each identity gets its own copy bound to its token, so there is no cache-only path.
  const cached =
    headerOnly && exchanger === undefined && bound.bearerFastPath && verifyNow !== undefined && verifier.cached !== undefined
      ? verifier.cached.bind(verifier)
      : undefined;
  // Not an async function: an answer known at once comes back as is, with no promise and no microtask hop.
  // Failures still come back as a rejected promise, never as a throw.
  return (request) => {
    if (cached !== undefined) {
      // try: a verifier passed in by the application may throw where it should reject; the answer is the same.
      try {
        const identity = cachedIdentity(request, cached);
        if (identity !== undefined) return identity;
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return exchanger === undefined ? bound.authenticate(request) : bindExchange(bound.authenticate(request), exchanger);
  };
}

export interface AuthErrorResponse {
  status: AuthErrorStatus;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

/** The HTTP answer for an `AuthError`: status, `WWW-Authenticate` (except 503, which gets `Retry-After`), JSON body. */
export function authErrorResponse(error: AuthError): AuthErrorResponse {
  return { status: error.status, headers: error.headers, body: error.toJSON() };
}
