import { AuthConfigError, AuthError, DEFAULT_REALM } from '../errors.js';
import type { Identity } from '../identity.js';
import { identityGuard, type Guard } from './guard.js';
import type { ClaimPath } from '../token/claim-path.js';
import { readStringList } from '../token/claim-values.js';

export type ScopeMode = 'all' | 'any';

export const DEFAULT_SCOPE_CLAIMS: readonly string[] = ['scope', 'scp'];

// RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Reads scopes from the given claims, in order: a string is space-delimited (`scope`, RFC 8693 / RFC 9068), an
 * array is taken element by element (`scp` as Okta and Entra ID send it). Values of any other type are ignored.
 * Each claim is a claim path: a string is one top-level claim, an array a nested path.
 */
export function readScopes(claims: Readonly<Record<string, unknown>>, scopeClaims: readonly ClaimPath[] = DEFAULT_SCOPE_CLAIMS): readonly string[] {
  return readStringList(claims, scopeClaims);
}

/** Exact, case-sensitive matching: `orders:read` never satisfies `orders:read:all`, `Orders:Read` or `orders`. */
export function hasScopes(identity: Pick<Identity, 'scopes'>, required: readonly string[], options: { mode?: ScopeMode } = {}): boolean {
  const granted = identity.scopes;
  if ((options.mode ?? 'all') === 'any') return required.some((scope) => granted.includes(scope));
  return required.every((scope) => granted.includes(scope));
}

/** The 403 answer for a route that needs `required`: `insufficient_scope` with `scope="..."` in the challenge. */
export function insufficientScope(required: readonly string[], realm: string = DEFAULT_REALM): AuthError {
  return new AuthError('insufficient_scope', { scopes: required, realm, detail: `requires ${required.join(' ')}` });
}

/** A route's per-request scope check; see `Guard`. */
export type ScopeGuard = Guard;

/**
 * Validates a route's scope requirement once, at route definition, and returns the per-request check, which
 * throws the 403 `AuthError` when the identity lacks the scopes.
 */
export function createScopeGuard(required: readonly string[], mode: ScopeMode = 'all', realm: string = DEFAULT_REALM): ScopeGuard {
  if (required.length === 0) throw new AuthConfigError('a scope check needs at least one scope');
  for (const scope of required) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new AuthConfigError(
        `invalid scope ${JSON.stringify(scope)}: a scope is one or more printable ASCII characters without spaces, quotes or backslashes`,
      );
    }
  }
  const frozen = Object.freeze([...required]);
  return identityGuard(
    mode === 'all' ? 'requireScope' : 'requireAnyScope',
    (identity) => (hasScopes(identity, frozen, { mode }) ? undefined : insufficientScope(frozen, realm)),
    realm,
  );
}
