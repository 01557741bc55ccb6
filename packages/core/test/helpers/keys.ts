import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { AuthError } from '@authgate/core';
import type { Algorithm } from '@authgate/core';

export interface TestKey {
  alg: Algorithm;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

let counter = 0;

export async function makeKey(alg: Algorithm, extra: Partial<JWK> = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg === 'Ed25519' ? 'EdDSA' : alg, { extractable: true });
  counter += 1;
  const kid = `${alg.toLowerCase()}-${counter}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig', ...extra };
  return { alg, kid, privateKey, publicJwk };
}

export const ISSUER = 'https://idp.example.com/';
export const AUDIENCE = 'orders-api';

export interface SignOptions {
  header?: Record<string, unknown>;
  kid?: string | null;
  alg?: string;
}

/** Signs claims with defaults that pass a verifier configured with ISSUER/AUDIENCE. */
export async function sign(key: TestKey, claims: JWTPayload = {}, options: SignOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: options.alg ?? key.alg, typ: 'at+jwt', ...(options.kid === null ? {} : { kid: options.kid ?? key.kid }), ...options.header };
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey);
}

/** Re-encodes a token's header or payload without re-signing (tampering). */
export function tamper(token: string, part: 'header' | 'payload', change: (value: Record<string, unknown>) => Record<string, unknown>): string {
  const parts = token.split('.');
  const index = part === 'header' ? 0 : 1;
  const decoded = JSON.parse(Buffer.from(parts[index] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
  parts[index] = Buffer.from(JSON.stringify(change(decoded))).toString('base64url');
  return parts.join('.');
}

export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** The reason a verification was refused with; fails the test unless it was refused with an AuthError. */
export async function refusalReason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(error)}`);
  return error.reason;
}
