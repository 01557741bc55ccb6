import { AuthConfigError, AuthError, DEFAULT_REALM } from '../errors.js';
import type { Identity } from '../identity.js';
import { identityGuard, type Guard } from './guard.js';

export type RoleMode = 'all' | 'any';

/** Exact, case-sensitive: `admin` never satisfies `Admin` or `admins`. Roles come from `rolesClaims`. */
export function hasRoles(identity: Pick<Identity, 'roles'>, required: readonly string[], mode: RoleMode = 'all'): boolean {
  const granted = identity.roles;
  return mode === 'any' ? required.some((role) => granted.includes(role)) : required.every((role) => granted.includes(role));
}

/**
 * A route's role requirement (`requireRole`: all of them; `requireAnyRole`: one), validated at route definition.
 * Refuses with 403 `insufficient_role` whose description names the roles missing, from the route's configuration.
 */
export function createRoleGuard(required: readonly string[], mode: RoleMode = 'all', realm: string = DEFAULT_REALM): Guard {
  const name = mode === 'all' ? 'requireRole' : 'requireAnyRole';
  if (required.length === 0) throw new AuthConfigError(`${name} needs at least one role`);
  for (const role of required) {
    if (typeof role !== 'string' || role === '')
      throw new AuthConfigError(`${name}: every role must be a non-empty string (got ${JSON.stringify(role)})`);
  }
  const roles = Object.freeze([...required]);
  const anyDescription = `The access token lacks one of the roles ${roles.join(', ')}`;
  return identityGuard(
    name,
    (identity) => {
      if (hasRoles(identity, roles, mode)) return undefined;
      const missing = mode === 'all' ? roles.filter((role) => !identity.roles.includes(role)) : roles;
      const description = mode === 'all' ? `The access token lacks the role ${missing.join(', ')}` : anyDescription;
      return new AuthError('insufficient_role', { realm, description, detail: `${name} ${missing.join(' ')}` });
    },
    realm,
  );
}
