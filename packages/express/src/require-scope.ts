import { createScopeGuard, isAuthError, type ScopeMode } from '@authgate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AUTH_CONTEXT, refuse, type RequestWithContext } from './refuse.js';

function scopeCheck(scopes: readonly string[], mode: ScopeMode): RequestHandler {
  // Validated once, at route definition: a bad scope list throws AuthConfigError while the app is set up.
  const guard = createScopeGuard(scopes, mode);
  return function checkScopes(req: Request, res: Response, next: NextFunction): void {
    const context = (req as RequestWithContext)[AUTH_CONTEXT];
    try {
      guard(req.auth);
    } catch (error) {
      // The guard cannot know which jwtAuth ran; its challenge takes that one's realm.
      refuse(isAuthError(error) && context !== undefined ? error.withRealm(context.realm) : error, req, res, next, context);
      return;
    }
    next();
  };
}

/**
 * Requires every listed scope: 403 `insufficient_scope` naming them otherwise, 401 for an anonymous request.
 * Register after `jwtAuth`; on a route no `jwtAuth` ran for, it answers 500 and logs why (it never lets a request
 * through unchecked).
 */
export function requireScope(...scopes: string[]): RequestHandler {
  return scopeCheck(scopes, 'all');
}

/** Requires at least one of the listed scopes; otherwise as `requireScope`. */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  return scopeCheck(scopes, 'any');
}
