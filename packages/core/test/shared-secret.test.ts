import { createHmac, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, createVerifier, type VerifierOptions } from '@authgate/core';
import { AUDIENCE, ISSUER, b64, makeKey, refusalReason as reason, sign, type TestKey } from './helpers/keys.js';

const SECRET = randomBytes(32).toString('base64url'); // 43 characters: 43 bytes as UTF-8
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let rsaKey: TestKey;

function hsVerifier(overrides: Partial<VerifierOptions> = {}) {
  return createVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret: SECRET, cache: false, logger: quiet, ...overrides });
}

async function hsToken(secret: string | Uint8Array, claims: Record<string, unknown> = {}, alg = 'HS256'): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'svc-a', iat: now, exp: now + 300, ...claims }).setProtectedHeader({ alg }).sign(key);
}

beforeAll(async () => {
  rsaKey = await makeKey('RS256');
});

describe('HS256/384/512 with a shared secret', () => {
  it('accepts a token MACed with the secret, and still checks iss, aud and exp', async () => {
    const verifier = hsVerifier();
    const identity = await verifier.verify(await hsToken(SECRET));
    expect(identity.subject).toBe('svc-a');
    expect(identity.alg).toBe('HS256');
    expect(await reason(verifier.verify(await hsToken(SECRET, { iss: 'https://other.example/' })))).toBe('issuer_not_allowed');
    expect(await reason(verifier.verify(await hsToken(SECRET, { aud: 'other-api' })))).toBe('audience_mismatch');
    expect(await reason(verifier.verify(await hsToken(SECRET, { exp: Math.floor(Date.now() / 1000) - 60 })))).toBe('token_expired');
  });

  it('refuses another secret, a truncated or empty MAC, and another payload under a good MAC', async () => {
    const verifier = hsVerifier();
    expect(await reason(verifier.verify(await hsToken(randomBytes(32).toString('base64url'))))).toBe('signature_invalid');
    expect(await reason(verifier.verify(await hsToken(`${SECRET}x`)))).toBe('signature_invalid');
    const good = await hsToken(SECRET);
    const [header, payload, mac] = good.split('.') as [string, string, string];
    expect(await reason(verifier.verify(`${header}.${payload}.${mac.slice(0, 40)}`))).toBe('signature_invalid');
    expect(await reason(verifier.verify(`${header}.${payload}.`))).toBe('signature_invalid');
    // A different payload under the old MAC.
    expect(await reason(verifier.verify(`${header}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: 4102444800 })}.${mac}`))).toBe(
      'signature_invalid',
    );
  });

  it('an RS256 token (or an HS384 one) on an HS256 verifier is refused by algorithm, before any key', async () => {
    const verifier = hsVerifier();
    expect(await reason(verifier.verify(await sign(rsaKey)))).toBe('algorithm_not_allowed');
    expect(await reason(verifier.verify(await hsToken(randomBytes(48), {}, 'HS384')))).toBe('algorithm_not_allowed');
    // An HS256 token MACed with the bytes of a public key is refused on a key-set verifier (algorithm confusion).
    const rsaVerifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      jwks: { keys: [rsaKey.publicJwk] },
      logger: quiet,
    });
    const pem = Buffer.from(JSON.stringify(rsaKey.publicJwk));
    expect(await reason(rsaVerifier.verify(await hsToken(pem, {}, 'HS256')))).toBe('algorithm_not_allowed');
  });

  it('HS384 and HS512 with long enough secrets; bytes and KeyObjects as secrets', async () => {
    const bytes = randomBytes(64);
    const verifier = hsVerifier({ algorithms: ['HS384', 'HS512'], secret: bytes });
    await expect(verifier.verify(await hsToken(bytes, {}, 'HS512'))).resolves.toBeDefined();
    await expect(verifier.verify(await hsToken(bytes, {}, 'HS384'))).resolves.toBeDefined();
    const keyObject = hsVerifier({ secret: createSecretKey(bytes) });
    await expect(keyObject.verify(await hsToken(bytes))).resolves.toBeDefined();
    // Signed by hand: the MAC over header.payload is all there is.
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: AUDIENCE, exp: 4102444800 })}`;
    const mac = createHmac('sha256', bytes).update(signingInput).digest('base64url');
    await expect(keyObject.verify(`${signingInput}.${mac}`)).resolves.toBeDefined();
  });

  it('serves a repeated token from the cache and tells two secrets apart', async () => {
    const verifier = hsVerifier({ cache: {} });
    const token = await hsToken(SECRET);
    for (let i = 0; i < 3; i += 1) await verifier.verify(token);
    expect(verifier.cached?.(token)?.subject).toBe('svc-a');
    expect(verifier.health()).toMatchObject({ ok: true, issuers: [{ kind: 'static', keys: 1 }] });
  });

  it('refuses at start-up: short secrets, secret with key sets, non-HS algorithms, HS without secret', () => {
    const configError = (overrides: Partial<VerifierOptions>): string => {
      try {
        hsVerifier(overrides);
      } catch (error) {
        expect(error).toBeInstanceOf(AuthConfigError);
        return (error as Error).message;
      }
      throw new Error('expected an AuthConfigError');
    };
    expect(configError({ secret: 'x'.repeat(31) })).toMatch(/31 bytes; HS256 needs at least 32/);
    expect(configError({ secret: randomBytes(47), algorithms: ['HS256', 'HS384'] })).toMatch(/HS384 needs at least 48/);
    expect(configError({ secret: randomBytes(63), algorithms: ['HS512'] })).toMatch(/HS512 needs at least 64/);
    expect(configError({ secret: createSecretKey(randomBytes(16)) })).toMatch(/16 bytes/);
    expect(configError({ secret: '' })).toMatch(/0 bytes/);
    expect(configError({ secret: generateKeyPairSync('ed25519').publicKey })).toMatch(/secret must be/);
    expect(configError({ secret: 42 as never })).toMatch(/secret must be/);
    expect(configError({ jwks: { keys: [rsaKey.publicJwk] } })).toMatch(/either secret .* or jwks/);
    expect(configError({ jwksUri: 'https://idp.example.com/jwks' })).toMatch(/either secret .* or jwks/);
    expect(configError({ issuer: [{ issuer: ISSUER, jwksUri: 'https://idp.example.com/jwks' }] })).toMatch(/no issuer has keys of its own/);
    expect(configError({ algorithms: ['HS256', 'RS256'] })).toMatch(/only HS256, HS384, HS512/);
    expect(configError({ algorithms: ['ES256'] })).toMatch(/only HS256/);
    expect(configError({ algorithms: ['none' as never] })).toMatch(/never accepted/);
    expect(configError({ secret: undefined })).toMatch(/HS256 without a secret/);
    expect(configError({ secret: undefined, jwks: { keys: [rsaKey.publicJwk] } })).toMatch(/algorithm confusion/);
  });

  it('one secret serves several issuers, and issuer templates need no key set with it', async () => {
    const verifier = hsVerifier({ issuer: ['https://a.example', 'https://svc.example/{tenant}'] });
    await expect(verifier.verify(await hsToken(SECRET, { iss: 'https://a.example' }))).resolves.toBeDefined();
    await expect(verifier.verify(await hsToken(SECRET, { iss: 'https://svc.example/t1', tenant: 't1' }))).resolves.toBeDefined();
    expect(await reason(verifier.verify(await hsToken(SECRET, { iss: 'https://svc.example/t1', tenant: 't2' })))).toBe('issuer_not_allowed');
    expect(verifier.health().issuers).toHaveLength(1);
  });
});
