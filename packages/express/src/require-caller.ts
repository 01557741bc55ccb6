import {
  requireActorGuard,
  requireClientGuard,
  requireDirectCallGuard,
  requireUserGuard,
  requireWorkloadGuard,
  type ActorMatch,
  type ActorPredicate,
} from '@authgate/core';
import type { Request, RequestHandler } from 'express';
import { guardMiddleware } from './guard.js';

/** A delegated call whose current actor (`act`) passes the predicate or matches `{ subject?, clientId? }`; else 403. */
export const requireActor = (requirement: ActorPredicate<Request> | ActorMatch): RequestHandler => guardMiddleware(requireActorGuard(requirement));
/** A direct call: a token with any `act` claim is refused (403). */
export const requireDirectCall = (): RequestHandler => guardMiddleware(requireDirectCallGuard());
/** A token with a user behind it (`req.auth.kind === 'user'`); a client token is refused (403). */
export const requireUser = (): RequestHandler => guardMiddleware(requireUserGuard());
/** A client token, of one of `clientIds` when any are given (403 otherwise). */
export const requireClient = (...clientIds: string[]): RequestHandler => guardMiddleware(requireClientGuard(clientIds));
/** The calling workload (`req.workload`, from the `workload` option) is one of these SPIFFE IDs (any when none given). */
export const requireWorkload = (...spiffeIds: string[]): RequestHandler => guardMiddleware(requireWorkloadGuard(spiffeIds));
