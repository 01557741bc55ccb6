import {
  AuthConfigError,
  checkAdapterOptionNames,
  createIdentityForwarder,
  createRequestAuthenticator,
  keysOf,
  createWorkloadAuthenticator,
  resolveTokenExchange,
  type ForwardIdentityOptions,
  type IdentityForwarder,
  type OptionKeys,
  resolveVerifier,
  type DpopOptions,
  type TokenExchange,
  type TokenExchangeOptions,
  type WorkloadOptions,
  type Identity,
  type MtlsOptions,
  type TokenLocations,
  type Verifier,
  type VerifierOptions,
} from '@authgate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthClaims } from './index.js';
import { AUTH_CONTEXT, refuse, type AuthContext, type RequestWithContext } from './refuse.js';

/** What the Express adapter adds to the verifier's options. */
export interface AdapterOptions {
  /** Let requests without any credentials through with `req.auth = null`. A bad token is still refused. */
  optional?: boolean;
  /** Where a token may come from. Only `Authorization: Bearer` by default; cookie, query and body are opt-ins. */
  tokenLocations?: TokenLocations;
  /**
   * DPoP-bound tokens (RFC 9449). Default `{ mode: 'allowed' }`. The proof's `htu` is compared with the URL Express
   * reports (`req.protocol`, `req.host`: forwarded headers count only under `trust proxy`), or `dpop.publicUrl`.
   */
  dpop?: DpopOptions;
  /** Certificate-bound tokens (RFC 8705). Default `{ mode: 'allowed', certificate: 'socket' }` (an `https` server with `requestCert`). */
  mtls?: MtlsOptions;
  /** Hand the `AuthError` to `next(err)` for your error handler instead of answering. */
  passErrors?: boolean;
  /** A `createTokenExchange(...)` client (or its options): gives `req.auth.exchange({ audience, scope })`. */
  tokenExchange?: TokenExchange | TokenExchangeOptions;
  /**
   * Also require the calling workload's identity, as `req.workload`: a token (`x-workload-token` by default) verified
   * with these options, or with `{ certificate, trustDomain }` the SPIFFE ID of its mTLS client certificate (an
   * X.509-SVID; see `WorkloadCertificateOptions`).
   */
  workload?: WorkloadOptions;
  /**
   * For apps that proxy to services (e.g. with `http-proxy-middleware`): strip every configured identity header a
   * client sent, then set them from the verified token (`x-user-id`, `x-scope`...; see `ForwardIdentityOptions`).
   * Off by default.
   */
  forwardIdentity?: boolean | ForwardIdentityOptions;
}

/** The Express adapter's own option names (unknown names are refused with a suggestion). */
const ADAPTER_OPTION_KEYS: OptionKeys<AdapterOptions> = {
  optional: true,
  tokenLocations: true,
  passErrors: true,
  forwardIdentity: true,
  dpop: true,
  mtls: true,
  tokenExchange: true,
  workload: true,
};

type WithoutVerifierOptions = { [K in keyof VerifierOptions]?: never };

/**
 * Either the verifier's options (a verifier is created once, here) or an existing `verifier` to share, never both.
 */
export type JwtAuthOptions<C extends object = AuthClaims> = AdapterOptions &
  ((VerifierOptions & { verifier?: undefined }) | (WithoutVerifierOptions & { verifier: Verifier<C> }));

export interface JwtAuthMiddleware<C extends object = AuthClaims> extends RequestHandler {
  /** The verifier behind this middleware: `ready()` at start-up, `health()` for probes, `close()` at shutdown. */
  readonly verifier: Verifier<C>;
  /** The public keys of signed identity assertions (`forwardIdentity.sign`), for the app to serve; else undefined. */
  readonly identityJwks: IdentityForwarder['jwks'];
}

/**
 * Authenticates every request it sees: attaches `req.auth` and calls `next()`, or answers the RFC 6750 error.
 * Options are validated here, once: bad options throw `AuthConfigError` while the app is being set up. With no
 * options (or some left out), `issuer`, `audience`, `algorithms` and `jwksUri` come from `AUTHGATE_ISSUER`,
 * `AUTHGATE_AUDIENCE`, `AUTHGATE_ALGORITHMS` and `AUTHGATE_JWKS_URI`, or from the preset `AUTHGATE_PROVIDER` names
 * and its `AUTHGATE_<PRESET>_<ARGUMENT>` variables; explicit options win, key by key.
 */
export function jwtAuth<C extends object = AuthClaims>(): JwtAuthMiddleware<C>;
export function jwtAuth<C extends object = AuthClaims>(options: JwtAuthOptions<C>): JwtAuthMiddleware<C>;
export function jwtAuth<C extends object = AuthClaims>(options: JwtAuthOptions<C> = {} as JwtAuthOptions<C>): JwtAuthMiddleware<C> {
  if (options === null || typeof options !== 'object') {
    throw new AuthConfigError(
      'authgate: jwtAuth needs options: { issuer, audience, algorithms, jwksUri | jwks } or { verifier } (or none, with AUTHGATE_ISSUER, AUTHGATE_AUDIENCE, AUTHGATE_ALGORITHMS set, or AUTHGATE_PROVIDER and its arguments)',
    );
  }
  checkAdapterOptionNames(options, keysOf(ADAPTER_OPTION_KEYS));
  const {
    optional,
    tokenLocations,
    dpop,
    mtls,
    passErrors,
    forwardIdentity,
    verifier: given,
    tokenExchange,
    workload: workloadOptions,
    ...verifierOptions
  } = options;
  const { verifier, tokenLocations: presetLocations } = resolveVerifier<C>(given, verifierOptions, '@authgate/express');
  const authenticate = createRequestAuthenticator(verifier, {
    optional,
    tokenLocations: tokenLocations ?? presetLocations,
    dpop,
    mtls,
    tokenExchange: resolveTokenExchange(tokenExchange),
  });
  const workload = createWorkloadAuthenticator(workloadOptions);
  const forwarder = createIdentityForwarder(forwardIdentity);
  const context: AuthContext = Object.freeze({ realm: verifier.realm, passErrors: passErrors === true, verifier: verifier as Verifier<object> });

  // An answer known at once (a cached token, or a key already held) goes on synchronously: next() right away, no
  // promise. Otherwise one async function and no per-request closures. Neither ever rejects: every failure is answered or handed to next(err) here, because
  // Express 4 ignores a rejected promise from a middleware.
  function authenticateRequest(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    (req as RequestWithContext)[AUTH_CONTEXT] = context;
    // Before anything can fail: a refused or anonymous request must not carry a client's own identity headers either.
    if (forwarder !== undefined) forwarder.strip(req);
    if (workload !== undefined) return withWorkload(req, res, next);
    const result = authenticate(req);
    if (result instanceof Promise) return settle(result, req, res, next);
    req.auth = result as Identity<AuthClaims>;
    if (forwarder !== undefined) forwarder.apply(req, result);
    next();
  }

  /** The workload first (who calls), then the user (on whose behalf): each refusal names its own realm. */
  async function withWorkload(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      req.workload = await (workload as NonNullable<typeof workload>).authenticate(req);
    } catch (error) {
      refuse(error, req, res, next, context);
      return;
    }
    return settle(Promise.resolve(authenticate(req)), req, res, next);
  }

  async function settle(pending: Promise<Identity<C> | null>, req: Request, res: Response, next: NextFunction): Promise<void> {
    let identity: Identity<C> | null;
    try {
      identity = await pending;
    } catch (error) {
      refuse(error, req, res, next, context);
      return;
    }
    req.auth = identity as Identity<AuthClaims> | null;
    if (forwarder !== undefined && identity !== null) forwarder.apply(req, identity);
    next();
  }
  return Object.defineProperties(authenticateRequest, {
    verifier: { value: verifier, enumerable: true },
    identityJwks: { value: forwarder?.jwks, enumerable: true },
  }) as JwtAuthMiddleware<C>;
}
