import { AuthConfigError, AuthError, DEFAULT_REALM } from '../errors.js';
import type { Identity } from '../identity.js';
import { identityGuard, type Guard } from './guard.js';

/** An application's own rule: allow only when it returns (or resolves to) exactly `true`. */
export type AuthPredicate<R = unknown> = (identity: Identity<object>, request: R) => boolean | Promise<boolean>;

/**
 * `requireAuth(predicate)`: 403 `access_denied` unless the predicate answers `true` (a truthy non-boolean is not
 * `true`). A predicate that throws or rejects is a bug: its error goes to the framework's error handling, a 500
 * that the framework logs — never a pass.
 */
export function createPredicateGuard<R = unknown>(predicate: AuthPredicate<R>, realm: string = DEFAULT_REALM): Guard<R> {
  if (typeof predicate !== 'function') throw new AuthConfigError('requireAuth needs a function (identity, request) => boolean | Promise<boolean>');
  const refusal = (): AuthError => new AuthError('access_denied', { realm, detail: 'requireAuth predicate refused' });
  return identityGuard<R>(
    'requireAuth',
    (identity, request) => {
      const answer: unknown = predicate(identity, request);
      if (isThenable(answer)) return Promise.resolve(answer).then((allowed) => (allowed === true ? undefined : refusal()));
      return answer === true ? undefined : refusal();
    },
    realm,
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
