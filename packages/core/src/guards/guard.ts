import { AuthConfigError, AuthError, DEFAULT_REALM } from '../errors.js';
import type { Identity } from '../identity.js';

/**
 * A route requirement, checked per request after authentication, the same in every adapter. `identity` is what the
 * adapter attached: an `Identity`, `null` for an anonymous request under optional auth, or `undefined` when no
 * authentication ran for the request at all. `request` is the framework's request (for predicates that need it).
 *
 * It returns (or resolves) to allow, and throws (or rejects with) the answer: an `AuthError` (401/403), or an
 * `AuthConfigError` for a wiring bug, which adapters answer 500 and log. Anything else thrown is a bug in the
 * application's predicate and goes to the framework's error handling — never a 2xx.
 */
export type Guard<R = unknown> = (identity: Identity<object> | null | undefined, request: R) => void | Promise<void>;

/** What a check on a present identity answers: `undefined` allows; an `AuthError` refuses. */
export type IdentityCheck<R = unknown> = (identity: Identity<object>, request: R) => AuthError | undefined | Promise<AuthError | undefined>;

/**
 * Builds a guard from a check on a verified identity, with the answers every guard shares: no authentication ran →
 * `AuthConfigError` naming the guard (a route must never pass unchecked); anonymous → 401 without an error code.
 * Adapters re-render refusals with their own realm (`AuthError.withRealm`).
 */
export function identityGuard<R = unknown>(name: string, check: IdentityCheck<R>, realm: string = DEFAULT_REALM): Guard<R> {
  return (identity, request) => {
    if (identity === undefined) {
      throw new AuthConfigError(`${name} ran on a request that no authentication middleware saw: register jwtAuth before ${name}`);
    }
    if (identity === null) throw new AuthError('credentials_missing', { realm });
    const outcome = check(identity, request);
    if (outcome instanceof Promise) {
      return outcome.then((refusal) => {
        if (refusal !== undefined) throw refusal;
      });
    }
    if (outcome !== undefined) throw outcome;
  };
}
