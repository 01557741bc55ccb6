import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { CompactEncrypt, type JWK } from 'jose';
import type { EncryptionKeyPair, EncryptOptions } from './types.js';

/**
 * JWE minting for tests of encrypted access tokens (nested JWTs: signed, then encrypted to the API's key), the way
 * oidc-provider and Curity issue them. Keys are the API's: the public one encrypts here, the private one goes into
 * the verifier's `decryption.keys`.
 */

function defaultAlg(key: JWK | KeyObject | Uint8Array): string {
  if (key instanceof Uint8Array) return 'dir';
  const kty = 'export' in key ? key.asymmetricKeyType : key.kty;
  return kty === 'rsa' || kty === 'RSA' ? 'RSA-OAEP-256' : 'ECDH-ES';
}

/** Encrypts `plaintext` (normally a signed JWT) to `key`: compact JWE, `cty: "JWT"` unless told otherwise. */
export async function encryptToken(plaintext: string, key: JWK | KeyObject | Uint8Array, options: EncryptOptions = {}): Promise<string> {
  const alg = options.alg ?? defaultAlg(key);
  const header: Record<string, unknown> = { ...options.header, alg, enc: options.enc ?? 'A256GCM' };
  const kid = options.kid === undefined ? (!(key instanceof Uint8Array) && !('export' in key) ? key.kid : undefined) : options.kid;
  if (kid !== undefined && kid !== null) header.kid = kid;
  const cty = options.cty === undefined ? 'JWT' : options.cty;
  if (cty !== null) header.cty = cty;
  if (options.zip === true) header.zip = 'DEF';
  const encrypter = new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader(header as { alg: string; enc: string });
  // A public JWK is imported for its alg (RSA-OAEP-256 and RSA-OAEP need different WebCrypto keys).
  // jose refuses to write a `crit` it does not know; a test that wants one is testing the verifier's refusal.
  const crit = Array.isArray(header.crit) ? Object.fromEntries(header.crit.map((name: unknown) => [String(name), true])) : undefined;
  return encrypter.encrypt(key as Parameters<CompactEncrypt['encrypt']>[0], crit === undefined ? undefined : { crit });
}

/**
 * A fresh encryption key pair for an API, as JWKs with `kid` and `use: "enc"`. RSA is 2048 bits; EC is P-256.
 * (Exported through PEM: Node 20 can stall exporting a just-generated KeyObject straight to a JWK.)
 */
export function generateEncryptionKey(type: 'RSA' | 'EC' = 'RSA', kid = `enc-${randomBytes(4).toString('hex')}`): EncryptionKeyPair {
  const pair = type === 'RSA' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const privateKey = createPrivateKey(privatePem);
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'enc' } as JWK;
  const publicJwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, use: 'enc' } as JWK;
  return { privateJwk, publicJwk, privateKey };
}
