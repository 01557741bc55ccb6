import { createScopeGuard } from '@authgate/core';
import type { RequestHandler } from 'express';
import { guardMiddleware } from './guard.js';

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
