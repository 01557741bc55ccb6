import {
  AuthConfigError,
  authErrorResponse,
  createRequestAuthenticator,
  createScopeGuard,
  isAuthError,
  MISCONFIGURED_RESPONSE,
  resolveVerifier,
  type ScopeMode,
  type Verifier,
  type VerifierOptions,
} from '@authgate/core';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthClaims, JwtAuthOptions, RouteAuth } from './index.js';

/** Set by the authentication hook once it ran for a request: tells "anonymous" (`auth` null) from "never checked". */
const kAuthChecked = Symbol('authgate.authChecked');
/** Per route: whether the application gave it an error handler (its own, or its scope's); see `hasCustomErrorHandler`. */
const kErrorHandlerSlot = Symbol('authgate.errorHandlerSlot');

interface CheckedRequest {
  [kAuthChecked]: boolean;
}
interface ErrorHandlerSlot {
  custom: boolean | undefined;
}

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
  const slot = (request.routeOptions.config as unknown as Record<symbol, ErrorHandlerSlot | undefined>)[kErrorHandlerSlot];
  // Routes declared before the plugin was registered have no slot: look at their scope's handler as it is now.
  return slot?.custom ?? isApplicationHandler(request.server.errorHandler);
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
  const { optional: optionalOption, tokenLocations, verifier: given, ...verifierOptions } = options;
  const { verifier, owned } = resolveVerifier<AuthClaims>(given as Verifier<AuthClaims> | undefined, verifierOptions, '@authgate/fastify', { logger: fastify.log });
  const required = createRequestAuthenticator(verifier, { tokenLocations });
  const optional = createRequestAuthenticator(verifier, { tokenLocations, optional: true });
  const optionalByDefault = optionalOption === true;

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const mode = request.routeOptions.config.auth;
    if (mode === false) return undefined;
    // Anything but an explicit 'optional' (or no opinion under `optional: true`) demands a token: fail closed.
    const useOptional = mode === 'optional' || (mode === undefined && optionalByDefault);
    try {
      request.auth = await (useOptional ? optional : required)({
        headers: request.headers,
        rawHeaders: request.raw.rawHeaders,
        query: request.query,
        body: request.body,
      });
      (request as unknown as CheckedRequest)[kAuthChecked] = true;
      return undefined;
    } catch (error) {
      const passOn = refuse(request, reply, error);
      if (passOn !== undefined) throw passOn;
      // Returning the (thenable) reply holds the lifecycle until the answer is written, even with async onSend hooks.
      return reply;
    }
  }

  function scopeHook(scopes: string[], mode: ScopeMode): preHandlerHookHandler {
    const guard = createScopeGuard(scopes, mode, verifier.realm);
    return function requireScopes(request, reply, done) {
      try {
        guard((request as unknown as CheckedRequest)[kAuthChecked] === true ? request.auth : undefined);
      } catch (error) {
        const passOn = refuse(request, reply, error);
        if (passOn !== undefined) done(passOn as Error);
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
    validateRouteAuth(route.config?.auth, route.url);
    const slot: ErrorHandlerSlot = { custom: undefined };
    route.config = { ...route.config, [kErrorHandlerSlot]: slot } as typeof route.config;
    // Fastify fixes a route's error handler once the current plugin has loaded (a handler set later on a parent
    // scope does not reach it); look at the same moment, so our answer follows the handler Fastify will really use.
    // (A listener without parameters passes any loading error on untouched.)
    this.after(() => {
      slot.custom = route.errorHandler !== undefined || isApplicationHandler(this.errorHandler);
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
