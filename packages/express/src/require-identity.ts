import { createClaimGuard, createPredicateGuard, createRoleGuard, type ClaimExpectation, type ClaimPath, type Identity } from '@authgate/core';
import type { Request, RequestHandler } from 'express';
import { guardMiddleware } from './guard.js';
import type { AuthClaims } from './index.js';

// Each guard: 401 for an anonymous request, 403 (`insufficient_scope` challenge) naming what the route requires,
// 500 on a route no jwtAuth ran for. Arguments are validated here, at route definition.

/** Requires every listed role (from `rolesClaims`); 403 `insufficient_role` naming the missing ones. */
export function requireRole(...roles: string[]): RequestHandler {
  return guardMiddleware(createRoleGuard(roles, 'all'));
}

/** Requires at least one of the listed roles. */
export function requireAnyRole(...roles: string[]): RequestHandler {
  return guardMiddleware(createRoleGuard(roles, 'any'));
}

/** Requires the claim at `path` to meet `expected` (the same forms as the `claims` option); 403 `insufficient_claim`. */
export function requireClaim(path: ClaimPath, expected: ClaimExpectation): RequestHandler {
  return guardMiddleware(createClaimGuard(path, expected));
}

/**
 * Allows only when `predicate(identity, req)` returns (or resolves to) `true`; 403 `access_denied` otherwise. A
 * predicate that throws or rejects goes to Express's error handling (500), never a pass.
 */
export function requireAuth(predicate: (identity: Identity<AuthClaims>, req: Request) => boolean | Promise<boolean>): RequestHandler {
  return guardMiddleware(createPredicateGuard(predicate as (identity: Identity<object>, req: Request) => boolean | Promise<boolean>));
}
