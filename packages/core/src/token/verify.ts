import type { Algorithm } from '../keys/algorithms.js';
import { checkClaims } from './claims.js';
import { AuthError } from '../errors.js';
import type { KeySource, VerificationKey } from '../keys/key-source.js';
import type { NormalizedOptions } from '../options.js';
import { canonicalTyp } from './typ.js';
import { verifySignature, verifySignatureInPool } from './signature.js';
import { decodeToken, type DecodedToken, type KnownHeaders } from './decode.js';
import { checkHeaderRules } from './header-rules.js';
import type { InternTables } from '../cache/intern.js';
import { identityOf } from './identity.js';
import { matchesKeyIssuer } from './issuer-template.js';
import type { Identity } from '../identity.js';

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
  /** Shared frozen lists for identities (see cache/intern.ts). */
  interned: InternTables;
  /** Headers of tokens verified before, by segment (`interned.headers`, read without adding). */
  knownHeaders: KnownHeaders;
  /** The key source for a token's `iss` (an issuer template reads the payload), or undefined when not trusted. */
  sourceFor(issuer: string | undefined, payload: Readonly<Record<string, unknown>>): KeySource | undefined;
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
  checkHeaderRules(header, options.headerRules, realm);
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

async function lookUpKey(source: KeySource, kid: string | undefined, alg: Algorithm, realm: string): Promise<VerificationKey> {
  try {
    return await source.getKey(kid, alg);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError('key_source_unavailable', { realm, detail: 'key lookup failed', cause: error });
  }
}

/**
 * The verification pipeline: shape → header rules → issuer allowlist (no network for strangers) → key lookup bound
 * to alg → signature → claim rules → Identity. Fails with an `AuthError` and nothing else: thrown when the answer is
 * synchronous, as a rejection when the key had to be fetched.
 * Synchronous whenever the key is already held (nearly always): no promise, no microtask, on the common path.
 */
export function verifyAccessToken<C extends object>(
  token: string,
  context: TokenVerifierContext,
  observed: ObservedToken,
): VerifiedToken<C> | Promise<VerifiedToken<C>> {
  const { options } = context;
  const realm = options.realm;
  const decoded = decodeToken(token, options.maxTokenLength, realm, options.headerRules.paddedSegments, context.knownHeaders);
  const { header, payload } = decoded;
  observed.kid = clip(header.kid);
  observed.iss = clip(payload.iss);
  const { alg, kid } = checkHeader(header, options);
  if (!decoded.signed) throw new AuthError('signature_invalid', { realm, detail: 'no signature' });
  checkClaimTypes(payload, realm);

  const issuer = payload.iss as string | undefined;
  // With `issuer: null` a token may name none (JWT-SVIDs need no iss): the one configured key source decides.
  if (issuer === undefined && options.issuerAllowlist !== null) throw new AuthError('claim_missing', { realm, detail: 'iss' });
  const source = context.sourceFor(issuer, payload);
  if (source === undefined) throw new AuthError('issuer_not_allowed', { realm, detail: 'iss is not configured' });

  // The key comes only from the configured source of the claimed (and allowed) issuer, by kid and the allowed alg.
  // The header's `jwk`, `jku`, `x5u` and `x5c` are attacker-controlled, so they are never read, let alone fetched.
  const key = source.keyNow(kid, alg);
  if (key !== undefined) return checkSigned<C>(decoded, alg, kid, key, context);
  return lookUpKey(source, kid, alg, realm).then((fetched) => checkSigned<C>(decoded, alg, kid, fetched, context));
}

/** Signature before claims: nothing an unverified payload says decides more than "refused". */
function checkSigned<C extends object>(
  decoded: DecodedToken,
  alg: Algorithm,
  kid: string | undefined,
  key: VerificationKey,
  context: TokenVerifierContext,
): VerifiedToken<C> | Promise<VerifiedToken<C>> {
  const { signingInput, signature } = decoded;
  const realm = context.options.realm;
  if (context.options.verifyInThreadPool) {
    return verifySignatureInPool(alg, key.key, signingInput, signature).then((valid) => {
      if (!valid) throw new AuthError('signature_invalid', { realm });
      return acceptClaims<C>(decoded, alg, kid, key, context);
    });
  }
  if (!verifySignature(alg, key.key, signingInput, signature)) throw new AuthError('signature_invalid', { realm });
  return acceptClaims<C>(decoded, alg, kid, key, context);
}

/** After the signature: the claim rules, then the identity handed to the application. */
function acceptClaims<C extends object>(
  decoded: DecodedToken,
  alg: Algorithm,
  kid: string | undefined,
  key: VerificationKey,
  context: TokenVerifierContext,
): VerifiedToken<C> {
  const { payload } = decoded;
  // A key that names its issuer (Entra: `{tenantid}` filled from `tid`) vouches for that issuer's tokens only.
  if (key.issuer !== undefined && !matchesKeyIssuer(key.issuer, payload.iss, payload)) {
    throw new AuthError('issuer_not_allowed', { realm: context.options.realm, detail: 'iss does not match the issuer of its key' });
  }
  checkClaims(payload, context.options, Math.floor(context.now() / 1000));
  return identityOf<C>(decoded, alg, kid, key, context);
}
