import {
  createScopeGuard,
  isAuthError,
  requireActorGuard,
  requireClientGuard,
  requireDirectCallGuard,
  requireUserGuard,
  requireWorkloadGuard,
  type ActorMatch,
  type ActorPredicate,
  type Guard,
} from '@authgate/core';
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
export function decorateGuards(fastify: FastifyInstance, realm: string): void {
  fastify.decorate('requireScope', (...scopes: string[]) => guardHook(createScopeGuard(scopes, 'all', realm), realm));
  fastify.decorate('requireAnyScope', (...scopes: string[]) => guardHook(createScopeGuard(scopes, 'any', realm), realm));
  fastify.decorate('requireActor', (requirement: ActorPredicate<FastifyRequest> | ActorMatch) => guardHook(requireActorGuard(requirement, realm), realm));
  fastify.decorate('requireDirectCall', () => guardHook(requireDirectCallGuard(realm), realm));
  fastify.decorate('requireUser', () => guardHook(requireUserGuard(realm), realm));
  fastify.decorate('requireClient', (...clientIds: string[]) => guardHook(requireClientGuard(clientIds, realm), realm));
  fastify.decorate('requireWorkload', (...spiffeIds: string[]) => guardHook(requireWorkloadGuard(spiffeIds, realm), realm));
}
