import { fail } from '../config/validate.js';
import { normalizeClaimPath, readClaim, type ClaimPath, type NormalizedClaimPath } from './claim-path.js';

/**
 * Whom a token speaks for: `'user'` (a person signed in; the token may have passed through services since) or
 * `'client'` (a client-credentials token, a workload: no user at all). Providers say so in different ways, so the
 * built-in rules cover the shapes that are unambiguous wherever they appear, and `tokenKind` adds a provider's own.
 */
export type TokenKind = 'user' | 'client';

/**
 * How to tell a client token from a user token beyond the built-in rules: a fixed answer for a verifier that only
 * ever sees one kind (workload identity: SPIFFE, Kubernetes, GitHub Actions), or a claim whose presence (or absence)
 * marks a client token.
 */
export type TokenKindOption =
  | TokenKind
  | {
      /** A token carrying this claim is a client token. */
      clientClaim?: ClaimPath;
      /** A token without this claim is a client token (Okta: `uid`, present only on user tokens). */
      userClaim?: ClaimPath;
    };

export type NormalizedTokenKind = TokenKind | { clientClaim: NormalizedClaimPath | undefined; userClaim: NormalizedClaimPath | undefined };

export function normalizeTokenKind(value: TokenKindOption | undefined): NormalizedTokenKind {
  if (value === undefined) return { clientClaim: undefined, userClaim: undefined };
  if (value === 'user' || value === 'client') return value;
  if (value === null || typeof value !== 'object')
    fail(`tokenKind must be 'user', 'client' or { clientClaim?, userClaim? } (got ${JSON.stringify(value)})`);
  return {
    clientClaim: value.clientClaim === undefined ? undefined : normalizeClaimPath(value.clientClaim, 'tokenKind.clientClaim'),
    userClaim: value.userClaim === undefined ? undefined : normalizeClaimPath(value.userClaim, 'tokenKind.userClaim'),
  };
}

/**
 * The built-in rules, then the configured ones: no `sub`, or `sub` equal to the token's own client id (`clientId`, see
 * `readClientId`), always means a
 * client (the client credentials grant issues tokens about the client itself); so do Auth0's
 * `gty: "client-credentials"` and Entra's `idtyp: "app"`.
 */
export function tokenKindOf(claims: Readonly<Record<string, unknown>>, rule: NormalizedTokenKind, clientId: string | undefined): TokenKind {
  if (typeof rule === 'string') return rule;
  const sub = claims.sub;
  if (sub === undefined || sub === clientId) return 'client';
  if (claims.gty === 'client-credentials' || claims.idtyp === 'app') return 'client';
  if (rule.clientClaim !== undefined && readClaim(claims, rule.clientClaim) !== undefined) return 'client';
  if (rule.userClaim !== undefined && readClaim(claims, rule.userClaim) === undefined) return 'client';
  return 'user';
}
