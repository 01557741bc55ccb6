import { errors as joseErrors, jwtVerify, type JWTVerifyOptions } from 'jose';
import type { Algorithm } from './algorithms.js';
import { AuthError, type AuthErrorReason } from './errors.js';
import type { Identity, RegisteredClaims } from './identity.js';
import type { KeySource, VerificationKey } from './key-source.js';
import { canonicalTyp, type NormalizedOptions } from './options.js';
import { readScopes } from './scopes.js';
import { decodeToken } from './token.js';

/** What a verification produced, for the caller's cache: the identity and the key that vouched for it. */
export interface VerifiedToken<C extends object> {
  identity: Identity<C>;
  keyId: string;
}

/** What the token said about itself, filled in as the pipeline learns it: for the rejection log line only. */
export interface ObservedToken {
  kid?: string | undefined;
  iss?: string | undefined;
}

/** Keeps attacker-chosen values short in debug logs (`iss` and `kid` are unverified until the signature checks). */
function clip(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, 128) : undefined;
}

export interface TokenVerifierContext {
  options: NormalizedOptions;
  /** The key source for a token's `iss`, or undefined when that issuer is not trusted. */
  sourceFor(issuer: string | undefined): KeySource | undefined;
  now(): number;
}

function checkHeader(header: Readonly<Record<string, unknown>>, options: NormalizedOptions): { alg: Algorithm; kid: string | undefined } {
  const realm = options.realm;
  const alg = header.alg;
  if (typeof alg !== 'string') throw new AuthError('malformed_token', { realm, detail: 'header alg is not a string' });
  if (!options.algorithms.has(alg as Algorithm)) {
    throw new AuthError('algorithm_not_allowed', { realm, detail: `alg ${JSON.stringify(alg.slice(0, 32))} is not configured` });
  }
  // RFC 7515 §4.1.11: a recipient must refuse a token whose crit names anything it does not implement: here, anything.
  if (header.crit !== undefined) throw new AuthError('unsupported_header', { realm, detail: 'crit is present' });
  if (header.b64 !== undefined) throw new AuthError('unsupported_header', { realm, detail: 'b64 is present' });
  if (header.enc !== undefined || header.zip !== undefined) throw new AuthError('unsupported_header', { realm, detail: 'JWE header parameters' });
  const kid = header.kid;
  if (kid !== undefined && typeof kid !== 'string') throw new AuthError('malformed_token', { realm, detail: 'kid is not a string' });
  if (options.typ !== undefined) {
    const typ = header.typ;
    if (typeof typ !== 'string' || !options.typ.has(canonicalTyp(typ))) throw new AuthError('type_not_allowed', { realm });
  }
  return { alg: alg as Algorithm, kid };
}

function checkClaimTypes(payload: Readonly<Record<string, unknown>>, realm: string): void {
  const invalid = (claim: string): never => {
    throw new AuthError('claim_invalid', { realm, detail: `${claim} has the wrong type` });
  };
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) invalid(claim);
  }
  for (const claim of ['iss', 'sub', 'jti', 'scope', 'client_id'] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') invalid(claim);
  }
  const aud = payload.aud;
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((item) => typeof item === 'string'))) invalid('aud');
  const scp = payload.scp;
  if (scp !== undefined && typeof scp !== 'string' && !(Array.isArray(scp) && scp.every((item) => typeof item === 'string'))) invalid('scp');
}

/** Maps whatever jose (or WebCrypto under it) threw to a stable reason; the original goes to the log only. */
function reasonForJoseError(error: unknown): AuthErrorReason {
  if (error instanceof joseErrors.JWTExpired) return error.claim === 'iat' ? 'token_too_old' : 'token_expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'claim_missing';
    if (error.claim === 'nbf') return 'token_not_yet_valid';
    if (error.claim === 'iat') return 'token_issued_in_future';
    if (error.claim === 'iss') return 'issuer_not_allowed';
    if (error.claim === 'aud') return 'audience_mismatch';
    if (error.claim === 'typ') return 'type_not_allowed';
    return 'claim_invalid';
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (error instanceof joseErrors.JOSENotSupported) return 'unsupported_header';
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return 'malformed_token';
  // JWSSignatureVerificationFailed, and TypeError/DOMException from WebCrypto for keys or signatures it cannot use.
  return 'signature_invalid';
}

function safeErrorName(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) return error.code;
  return error instanceof Error ? error.name : typeof error;
}

/** Builds jose's claim options once per issuer source, not per request. */
export function joseVerifyOptions(options: NormalizedOptions): Omit<JWTVerifyOptions, 'algorithms' | 'currentDate'> {
  return {
    ...(options.issuerAllowlist === null ? {} : { issuer: [...options.issuerAllowlist] }),
    ...(options.audience === null ? {} : { audience: [...options.audience] }),
    clockTolerance: options.clockTolerance,
    ...(options.maxTokenAge === undefined ? {} : { maxTokenAge: options.maxTokenAge }),
    requiredClaims: [...options.requiredClaims, 'iss'],
  };
}

/**
 * The verification pipeline: shape → header rules → issuer allowlist (no network for strangers) → key lookup bound
 * to alg → jose signature and claim checks → claim types → Identity. Rejects with an `AuthError` and nothing else.
 */
export async function verifyAccessToken<C extends object>(
  token: string,
  context: TokenVerifierContext,
  claimOptions: Omit<JWTVerifyOptions, 'algorithms' | 'currentDate'>,
  observed: ObservedToken,
): Promise<VerifiedToken<C>> {
  const { options } = context;
  const realm = options.realm;
  const { header, payload, signed } = decodeToken(token, options.maxTokenLength, realm);
  observed.kid = clip(header.kid);
  observed.iss = clip(payload.iss);
  const { alg, kid } = checkHeader(header, options);
  if (!signed) throw new AuthError('signature_invalid', { realm, detail: 'no signature' });
  checkClaimTypes(payload, realm);

  const issuer = payload.iss as string | undefined;
  if (issuer === undefined) throw new AuthError('claim_missing', { realm, detail: 'iss' });
  const source = context.sourceFor(issuer);
  if (source === undefined) throw new AuthError('issuer_not_allowed', { realm, detail: 'iss is not configured' });

  // The key comes only from the configured source of the claimed (and allowed) issuer, by kid and the allowed alg.
  // The header's `jwk`, `jku`, `x5u` and `x5c` are attacker-controlled, so they are never read, let alone fetched.
  let key: VerificationKey;
  try {
    key = await source.getKey(kid, alg);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError('key_source_unavailable', { realm, detail: 'key lookup failed', cause: error });
  }
  const nowSeconds = Math.floor(context.now() / 1000);
  let claims: RegisteredClaims;
  try {
    const result = await jwtVerify(token, key.key, { ...claimOptions, algorithms: [alg], currentDate: new Date(nowSeconds * 1000) });
    claims = result.payload as RegisteredClaims;
  } catch (error) {
    throw new AuthError(reasonForJoseError(error), { realm, detail: safeErrorName(error) });
  }
  // jose leaves a future iat alone unless maxTokenAge is set; a token from the future is a clock or forgery problem.
  if (claims.iat !== undefined && claims.iat > nowSeconds + options.clockTolerance) {
    throw new AuthError('token_issued_in_future', { realm });
  }
  const aud = claims.aud;
  const identity: Identity<C> = Object.freeze({
    subject: claims.sub,
    issuer: claims.iss,
    audience: Object.freeze(aud === undefined ? [] : typeof aud === 'string' ? [aud] : [...aud]),
    scopes: readScopes(claims, options.scopeClaims),
    claims: Object.freeze(claims) as Identity<C>['claims'],
    expiresAt: new Date(claims.exp * 1000),
    kid,
    alg,
  });
  return { identity, keyId: key.id };
}
