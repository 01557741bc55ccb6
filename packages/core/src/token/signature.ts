import { constants, verify, type KeyObject, type VerifyKeyObjectInput, type VerifyPublicKeyInput } from 'node:crypto';
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
};

/** The key argument node:crypto's verify takes for this scheme. */
function keyFor(scheme: SignatureScheme, key: KeyObject): KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput {
  if (scheme.ecdsaLength !== undefined) return { key, dsaEncoding: 'ieee-p1363' };
  if (scheme.padding !== undefined) return { key, padding: scheme.padding, saltLength: scheme.saltLength };
  return key;
}

/** Refused before any crypto: no signature, or an ECDSA signature of the wrong length (never DER). */
function malformed(scheme: SignatureScheme, signature: Buffer): boolean {
  return signature.length === 0 || (scheme.ecdsaLength !== undefined && signature.length !== scheme.ecdsaLength);
}

/** True only for a valid signature by `key` over `signingInput` under `alg`. Never throws. */
export function verifySignature(alg: Algorithm, key: KeyObject, signingInput: Buffer, signature: Buffer): boolean {
  const scheme = SCHEMES[alg];
  if (malformed(scheme, signature)) return false;
  try {
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
  return new Promise((resolve) => {
    try {
      verify(scheme.digest, signingInput, keyFor(scheme, key), signature, (error, valid) => resolve(error === null && valid));
    } catch {
      resolve(false);
    }
  });
}
