import type { Identity } from '@authgate/core';

/**
 * The custom claims of your access tokens, for the whole app. `req.auth` belongs to every Express request, so its
 * claims type is declared once, by module augmentation:
 *
 * ```ts
 * declare module '@authgate/express' {
 *   interface AuthClaims { tenant: string; roles?: string[] }
 * }
 * ```
 *
 * Typing a claim does not check it: list it in `requiredClaims` to have tokens without it refused.
 */
// An empty interface on purpose: it exists to be augmented.
export interface AuthClaims {}

// Express merges the global `Express.Request` into `express-serve-static-core`'s `Request` (Express 4 and 5 types
// alike). Augmenting 'express-serve-static-core' by name would need that package resolvable from here, which
// pnpm's strict layout does not give: the augmentation would silently not apply.
declare global {
  namespace Express {
    interface Request {
      /**
       * The verified caller: an `Identity` after `jwtAuth`, `null` for an anonymous request under
       * `optional: true`, `undefined` where no `jwtAuth` ran.
       */
      auth?: Identity<AuthClaims> | null;
      /** The calling workload's identity, after a `jwtAuth` given the `workload` option; `undefined` elsewhere. */
      workload?: Identity<object>;
    }
  }
}

export { jwtAuth } from './jwt-auth.js';
export type { JwtAuthOptions, JwtAuthMiddleware, AdapterOptions } from './jwt-auth.js';
export { requireScope, requireAnyScope, requireActive } from './require-scope.js';
export { requireActor, requireDirectCall, requireUser, requireClient, requireWorkload } from './require-caller.js';
export { requireRole, requireAnyRole, requireClaim, requireAuth } from './require-identity.js';
// For your own guards: guardMiddleware(identityGuard('tenant check', (identity) => ...)).
export { guardMiddleware } from './guard.js';
// Re-exported so an app needs only this package: error handlers (passErrors) and shared verifiers.
export { AuthError, AuthConfigError, isAuthError, authErrorResponse, createVerifier, identityGuard } from '@authgate/core';
// Identity provider presets: jwtAuth({ ...providers.entra({ tenant, audience }) }).
export { providers } from '@authgate/core';
export type { ProviderOptions } from '@authgate/core';
export type { Identity, Verifier, VerifierOptions, TokenLocations, AuthErrorReason, AuthLogger, Guard, ForwardIdentityOptions } from '@authgate/core';
export { createTokenExchange, TokenExchangeError } from '@authgate/core';
export type {
  Actor,
  TokenExchange,
  TokenExchangeOptions,
  ExchangeRequest,
  ExchangedToken,
  WorkloadOptions,
  WorkloadCertificateOptions,
} from '@authgate/core';
export type { ClaimPath, ClaimExpectation, ClaimExpectations } from '@authgate/core';
