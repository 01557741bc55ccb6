import { quoteHeaderValue, renderChallenge, type AuthErrorCode } from '../errors.js';

/** What a DPoP challenge (RFC 9449 §7.1) says, and which scheme the failed request used (it carries the error). */
export interface DpopChallenge {
  /** The proof algorithms accepted (`algs`). */
  readonly algs: readonly string[];
  /** Whether the Bearer scheme is accepted too (then both challenges are sent). */
  readonly bearer: boolean;
  /** The scheme the request used; the error attributes go on its challenge. */
  readonly scheme: 'bearer' | 'dpop' | undefined;
  /** A fresh server nonce, sent as `DPoP-Nonce` (RFC 9449 §8). */
  readonly nonce?: string | undefined;
}

/**
 * Bearer and DPoP challenges side by side (RFC 9449 §7.1): the error attributes go on the challenge of the scheme the
 * request used (DPoP's own codes always on DPoP's); the Bearer challenge is left out when only DPoP is accepted.
 */
export function renderChallenges(
  realm: string,
  code: AuthErrorCode | undefined,
  description: string,
  scopes: readonly string[],
  dpop: DpopChallenge,
): string {
  const dpopCode = code === 'invalid_dpop_proof' || code === 'use_dpop_nonce' || dpop.scheme === 'dpop';
  let challenge = `DPoP realm=${quoteHeaderValue(realm)}`;
  if (dpopCode && code !== undefined) {
    challenge += `, error=${quoteHeaderValue(code)}, error_description=${quoteHeaderValue(description)}`;
    if (scopes.length > 0) challenge += `, scope=${quoteHeaderValue(scopes.join(' '))}`;
  }
  challenge += `, algs=${quoteHeaderValue(dpop.algs.join(' '))}`;
  if (!dpop.bearer) return challenge;
  const bearer = renderChallenge(realm, dpopCode ? undefined : code, description, scopes);
  return dpopCode ? `${challenge}, ${bearer}` : `${bearer}, ${challenge}`;
}
