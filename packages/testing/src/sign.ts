import { randomUUID } from 'node:crypto';
import { CompactSign, type CryptoKey } from 'jose';
import type { KeyStore, SigningKey } from './keys.js';
import { durationSeconds, epochSeconds, nowSeconds } from './time.js';
import type { SignOptions, TokenClaims } from './types.js';

/** What signing needs to know about the issuer. */
export interface SignContext {
  readonly issuerUrl: string;
  readonly defaultAudience: string | readonly string[] | undefined;
  readonly keys: KeyStore;
}

/** A token before its signature: bad-token builders change a part and sign (or not) themselves. */
export interface TokenParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  key: SigningKey;
}

const DEFAULT_LIFETIME_SECONDS = 300;
const DEFAULT_TYP = 'at+jwt';
// Header fields with their own option: one way to set each keeps a typo from silently signing something else.
const RESERVED_HEADER_FIELDS = { alg: 'algorithm', kid: 'kid', typ: 'typ' } as const;

function resolveAudience(context: SignContext, claims: TokenClaims, options: SignOptions): unknown {
  if (options.audience !== undefined) return options.audience === null ? undefined : copyAudience(options.audience);
  if (claims.aud !== undefined) return claims.aud;
  if (context.defaultAudience !== undefined) return copyAudience(context.defaultAudience);
  // A token without aud is accepted by any API of the issuer: tests should ask for that explicitly, never get it by accident.
  throw new Error(
    "@authgate/testing: the token needs an audience: pass { audience: 'my-api' }, set defaultAudience on createTestIssuer, " +
      'or pass { audience: null } for a token without aud on purpose',
  );
}

function copyAudience(audience: string | readonly string[]): string | string[] {
  return typeof audience === 'string' ? audience : [...audience];
}

/** Defaults < `claims` < options: the more specific the source, the more it wins. */
export function buildPayload(context: SignContext, claims: TokenClaims = {}, options: SignOptions = {}): Record<string, unknown> {
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new TypeError('@authgate/testing: claims must be an object');
  const now = nowSeconds();
  const iat = options.issuedAt !== undefined ? epochSeconds(options.issuedAt, now, 'issuedAt') : typeof claims.iat === 'number' ? claims.iat : now;
  // Claims may hold values of the wrong type on purpose (testing a verifier's claim checks): they are kept as given.
  const payload: Record<string, unknown> = { iss: context.issuerUrl, iat, jti: randomUUID(), ...claims };
  if (options.issuedAt !== undefined) payload.iat = iat;
  if (options.issuer !== undefined) payload.iss = options.issuer;
  if (options.subject !== undefined) payload.sub = options.subject;
  const aud = resolveAudience(context, claims, options);
  if (aud === undefined) delete payload.aud;
  else payload.aud = aud;
  if (options.expiresIn !== undefined) payload.exp = Math.floor(iat + durationSeconds(options.expiresIn, 'expiresIn'));
  else if (claims.exp === undefined) payload.exp = iat + DEFAULT_LIFETIME_SECONDS;
  if (options.noExp === true) delete payload.exp;
  if (options.notBefore !== undefined) payload.nbf = epochSeconds(options.notBefore, now, 'notBefore');
  return payload;
}

export function buildHeader(alg: string, defaultKid: string, options: SignOptions = {}): Record<string, unknown> {
  const extra = options.header ?? {};
  for (const [field, option] of Object.entries(RESERVED_HEADER_FIELDS)) {
    if (Object.hasOwn(extra, field))
      throw new TypeError(`@authgate/testing: set the header's ${field} with the ${option} option, not header.${field}`);
  }
  const header: Record<string, unknown> = { ...extra, alg };
  const kid = options.kid === undefined ? defaultKid : options.kid;
  if (kid !== null) header.kid = kid;
  const typ = options.typ === undefined ? DEFAULT_TYP : options.typ;
  if (typ !== null) header.typ = typ;
  return header;
}

export function tokenParts(context: SignContext, claims?: TokenClaims, options: SignOptions = {}): TokenParts {
  const key = context.keys.signingKey(options.algorithm);
  return { header: buildHeader(key.alg, key.kid, options), payload: buildPayload(context, claims, options), key };
}

export function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs exactly this header and payload. `key` is a private key, or HMAC secret bytes for the confusion attack. */
export async function signParts(header: Record<string, unknown>, payload: Record<string, unknown>, key: CryptoKey | Uint8Array): Promise<string> {
  const signer = new CompactSign(new TextEncoder().encode(JSON.stringify(payload)));
  signer.setProtectedHeader(header as { alg: string });
  // jose refuses to sign a `crit` it does not know; a test that wants one is testing the verifier's refusal.
  const crit = Array.isArray(header.crit) ? Object.fromEntries(header.crit.map((name: unknown) => [String(name), true])) : undefined;
  return signer.sign(key, crit === undefined ? undefined : { crit });
}

export async function signToken(context: SignContext, claims?: TokenClaims, options?: SignOptions): Promise<string> {
  const { header, payload, key } = tokenParts(context, claims, options);
  return signParts(header, payload, key.privateKey);
}
