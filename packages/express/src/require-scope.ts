import { createActiveGuard, createScopeGuard } from '@authgate/core';
import type { Request, RequestHandler } from 'express';
import { guardMiddleware } from './guard.js';
import { AUTH_CONTEXT, type RequestWithContext } from './refuse.js';

/**
 * Requires every listed scope: 403 `insufficient_scope` naming them otherwise, 401 for an anonymous request.
 * Register after `jwtAuth`; on a route no `jwtAuth` ran for, it answers 500 and logs why (it never lets a request
 * through unchecked). The scope list is validated here, at route definition.
 */
export function requireScope(...scopes: string[]): RequestHandler {
  return guardMiddleware(createScopeGuard(scopes, 'all'));
}

/** Requires at least one of the listed scopes; otherwise as `requireScope`. */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  return guardMiddleware(createScopeGuard(scopes, 'any'));
}

/**
 * Requires the token to be active at the authorization server right now (RFC 7662), even a locally valid JWT: for
 * high-value routes where a revocation must bite at once. Never answers from a cached active result; needs the
 * `introspection` option on `jwtAuth`. 401 `token_inactive` when revoked, 503 when the server cannot answer.
 */
export function requireActive(): RequestHandler {
  return guardMiddleware(createActiveGuard((req: Request) => (req as RequestWithContext)[AUTH_CONTEXT]?.verifier));
}
