import { AuthConfigError, authErrorResponse, isAuthError, MISCONFIGURED_RESPONSE, type RequestAuthenticator } from '@authgate/core';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AuthClaims, RouteAuth } from './index.js';

/** Set by the authentication hook once it ran for a request: tells "anonymous" (`auth` null) from "never checked". */
export const kAuthChecked = Symbol('authgate.authChecked');
/** Per route, in its config: what was decided about it when it was declared; see `RouteRecord`. */
export const kRouteRecord = Symbol('authgate.route');

export interface CheckedRequest {
  [kAuthChecked]: boolean;
}
/**
 * Decided once per route, when it is declared: which authenticator runs (`null` for `auth: false`), and whether the
 * application gave the route an error handler (its own, or its scope's; known once the route's plugin has loaded).
 * Routes the plugin never saw being declared (declared before it, and the 404 handler) have no record.
 */
export interface RouteRecord {
  authenticator: RequestAuthenticator<AuthClaims> | null;
  customErrorHandler: boolean | undefined;
}
export type RouteConfig = Record<symbol, RouteRecord | undefined> & { auth?: RouteAuth };

export const ROUTE_AUTH_VALUES: ReadonlySet<unknown> = new Set<RouteAuth | undefined>([undefined, true, false, 'optional', 'required']);

/**
 * Fastify's own fallback handler is the only one named `defaultErrorHandler` (`setErrorHandler` binds every handler
 * it is given: `bound ...`). Where it would answer, it would write `{ statusCode, error, message }`, so there we
 * answer ourselves; wherever the application set a handler (route, scope or root), that handler gets the error.
 */
export function isApplicationHandler(handler: (...args: never[]) => unknown): boolean {
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
export function refuseThrough(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, error: unknown): void {
  let passOn: unknown;
  try {
    passOn = refuse(request, reply, error);
  } catch (failure) {
    passOn = failure;
  }
  // Answered here: `done` is not called, so the lifecycle stops with the answer (even with async onSend hooks).
  if (passOn !== undefined) done(passOn as Error);
}
