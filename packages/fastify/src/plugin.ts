import {
  AuthConfigError,
  authErrorResponse,
  createRequestAuthenticator,
  createScopeGuard,
  isAuthError,
  MISCONFIGURED_RESPONSE,
  resolveVerifier,
  type Identity,
  type RequestAuthenticator,
  type ScopeMode,
  type Verifier,
  type VerifierOptions,
} from '@authgate/core';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  preHandlerHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { AuthClaims, JwtAuthOptions, RouteAuth } from './index.js';

/** Set by the authentication hook once it ran for a request: tells "anonymous" (`auth` null) from "never checked". */
const kAuthChecked = Symbol('authgate.authChecked');
/** Per route, in its config: what was decided about it when it was declared; see `RouteRecord`. */
const kRouteRecord = Symbol('authgate.route');

interface CheckedRequest {
  [kAuthChecked]: boolean;
}
/**
 * Decided once per route, when it is declared: which authenticator runs (`null` for `auth: false`), and whether the
 * application gave the route an error handler (its own, or its scope's; known once the route's plugin has loaded).
 * Routes the plugin never saw being declared (declared before it, and the 404 handler) have no record.
 */
interface RouteRecord {
  authenticator: RequestAuthenticator<AuthClaims> | null;
  customErrorHandler: boolean | undefined;
}
type RouteConfig = Record<symbol, RouteRecord | undefined> & { auth?: RouteAuth };

const ROUTE_AUTH_VALUES: ReadonlySet<unknown> = new Set<RouteAuth | undefined>([undefined, true, false, 'optional', 'required']);

/**
 * Fastify's own fallback handler is the only one named `defaultErrorHandler` (`setErrorHandler` binds every handler
 * it is given: `bound ...`). Where it would answer, it would write `{ statusCode, error, message }`, so there we
 * answer ourselves; wherever the application set a handler (route, scope or root), that handler gets the error.
 */
function isApplicationHandler(handler: (...args: never[]) => unknown): boolean {
  return handler.name !== 'defaultErrorHandler';
}

function hasCustomErrorHandler(request: FastifyRequest): boolean {
  const record = (request.routeOptions.config as unknown as RouteConfig)[kRouteRecord];
  // Routes declared before the plugin was registered have no record: look at their scope's handler as it is now.
  return record?.customErrorHandler ?? isApplicationHandler(request.server.errorHandler);
}

/**
 * Turns a failure into the HTTP answer. The status and headers (challenge, `cache-control: no-store`,
 * `retry-after`) are set on the reply either way, so an application's error handler starts from the right answer
 * and only has to write a body. Returns the error to pass on to that handler, or `undefined` once answered here.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, error: unknown): unknown {
  if (error instanceof AuthConfigError) {
    // A route that asks for scopes but was never authenticated: a wiring bug, never a silent pass.
    request.log.error(
      { url: request.routeOptions.url, cause: error.message },
      'authgate: a scope check ran on a route that was not authenticated (config.auth is false, or the plugin is not registered in this scope)',
    );
    if (hasCustomErrorHandler(request)) return error;
    reply.code(MISCONFIGURED_RESPONSE.status).headers(MISCONFIGURED_RESPONSE.headers);
    void reply.send(MISCONFIGURED_RESPONSE.body);
    return undefined;
  }
  if (!isAuthError(error)) return error;
  const response = authErrorResponse(error);
  request.log[response.status === 503 ? 'warn' : 'info']({ reason: error.reason, detail: error.detail }, 'authgate: request refused');
  reply.code(response.status).headers(response.headers);
  if (hasCustomErrorHandler(request)) return error;
  void reply.send(response.body);
  return undefined;
}

/** `refuse`, for a callback hook: stops the lifecycle once answered, or hands the error on through `done`. */
function refuseThrough(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, error: unknown): void {
  let passOn: unknown;
  try {
    passOn = refuse(request, reply, error);
  } catch (failure) {
    passOn = failure;
  }
  // Answered here: `done` is not called, so the lifecycle stops with the answer (even with async onSend hooks).
  if (passOn !== undefined) done(passOn as Error);
}

function validateRouteAuth(value: unknown, url: string): void {
  if (!ROUTE_AUTH_VALUES.has(value)) {
    throw new AuthConfigError(`@authgate/fastify: route ${url}: config.auth must be true, false, 'optional' or 'required' (got ${JSON.stringify(value)})`);
  }
}

const authgatePlugin: FastifyPluginAsync<JwtAuthOptions> = async (fastify, options) => {
  if (fastify.hasRequestDecorator('auth')) {
    throw new AuthConfigError(
      '@authgate/fastify: request.auth is already decorated here: register the plugin once per scope chain (a parent registration already protects child scopes)',
    );
  }
  if (options === null || typeof options !== 'object') throw new AuthConfigError('@authgate/fastify: options are required');
  const { optional: optionalByDefault, tokenLocations, dpop, mtls, verifier: given, ...verifierOptions } = options;
  const { verifier, owned } = resolveVerifier<AuthClaims>(given as Verifier<AuthClaims> | undefined, verifierOptions, '@authgate/fastify', { logger: fastify.log });
  const required = createRequestAuthenticator(verifier, { tokenLocations, dpop, mtls });
  const optional = createRequestAuthenticator(verifier, { tokenLocations, dpop, mtls, optional: true });
  const byDefault = optionalByDefault === true ? optional : required;
  // Anything but an explicit 'optional' (or no opinion under `optional: true`) demands a token: fail closed.
  const authenticatorFor = (mode: RouteAuth | undefined): RequestAuthenticator<AuthClaims> | null =>
    mode === false ? null : mode === 'optional' ? optional : mode === undefined ? byDefault : required;
  /**
   * The one hook, at the plugin's place among the scope's hooks (hooks registered after it can rely on `request.auth`,
   * and never run for a refused request). A callback hook rather than an async one: a token whose answer is known at
   * once (cached, or its key already held) is then accepted synchronously, with no promise at all; any other costs
   * one promise reaction.
   */
  function authenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const config = request.routeOptions.config as unknown as RouteConfig;
    const record = config[kRouteRecord];
    // No record: a route declared before the plugin, or an unknown URL (401 before 404 discloses no routes).
    const authenticator = record !== undefined ? record.authenticator : authenticatorFor(config.auth);
    if (authenticator === null) {
      done();
      return;
    }
    // Fastify's request is what core reads: headers (a hook's replacement included), Node's raw headers, query and
    // body, and for DPoP and mTLS its method, URL, trust-proxy-aware protocol and host, and socket.
    const result = authenticator(request);
    if (result instanceof Promise) {
      result.then(
        (identity) => accept(request, identity, done),
        (error: unknown) => refuseThrough(request, reply, done, error),
      );
    } else {
      accept(request, result, done);
    }
  }

  function accept(request: FastifyRequest, identity: Identity<AuthClaims> | null, done: HookHandlerDoneFunction): void {
    request.auth = identity;
    (request as unknown as CheckedRequest)[kAuthChecked] = true;
    done();
  }

  function scopeHook(scopes: string[], mode: ScopeMode): preHandlerHookHandler {
    const guard = createScopeGuard(scopes, mode, verifier.realm);
    return function requireScopes(request, reply, done) {
      try {
        guard((request as unknown as CheckedRequest)[kAuthChecked] === true ? request.auth : undefined);
      } catch (error) {
        refuseThrough(request, reply, done, error);
        return;
      }
      done();
    };
  }

  fastify.decorateRequest('auth', null);
  fastify.decorateRequest(kAuthChecked, false);
  fastify.decorate('authVerifier', verifier);
  fastify.decorate('requireScope', (...scopes: string[]) => scopeHook(scopes, 'all'));
  fastify.decorate('requireAnyScope', (...scopes: string[]) => scopeHook(scopes, 'any'));

  fastify.addHook('onRoute', function (this: FastifyInstance, route) {
    const mode = route.config?.auth;
    validateRouteAuth(mode, route.url);
    const record: RouteRecord = { authenticator: authenticatorFor(mode), customErrorHandler: undefined };
    route.config = { ...route.config, [kRouteRecord]: record } as typeof route.config;
    // Fastify fixes a route's error handler once the current plugin has loaded (a handler set later on a parent
    // scope does not reach it); look at the same moment, so our answer follows the handler Fastify will really use.
    // (A listener without parameters passes any loading error on untouched.)
    this.after(() => {
      record.customErrorHandler = route.errorHandler !== undefined || isApplicationHandler(this.errorHandler);
    });
  });
  // A token in the body can only be read once the body is parsed; otherwise check before parsing anything.
  if (tokenLocations?.body !== undefined && tokenLocations.body !== false) fastify.addHook('preValidation', authenticate);
  else fastify.addHook('onRequest', authenticate);
  if (owned) fastify.addHook('onClose', async () => verifier.close());
};

/**
 * The Fastify plugin. Not encapsulated (fastify-plugin): it protects every route of the scope it is registered in,
 * including child scopes. Register it inside `fastify.register(async (scope) => ...)` to protect only that scope.
 */
export const jwtAuth = fp(authgatePlugin, { name: '@authgate/fastify', fastify: '5.x' });
