import { isAuthError, type Guard } from '@authgate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AUTH_CONTEXT, refuse, type RequestWithContext } from './refuse.js';

/**
 * Turns a core `Guard` into route middleware: `next()` when it allows, the refusal answered as `jwtAuth` answers
 * (or handed to `next(err)` under `passErrors`) when it refuses. A synchronous guard answers in the same tick; an
 * async one (a predicate) is awaited, and anything it throws that is not an `AuthError` goes to Express's error
 * handling: a 500, never a pass.
 */
export function guardMiddleware(guard: Guard<Request>): RequestHandler {
  return function checkGuard(req: Request, res: Response, next: NextFunction): void {
    const context = (req as RequestWithContext)[AUTH_CONTEXT];
    // The guard cannot know which jwtAuth ran; its challenge takes that one's realm.
    const fail = (error: unknown): void =>
      refuse(isAuthError(error) && context !== undefined ? error.withRealm(context.realm) : error, req, res, next, context);
    let outcome: void | Promise<void>;
    try {
      outcome = guard(req.auth, req);
    } catch (error) {
      fail(error);
      return;
    }
    if (outcome instanceof Promise) outcome.then(() => next(), fail);
    else next();
  };
}
