import { AuthError } from '../errors.js';
import type { NormalizedOptions } from '../options.js';
import { checkClaimRules } from './claim-rules.js';
import { matchesIssuerTemplate } from './issuer-template.js';

/**
 * Claim rules, applied to a payload whose signature has been verified and whose claim types have been checked
 * (verify.ts): presence, issuer, audience, then time. Comparisons are exact; times allow `clockTolerance` seconds.
 */
export function checkClaims(payload: Readonly<Record<string, unknown>>, options: NormalizedOptions, nowSeconds: number): void {
  const { realm, clockTolerance } = options;
  for (const claim of options.requiredClaims) {
    if (payload[claim] === undefined) throw new AuthError('claim_missing', { realm, detail: claim });
  }
  // Routing already refused issuers outside the allowlist; this keeps the rule true on its own.
  const iss = payload.iss as string;
  if (options.issuerAllowlist !== null && !options.issuerAllowlist.has(iss) && !matchesAnyTemplate(options, iss, payload)) {
    throw new AuthError('issuer_not_allowed', { realm });
  }
  if (options.audience !== null) checkAudience(payload.aud as string | readonly string[] | undefined, options.audience, realm);

  const exp = payload.exp as number;
  if (exp <= nowSeconds - clockTolerance) throw new AuthError('token_expired', { realm });
  const nbf = payload.nbf as number | undefined;
  if (nbf !== undefined && nbf > nowSeconds + clockTolerance) throw new AuthError('token_not_yet_valid', { realm });
  const iat = payload.iat as number | undefined;
  // A token from the future is a clock or forgery problem, whatever maxTokenAge says.
  if (iat !== undefined && iat > nowSeconds + clockTolerance) throw new AuthError('token_issued_in_future', { realm });
  if (options.maxTokenAge !== undefined && nowSeconds - (iat as number) - clockTolerance > options.maxTokenAge) {
    throw new AuthError('token_too_old', { realm });
  }
  if (options.claimRules !== undefined) checkClaimRules(options.claimRules, payload, realm);
}

function matchesAnyTemplate(options: NormalizedOptions, iss: string, payload: Readonly<Record<string, unknown>>): boolean {
  for (const template of options.issuerTemplates) if (matchesIssuerTemplate(template, iss, payload)) return true;
  return false;
}

function checkAudience(aud: string | readonly string[] | undefined, accepted: readonly string[], realm: string): void {
  if (aud === undefined) throw new AuthError('claim_missing', { realm, detail: 'aud' });
  const named = typeof aud === 'string' ? [aud] : aud;
  if (!named.some((audience) => accepted.includes(audience))) throw new AuthError('audience_mismatch', { realm });
}
