import type {
  ActorMatch,
  ActorPredicate,
  ClaimExpectation,
  ClaimPath,
  DpopOptions,
  ForwardIdentityOptions,
  Identity,
  IdentityForwarder,
  MtlsOptions,
  TokenExchange,
  TokenExchangeOptions,
  TokenLocations,
  Verifier,
  VerifierOptions,
  WorkloadOptions,
} from '@authgate/core';
import type { FastifyRequest, preHandlerHookHandler } from 'fastify';
import { jwtAuth } from './plugin.js';

/**
 * Your custom claims, for `request.auth.claims`. Empty by default; declare yours once:
 * `declare module '@authgate/fastify' { interface AuthClaims { tenant: string } }`.
 * They are typed, not checked: list them in `requiredClaims` to have them required.
 */
// An empty interface on purpose: it exists to be augmented.
export interface AuthClaims {}

/**
 * A route's `config.auth`: `false` skips authentication (and `requireScope` then answers 500), `'optional'` lets
 * requests without credentials through with `request.auth === null` (a bad token is still refused), `'required'`
 * (or `true`) demands a valid token even when the plugin was registered with `optional: true`.
 */
export type RouteAuth = boolean | 'optional' | 'required';

export interface AdapterOptions {
  /** Let requests without credentials through on every route (`request.auth` null) unless a route says otherwise. */
  optional?: boolean;
  /** Where tokens may come from; only the `Authorization` header by default. `body` moves the check to `preValidation`. */
  tokenLocations?: TokenLocations;
  /** A `createTokenExchange(...)` client (or its options): gives `request.auth.exchange({ audience, scope })`. */
  tokenExchange?: TokenExchange | TokenExchangeOptions;
  /**
   * Also require the calling workload's identity on authenticated routes, as `request.workload`: a token
   * (`x-workload-token` by default) verified with these options, or with `{ certificate, trustDomain }` the SPIFFE ID
   * of its mTLS client certificate (an X.509-SVID; see `WorkloadCertificateOptions`).
   */
  workload?: WorkloadOptions;
  /**
   * For apps that proxy to services (e.g. with `@fastify/http-proxy`): strip every configured identity header a
   * client sent (on every route), then set them from the verified token (`x-user-id`, `x-scope`...; see
   * `ForwardIdentityOptions`). Off by default.
   */
  forwardIdentity?: boolean | ForwardIdentityOptions;
  /**
   * DPoP-bound tokens (RFC 9449). Default `{ mode: 'allowed' }`. The proof's `htu` is compared with the URL Fastify
   * reports (`request.protocol`, `request.host`: forwarded headers count only under `trustProxy`), or `dpop.publicUrl`.
   */
  dpop?: DpopOptions;
  /** Certificate-bound tokens (RFC 8705). Default `{ mode: 'allowed', certificate: 'socket' }` (an `https` server with `requestCert`). */
  mtls?: MtlsOptions;
}

type Never<T> = { [K in keyof T]?: never };

/**
 * Either the verifier options (a verifier is created at registration and closed with Fastify), or a verifier to
 * reuse. The verifier options are all optional here because `issuer`, `audience`, `algorithms` and `jwksUri` may come
 * from `AUTHGATE_*` variables (`app.register(jwtAuth)` with no options); what is still missing fails registration.
 */
export type JwtAuthOptions = AdapterOptions &
  ((Partial<VerifierOptions> & { verifier?: never }) | ({ verifier: Verifier<object> } & Never<VerifierOptions>));

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; `null` until verified, and on anonymous requests to optional routes. */
    auth: Identity<AuthClaims> | null;
    /** The calling workload's identity, on a registration given the `workload` option; `null` otherwise. */
    workload: Identity<object> | null;
  }
  interface FastifyInstance {
    /** A preHandler that refuses (403 `insufficient_scope`) unless the token grants every scope listed. */
    requireScope(...scopes: string[]): preHandlerHookHandler;
    /** A preHandler that refuses (403 `insufficient_scope`) unless the token grants at least one scope listed. */
    requireAnyScope(...scopes: string[]): preHandlerHookHandler;
    /** A delegated call whose current actor (`act`) passes the predicate or matches `{ subject?, clientId? }`; else 403. */
    requireActor(requirement: ActorPredicate<FastifyRequest> | ActorMatch): preHandlerHookHandler;
    /** A direct call: a token with any `act` claim is refused (403). */
    requireDirectCall(): preHandlerHookHandler;
    /** A token with a user behind it (`request.auth.kind === 'user'`); a client token is refused (403). */
    requireUser(): preHandlerHookHandler;
    /** A client token, of one of `clientIds` when any are given (403 otherwise). */
    requireClient(...clientIds: string[]): preHandlerHookHandler;
    /** The calling workload (`request.workload`) is one of these SPIFFE IDs (any when none given); else 403. */
    requireWorkload(...spiffeIds: string[]): preHandlerHookHandler;
    /** A preHandler that refuses (403, `insufficient_role`) unless the token grants every role listed (`rolesClaims`). */
    requireRole(...roles: string[]): preHandlerHookHandler;
    /** A preHandler that refuses (403, `insufficient_role`) unless the token grants at least one role listed. */
    requireAnyRole(...roles: string[]): preHandlerHookHandler;
    /** A preHandler that refuses (403, `insufficient_claim`) unless the claim meets `expected` (the forms of `claims`). */
    requireClaim(path: ClaimPath, expected: ClaimExpectation): preHandlerHookHandler;
    /**
     * A preHandler that refuses (403, `access_denied`) unless `predicate(identity, request)` returns or resolves to
     * `true`; a predicate that throws goes to Fastify's error handling (500, logged), never a pass.
     */
    requireAuth(predicate: (identity: Identity<AuthClaims>, request: FastifyRequest) => boolean | Promise<boolean>): preHandlerHookHandler;
    /**
     * A preHandler that asks the authorization server now whether the token is still active (RFC 7662), even a locally
     * valid JWT, never answering from a cached active result: for routes where a revocation must bite at once. Needs
     * the `introspection` option. 401 `token_inactive` when revoked, 503 when the server cannot answer.
     */
    requireActive(): preHandlerHookHandler;
    /** The verifier behind this registration: `health()` for readiness probes, `ready()` to fetch keys at start-up. */
    authVerifier: Verifier<AuthClaims>;
    /** The public keys of signed identity assertions (`forwardIdentity.sign`), for the app to serve; else undefined. */
    authIdentityJwks: IdentityForwarder['jwks'];
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

export { jwtAuth };
// For your own guards: { preHandler: guardHook(identityGuard('tenant check', (identity) => ...), app.authVerifier.realm) }.
export { guardHook } from './guards.js';
export default jwtAuth;
// Re-exported so an app needs only this package: error handlers and shared verifiers.
export { AuthError, AuthConfigError, isAuthError, authErrorResponse, createVerifier, identityGuard } from '@authgate/core';
// Identity provider presets: jwtAuth({ ...providers.entra({ tenant, audience }) }).
export { providers } from '@authgate/core';
export type { ProviderOptions } from '@authgate/core';
export type { Identity, Verifier, VerifierOptions, TokenLocations, AuthErrorReason, AuthLogger, Guard, ForwardIdentityOptions } from '@authgate/core';
export { createTokenExchange, TokenExchangeError } from '@authgate/core';
export type {
  Actor,
  TokenExchange,
  TokenExchangeOptions,
  ExchangeRequest,
  ExchangedToken,
  WorkloadOptions,
  WorkloadCertificateOptions,
} from '@authgate/core';
export type { ClaimPath, ClaimExpectation, ClaimExpectations } from '@authgate/core';
