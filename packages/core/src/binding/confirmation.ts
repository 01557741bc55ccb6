import { AuthError } from '../errors.js';
import type { Confirmation } from '../identity.js';

// A SHA-256 thumbprint in base64url: exactly 43 characters.
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Reads a token's `cnf` claim once, when its identity is built (and so before it can enter the token cache): the
 * request path then only looks at `identity.confirmation`. A `cnf` that names a binding we check (`jkt`,
 * `x5t#S256`) in a shape we cannot check refuses the token: read as "unbound", it would be usable as a bearer token.
 * Other confirmation methods (`jwk`, `jku`, ...) are not ours to enforce and are left in `claims.cnf`.
 */
export function confirmationOf(cnf: unknown, realm: string): Confirmation | undefined {
  if (cnf === undefined) return undefined;
  if (cnf === null || typeof cnf !== 'object' || Array.isArray(cnf)) throw new AuthError('claim_invalid', { realm, detail: 'cnf is not an object' });
  const { jkt, 'x5t#S256': x5t } = cnf as Record<string, unknown>;
  if (jkt === undefined && x5t === undefined) return undefined;
  if (jkt !== undefined && (typeof jkt !== 'string' || !THUMBPRINT.test(jkt)))
    throw new AuthError('claim_invalid', { realm, detail: 'cnf.jkt is not a thumbprint' });
  if (x5t !== undefined && (typeof x5t !== 'string' || !THUMBPRINT.test(x5t))) {
    throw new AuthError('claim_invalid', { realm, detail: 'cnf.x5t#S256 is not a thumbprint' });
  }
  return Object.freeze({ ...(jkt === undefined ? {} : { jkt }), ...(x5t === undefined ? {} : { 'x5t#S256': x5t }) }) as Confirmation;
}
