import { constants, createHmac, timingSafeEqual, verify, type KeyObject, type VerifyKeyObjectInput, type VerifyPublicKeyInput } from 'node:crypto';
import type { Algorithm } from '../keys/algorithms.js';

/**
 * How node:crypto checks each JWS algorithm (RFC 7518 §3). Keys are imported and vetted by jose (see key-set.ts);
 * the signature check itself is node:crypto's synchronous `verify`, the same OpenSSL code WebCrypto runs, minus the
 * hand-off to libuv's thread pool that jose's WebCrypto path pays on every token (measured: 4x the throughput for
 * RS256 on one core). ECDSA signatures must be JOSE's raw r||s of exactly twice the curve size (never DER).
 */
interface SignatureScheme {
  digest: string | null;
  padding?: number;
  saltLength?: number;
  /** ECDSA: the exact raw signature length. */
  ecdsaLength?: number;
  /** HMAC: the MAC length (the hash output); compared in constant time. */
  macLength?: number;
}

const SCHEMES: Readonly<Record<Algorithm, SignatureScheme>> = {
  RS256: { digest: 'sha256', padding: constants.RSA_PKCS1_PADDING },
  RS384: { digest: 'sha384', padding: constants.RSA_PKCS1_PADDING },
  RS512: { digest: 'sha512', padding: constants.RSA_PKCS1_PADDING },
  // RFC 7518 §3.5: the salt is as long as the hash output.
  PS256: { digest: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  PS384: { digest: 'sha384', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 },
  PS512: { digest: 'sha512', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
  ES256: { digest: 'sha256', ecdsaLength: 64 },
  ES384: { digest: 'sha384', ecdsaLength: 96 },
  ES512: { digest: 'sha512', ecdsaLength: 132 },
  EdDSA: { digest: null },
  Ed25519: { digest: null },
  HS256: { digest: 'sha256', macLength: 32 },
  HS384: { digest: 'sha384', macLength: 48 },
  HS512: { digest: 'sha512', macLength: 64 },
};

/** The key argument node:crypto's verify takes for this scheme. */
function keyFor(scheme: SignatureScheme, key: KeyObject): KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput {
  if (scheme.ecdsaLength !== undefined) return { key, dsaEncoding: 'ieee-p1363' };
  if (scheme.padding !== undefined) return { key, padding: scheme.padding, saltLength: scheme.saltLength };
  return key;
}

/** Refused before any crypto: no signature, or an ECDSA signature or MAC of the wrong length (never DER). */
function malformed(scheme: SignatureScheme, signature: Buffer): boolean {
  const exact = scheme.ecdsaLength ?? scheme.macLength;
  return signature.length === 0 || (exact !== undefined && signature.length !== exact);
}

/** HMAC (RFC 7518 §3.2): recompute with the shared secret, compare in constant time. */
function macMatches(digest: string, key: KeyObject, signingInput: Buffer, signature: Buffer): boolean {
  return timingSafeEqual(createHmac(digest, key).update(signingInput).digest(), signature);
}

/** True only for a valid signature by `key` over `signingInput` under `alg`. Never throws. */
export function verifySignature(alg: Algorithm, key: KeyObject, signingInput: Buffer, signature: Buffer): boolean {
  const scheme = SCHEMES[alg];
  if (malformed(scheme, signature)) return false;
  try {
    // A MAC only ever with a secret key (a public key is public: algorithm confusion).
    if (scheme.macLength !== undefined) return key.type === 'secret' && macMatches(scheme.digest as string, key, signingInput, signature);
    return verify(scheme.digest, signingInput, keyFor(scheme, key), signature);
  } catch {
    // OpenSSL refuses some malformed inputs by throwing rather than answering false: the same verdict.
    return false;
  }
}

/** `verifySignature` on libuv's thread pool (see `verifyInThreadPool`). Resolves true or false; never rejects. */
export function verifySignatureInPool(alg: Algorithm, key: KeyObject, signingInput: Buffer, signature: Buffer): Promise<boolean> {
  const scheme = SCHEMES[alg];
  if (malformed(scheme, signature)) return Promise.resolve(false);
  // A MAC costs microseconds: no hand-off to the pool.
  if (scheme.macLength !== undefined) return Promise.resolve(verifySignature(alg, key, signingInput, signature));
  return new Promise((resolve) => {
    try {
      verify(scheme.digest, signingInput, keyFor(scheme, key), signature, (error, valid) => resolve(error === null && valid));
    } catch {
      resolve(false);
    }
  });
}
