import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { hasRocaFingerprint } from './roca.js';
import { isSupportedAlgorithm, KEY_REQUIREMENTS, MIN_RSA_MODULUS_BITS, type Algorithm } from './algorithms.js';

/** A JWK that passed every check and may verify signatures. Holds public members only. */
export interface UsableJwk {
  readonly kid: string | undefined;
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly crv: string | undefined;
  /** The JWK's own `alg`, if it names one: then it verifies with that algorithm only. */
  readonly alg: string | undefined;
  /** Public members only, ready for import. */
  readonly jwk: JWK;
  /** The JWK's `issuer` member (Entra ID publishes one, with `{tenantid}`), if any. */
  readonly issuer: string | undefined;
  /** kid + RFC 7638-style digest of the key material: identifies this exact key. */
  readonly id: string;
}

export interface RejectedJwk {
  kid: string | undefined;
  why: string;
}

/** A response that is not a JWK Set at all (as opposed to a set with some unusable keys). */
export class KeySetFormatError extends Error {
  override readonly name = 'KeySetFormatError';
}

const MAX_RSA_MODULUS_BITS = 16_384;
const CURVE_COORDINATE_BYTES: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, Ed25519: 32, Ed448: 57 };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodeBase64url(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !BASE64URL.test(value) || value.length % 4 === 1) return undefined;
  return Buffer.from(value, 'base64url');
}

function bitLength(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i += 1;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}

/** Why this JWK cannot verify signatures, or undefined when it can. */
function unusableBecause(jwk: Record<string, unknown>, use: string): string | undefined {
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return 'kid is not a string';
  if (jwk.issuer !== undefined && (typeof jwk.issuer !== 'string' || jwk.issuer === '')) return 'issuer is not a non-empty string';
  // 'sig' also admits a key without `use`; any other use (a SPIFFE bundle's 'jwt-svid') must be named by the key.
  if (use === 'sig' ? jwk.use !== undefined && jwk.use !== 'sig' : jwk.use !== use)
    return `use is ${JSON.stringify(jwk.use)}, not ${JSON.stringify(use)}`;
  if (jwk.key_ops !== undefined && (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify'))) {
    return 'key_ops does not include "verify"';
  }
  if (jwk.alg !== undefined && !isSupportedAlgorithm(jwk.alg)) return `alg ${JSON.stringify(jwk.alg)} is not a supported signature algorithm`;
  if (PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined)) return 'holds private or symmetric key material';
  switch (jwk.kty) {
    case 'RSA': {
      const n = decodeBase64url(jwk.n);
      const e = decodeBase64url(jwk.e);
      if (n === undefined || e === undefined) return 'RSA key lacks a valid n or e';
      const bits = bitLength(n);
      if (bits < MIN_RSA_MODULUS_BITS) return `RSA modulus is ${bits} bits; at least ${MIN_RSA_MODULUS_BITS} required`;
      if (bits > MAX_RSA_MODULUS_BITS) return `RSA modulus is ${bits} bits; at most ${MAX_RSA_MODULUS_BITS} accepted`;
      // e = 1 makes every "signature" its own message; even exponents are not RSA. Real keys use 65537.
      const exponentBits = bitLength(e);
      if (exponentBits < 2 || exponentBits > 32 || ((e[e.length - 1] as number) & 1) === 0) return 'RSA exponent is not an odd number from 3 to 2^32';
      if (hasRocaFingerprint(n)) return 'RSA modulus has the ROCA fingerprint (CVE-2017-15361): the key can be factored';
      return undefined;
    }
    case 'EC':
    case 'OKP': {
      const crv = jwk.crv;
      const size = typeof crv === 'string' ? CURVE_COORDINATE_BYTES[crv] : undefined;
      const ecCurve = crv === 'P-256' || crv === 'P-384' || crv === 'P-521';
      if (size === undefined || ecCurve !== (jwk.kty === 'EC')) return `curve ${JSON.stringify(crv)} is not supported for ${jwk.kty}`;
      if (decodeBase64url(jwk.x)?.length !== size) return 'x coordinate has the wrong length';
      if (jwk.kty === 'EC' && decodeBase64url(jwk.y)?.length !== size) return 'y coordinate has the wrong length';
      return undefined;
    }
    case 'oct':
      return 'symmetric keys are never used with a JWKS';
    default:
      return `kty ${JSON.stringify(jwk.kty)} is not supported`;
  }
}

function publicMembers(jwk: Record<string, unknown>): JWK {
  switch (jwk.kty) {
    case 'RSA':
      return { kty: 'RSA', n: jwk.n as string, e: jwk.e as string };
    case 'EC':
      return { kty: 'EC', crv: jwk.crv as string, x: jwk.x as string, y: jwk.y as string };
    default:
      return { kty: 'OKP', crv: jwk.crv as string, x: jwk.x as string };
  }
}

function keyId(kid: string | undefined, publicJwk: JWK, issuer: unknown): string {
  // Members in RFC 7638 order, so the same key always gets the same id; a changed `issuer` makes it another key.
  const digest = createHash('sha256')
    .update(JSON.stringify(publicJwk))
    .update(typeof issuer === 'string' ? `\n${issuer}` : '')
    .digest('base64url');
  return `${kid ?? ''}#${digest}`;
}

/**
 * Splits a JWK Set into keys that may verify signatures and keys refused (with why). Throws `KeySetFormatError` if
 * the document is not a JWK Set at all. Never throws for a single bad key: one broken key must not take down the rest.
 * `use` is the JWK `use` a key must have (`'sig'`, the default, also takes keys without one).
 */
export function selectUsableKeys(document: unknown, use = 'sig'): { usable: UsableJwk[]; rejected: RejectedJwk[] } {
  if (document === null || typeof document !== 'object' || !Array.isArray((document as { keys?: unknown }).keys)) {
    throw new KeySetFormatError('not a JWK Set: expected an object with a "keys" array');
  }
  const usable: UsableJwk[] = [];
  const rejected: RejectedJwk[] = [];
  for (const entry of (document as { keys: unknown[] }).keys) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      rejected.push({ kid: undefined, why: 'not a JSON object' });
      continue;
    }
    const jwk = entry as Record<string, unknown>;
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    const why = unusableBecause(jwk, use);
    if (why !== undefined) {
      rejected.push({ kid, why });
      continue;
    }
    const publicJwk = publicMembers(jwk);
    usable.push({
      kid,
      kty: jwk.kty as UsableJwk['kty'],
      crv: typeof jwk.crv === 'string' ? jwk.crv : undefined,
      alg: typeof jwk.alg === 'string' ? jwk.alg : undefined,
      jwk: publicJwk,
      issuer: typeof jwk.issuer === 'string' ? jwk.issuer : undefined,
      id: keyId(kid, publicJwk, jwk.issuer),
    });
  }
  return { usable, rejected };
}

/** The algorithm ↔ key binding: kty, curve and (when the JWK names one) the JWK's own `alg`. */
export function keyFitsAlgorithm(key: UsableJwk, alg: Algorithm): boolean {
  if (!isSupportedAlgorithm(alg)) return false; // HMAC: never a key from a set
  const requirement = KEY_REQUIREMENTS[alg];
  if (requirement.kty !== key.kty) return false;
  if (requirement.crv !== undefined && (key.crv === undefined || !requirement.crv.includes(key.crv))) return false;
  if (key.alg === undefined || key.alg === alg) return true;
  // RFC 9864: "Ed25519" is the fully-specified name of EdDSA over Ed25519.
  return key.crv === 'Ed25519' && (key.alg === 'EdDSA' || key.alg === 'Ed25519') && (alg === 'EdDSA' || alg === 'Ed25519');
}
