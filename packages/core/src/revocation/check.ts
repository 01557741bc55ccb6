import { AuthError, isAuthError } from '../errors.js';
import { fail } from '../config/validate.js';
import type { RevocableClaims, RevocationList } from './types.js';

/** Throws the request's `AuthError` when a verified token must not be served; returns when it may. */
export type RevocationCheck = (claims: RevocableClaims) => void;

export function validateRevocationList(value: unknown): RevocationList | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || typeof (value as RevocationList).isRevoked !== 'function') {
    fail('revocation must be a revocation list: createMemoryRevocationList() or createRedisRevocationList() from @authgate/redis');
  }
  return value as RevocationList;
}

/**
 * The verifier's one call into its revocation list, for fresh verifications and cache hits alike. A list that
 * cannot decide (or fails in any way) refuses with a 503: a revoked token is never let through by an error.
 */
export function createRevocationCheck(list: RevocationList | undefined, realm: string, clockTolerance: number): RevocationCheck | undefined {
  if (list === undefined) return undefined;
  list.retainPastExpiry?.(clockTolerance);
  return (claims) => {
    let revoked: boolean;
    try {
      revoked = list.isRevoked(claims);
    } catch (error) {
      if (isAuthError(error) && error.reason === 'revocation_unavailable') throw error.withRealm(realm);
      throw new AuthError('revocation_unavailable', { realm, detail: 'the revocation list failed', cause: error });
    }
    if (revoked) throw new AuthError('revoked', { realm });
  };
}
