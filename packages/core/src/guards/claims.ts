import { AuthError, DEFAULT_REALM } from '../errors.js';
import type { ClaimPath } from '../token/claim-path.js';
import { claimRuleHolds, compileClaimRule, type ClaimExpectation } from '../token/claim-rules.js';
import { identityGuard, type Guard } from './guard.js';

/**
 * A route's claim requirement: the claim at `path` must meet `expected`, in the same forms as the `claims` option
 * (a scalar, an array of scalars, or a function that returns `true`; never called for a missing claim). Validated
 * at route definition. Refuses with 403 `insufficient_claim` naming the claim as configured, never its value.
 */
export function createClaimGuard(path: ClaimPath, expected: ClaimExpectation, realm: string = DEFAULT_REALM): Guard {
  const rule = compileClaimRule(path, expected, 'requireClaim');
  const description = `The access token lacks the required claim ${rule.name}`;
  return identityGuard(
    'requireClaim',
    (identity) =>
      claimRuleHolds(rule, identity.claims)
        ? undefined
        : new AuthError('insufficient_claim', { realm, description, detail: `requireClaim ${rule.name}` }),
    realm,
  );
}
