import {
  createActiveGuard,
  createClaimGuard,
  createPredicateGuard,
  createRoleGuard,
  createScopeGuard,
  isAuthError,
  requireActorGuard,
  requireClientGuard,
  requireDirectCallGuard,
  requireUserGuard,
  requireWorkloadGuard,
  type ActorMatch,
  type ActorPredicate,
  type AuthPredicate,
  type ClaimExpectation,
  type ClaimPath,
  type Guard,
  type Identity,
  type Verifier,
} from '@authgate/core';
import type { AuthClaims } from './index.js';
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { kAuthChecked, refuseThrough, type CheckedRequest } from './refuse.js';

/**
 * Turns a core `Guard` into a route `preHandler`: it allows with `done()`, or answers the refusal as the plugin's
 * hook does. `realm` is the registration's, for the challenge. A synchronous guard answers in the same tick; an
 * async one is awaited; anything it throws that is not an `AuthError` goes to Fastify's error handling (a 500).
 */
export function guardHook(guard: Guard<FastifyRequest>, realm: string): preHandlerHookHandler {
  return function checkGuard(request, reply, done) {
    // undefined, not null, when the plugin's hook never ran for this request: the guard answers a wiring bug.
    const identity = (request as unknown as CheckedRequest)[kAuthChecked] === true ? request.auth : undefined;
    const fail = (error: unknown): void => refuseThrough(request, reply, done, isAuthError(error) ? error.withRealm(realm) : error);
    let outcome: void | Promise<void>;
    try {
      outcome = guard(identity, request);
    } catch (error) {
      fail(error);
      return;
    }
    if (outcome instanceof Promise) outcome.then(() => done(), fail);
    else done();
  };
}

/** The route guards, as decorators of the instance the plugin is registered on. */
export function decorateGuards(fastify: FastifyInstance, realm: string, verifier: Verifier<object>): void {
  fastify.decorate('requireScope', (...scopes: string[]) => guardHook(createScopeGuard(scopes, 'all', realm), realm));
  fastify.decorate('requireAnyScope', (...scopes: string[]) => guardHook(createScopeGuard(scopes, 'any', realm), realm));
  fastify.decorate('requireActor', (requirement: ActorPredicate<FastifyRequest> | ActorMatch) =>
    guardHook(requireActorGuard(requirement, realm), realm),
  );
  fastify.decorate('requireDirectCall', () => guardHook(requireDirectCallGuard(realm), realm));
  fastify.decorate('requireUser', () => guardHook(requireUserGuard(realm), realm));
  fastify.decorate('requireClient', (...clientIds: string[]) => guardHook(requireClientGuard(clientIds, realm), realm));
  fastify.decorate('requireWorkload', (...spiffeIds: string[]) => guardHook(requireWorkloadGuard(spiffeIds, realm), realm));
  fastify.decorate('requireRole', (...roles: string[]) => guardHook(createRoleGuard(roles, 'all', realm), realm));
  fastify.decorate('requireAnyRole', (...roles: string[]) => guardHook(createRoleGuard(roles, 'any', realm), realm));
  fastify.decorate('requireClaim', (path: ClaimPath, expected: ClaimExpectation) => guardHook(createClaimGuard(path, expected, realm), realm));
  // The predicate is typed with the app's AuthClaims at the call site (FastifyInstance augmentation).
  fastify.decorate('requireAuth', (predicate: (identity: Identity<AuthClaims>, request: FastifyRequest) => boolean | Promise<boolean>) =>
    guardHook(createPredicateGuard(predicate as AuthPredicate<FastifyRequest>, realm), realm),
  );
  fastify.decorate('requireActive', () =>
    guardHook(
      createActiveGuard(() => verifier, realm),
      realm,
    ),
  );
}
