import { AuthConfigError, authErrorResponse, isAuthError, MISCONFIGURED_RESPONSE, type Verifier } from '@authgate/core';
import type { NextFunction, Request, Response } from 'express';

/** What `jwtAuth` leaves on each request for the scope checks after it. One frozen object per `jwtAuth`. */
export interface AuthContext {
  readonly realm: string;
  readonly passErrors: boolean;
  /** The verifier that authenticated the request: `requireActive()` asks it again. */
  readonly verifier: Verifier<object>;
}

// A symbol key: invisible to JSON.stringify, Object.keys and for...in, and no clash with what an app puts on req.
export const AUTH_CONTEXT: unique symbol = Symbol('authgate.express.context');

export type RequestWithContext = Request & { [AUTH_CONTEXT]?: AuthContext };

/**
 * Turns a failure into the HTTP answer: an `AuthError` becomes core's status, headers and JSON body (or goes to
 * `next(err)` under `passErrors`); an `AuthConfigError` is a developer error, logged and answered 500 (never a
 * silent pass); anything else goes to Express's error handling.
 */
export function refuse(error: unknown, req: Request, res: Response, next: NextFunction, context: AuthContext | undefined): void {
  if (error instanceof AuthConfigError) {
    // The path without the query string: a query may hold a token.
    console.error(`authgate: ${req.method} ${req.baseUrl}${req.path} answered 500: ${error.message}`);
    if (context?.passErrors === true) return next(error);
    res.status(MISCONFIGURED_RESPONSE.status).set(MISCONFIGURED_RESPONSE.headers).json(MISCONFIGURED_RESPONSE.body);
    return;
  }
  if (!isAuthError(error) || context?.passErrors === true) return next(error);
  const { status, headers, body } = authErrorResponse(error);
  res.status(status).set(headers).json(body);
}
