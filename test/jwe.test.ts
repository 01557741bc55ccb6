/**
 * Encrypted access tokens (issue #13): nested JWTs decrypted with the API's keys under a fixed algorithm policy, then
 * verified exactly as plain tokens. Each attack must be a 401 (never a 500), and every decryption failure must look
 * the same from outside.
 */
import { constants, createCipheriv, publicEncrypt, randomBytes, createPublicKey } from 'node:crypto';
import { AuthConfigError, AuthError, createVerifier, type Verifier, type VerifierOptions } from '@authgate/core';
import { createTestIssuer, encryptToken, generateEncryptionKey, type EncryptionKeyPair, type TestIssuer } from '@authgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const AUDIENCE = 'orders-api';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let issuer: TestIssuer;
let rsa: EncryptionKeyPair;
let ec: EncryptionKeyPair;
let stranger: EncryptionKeyPair;
const verifiers: Verifier[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  rsa = generateEncryptionKey('RSA', 'enc-rsa');
  ec = generateEncryptionKey('EC', 'enc-ec');
  // Same kid as the RSA key, another key: a JWE for someone else's key.
  stranger = generateEncryptionKey('RSA', 'enc-rsa');
});
afterAll(async () => {
  for (const verifier of verifiers) verifier.close();
  await issuer.close();
});

function verifierWith(decryption: VerifierOptions['decryption'] = { keys: [rsa.privateJwk, { kid: 'enc-ec', key: ec.privateKey }] }): Verifier {
  const verifier = createVerifier({
    issuer: issuer.url,
    jwksUri: issuer.jwksUri,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    logger: silent,
    decryption,
  });
  verifiers.push(verifier);
  return verifier;
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => new Error('accepted'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A real RSA1_5 / A128GCM JWE built by hand (jose no longer produces RSA1_5): the key is right, only the alg is banned. */
function rsa15Token(plaintext: string): string {
  const header = b64({ alg: 'RSA1_5', enc: 'A128GCM', kid: 'enc-rsa', cty: 'JWT' });
  const cek = randomBytes(16);
  const iv = randomBytes(12);
  const encryptedKey = publicEncrypt(
    { key: createPublicKey({ key: rsa.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' }), padding: constants.RSA_PKCS1_PADDING },
    cek,
  );
  const cipher = createCipheriv('aes-128-gcm', cek, iv).setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    header,
    encryptedKey.toString('base64url'),
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

describe('encrypted access tokens', () => {
  it('accepts a nested JWT encrypted with RSA-OAEP-256 (JWK key) and with ECDH-ES (KeyObject key)', async () => {
    const verifier = verifierWith();
    const viaRsa = await issuer.signEncrypted({ sub: 'user-1', scope: 'orders:read' }, undefined, rsa.publicJwk);
    const identity = await verifier.verify(viaRsa);
    expect(identity).toMatchObject({ subject: 'user-1', source: 'jwt', alg: 'RS256', scopes: ['orders:read'] });
    // The token as presented (the JWE), never the decrypted inner JWT.
    expect(identity.token).toBe(viaRsa);
    const viaEc = await issuer.signEncrypted({ sub: 'user-2' }, undefined, ec.publicJwk, { alg: 'ECDH-ES+A128KW', enc: 'A128GCM', cty: 'at+jwt' });
    await expect(verifier.verify(viaEc)).resolves.toMatchObject({ subject: 'user-2' });
  });

  it('refuses a JWE with 401 token_encrypted when no decryption is configured', async () => {
    const verifier = createVerifier({ issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE, algorithms: ['RS256'], logger: silent });
    verifiers.push(verifier);
    const error = await refusal(verifier.verify(await issuer.signEncrypted({}, undefined, rsa.publicJwk)));
    expect(error).toMatchObject({ reason: 'token_encrypted', status: 401 });
  });

  it('accepts dir and PBES2 only when listed', async () => {
    const secret = randomBytes(32);
    const octJwk = { kty: 'oct', k: secret.toString('base64url'), kid: 'enc-dir' };
    const dirToken = await encryptToken(await issuer.sign({ sub: 'user-3' }), secret, { alg: 'dir', enc: 'A256GCM', kid: 'enc-dir' });
    expect((await refusal(verifierWith({ keys: [octJwk] }).verify(dirToken))).reason).toBe('token_undecryptable');
    await expect(verifierWith({ keys: [octJwk], keyManagementAlgorithms: ['dir'] }).verify(dirToken)).resolves.toMatchObject({ subject: 'user-3' });
    const pbes2 = await encryptToken(await issuer.sign({ sub: 'user-4' }), new TextEncoder().encode('password'), {
      alg: 'PBES2-HS256+A128KW',
      enc: 'A256GCM',
      kid: 'enc-dir',
    });
    expect((await refusal(verifierWith({ keys: [octJwk] }).verify(pbes2))).reason).toBe('token_undecryptable');
  });

  it('refuses RSA1_5 in configuration', () => {
    expect(() =>
      createVerifier({
        issuer: issuer.url,
        jwksUri: issuer.jwksUri,
        audience: AUDIENCE,
        algorithms: ['RS256'],
        decryption: { keys: [rsa.privateJwk], keyManagementAlgorithms: ['RSA1_5'] },
      }),
    ).toThrow(AuthConfigError);
  });

  it('caps the size before decrypting', async () => {
    const big = await issuer.signEncrypted({ padding: 'x'.repeat(9000) }, undefined, rsa.publicJwk);
    expect((await refusal(verifierWith().verify(big))).reason).toBe('token_too_long');
  });
});

describe('JWE attacks: each 401, none 500, decryption failures indistinguishable', () => {
  const attacks: Array<[string, () => Promise<string>, string?]> = [
    ['zip: DEF', async () => encryptToken(await issuer.sign({ sub: 'bomb' }), rsa.publicJwk, { zip: true })],
    ['RSA1_5', async () => rsa15Token(await issuer.sign({ sub: 'oracle' }))],
    [
      'PBES2 not listed',
      async () => encryptToken(await issuer.sign({}), new TextEncoder().encode('pw'), { alg: 'PBES2-HS512+A256KW', kid: 'enc-rsa' }),
    ],
    ['dir not listed', async () => encryptToken(await issuer.sign({}), randomBytes(32), { alg: 'dir', kid: 'enc-rsa' })],
    ['A128KW not listed', async () => encryptToken(await issuer.sign({}), randomBytes(16), { alg: 'A128KW', kid: 'enc-rsa' })],
    ['A128CBC-HS256 not listed', async () => encryptToken(await issuer.sign({}), rsa.publicJwk, { enc: 'A128CBC-HS256' })],
    ['a JWE for another key', async () => encryptToken(await issuer.sign({}), stranger.publicJwk)],
    ['an unknown kid', async () => encryptToken(await issuer.sign({}), rsa.publicJwk, { kid: 'nobody' })],
    ['a truncated tag', async () => (await encryptToken(await issuer.sign({}), rsa.publicJwk)).slice(0, -4)],
    [
      'a flipped ciphertext bit',
      async () => {
        const parts = (await encryptToken(await issuer.sign({}), rsa.publicJwk)).split('.');
        const ciphertext = Buffer.from(parts[3] as string, 'base64url');
        ciphertext[0] = (ciphertext[0] as number) ^ 1;
        parts[3] = ciphertext.toString('base64url');
        return parts.join('.');
      },
    ],
    ['crit in the JWE header', async () => encryptToken(await issuer.sign({}), rsa.publicJwk, { header: { crit: ['exp'], exp: 1 } })],
    ['cty that is not a JWT', async () => encryptToken(await issuer.sign({}), rsa.publicJwk, { cty: 'json' })],
    [
      'a plaintext that is a claims set, not a JWS',
      async () => encryptToken(JSON.stringify({ iss: issuer.url, aud: AUDIENCE, sub: 'x', exp: 9e9 }), rsa.publicJwk),
    ],
    [
      'an unsigned (alg: none) inner token',
      async () => encryptToken(await issuer.bad.algNone({ sub: 'admin' }), rsa.publicJwk),
      'algorithm_not_allowed',
    ],
    [
      'an inner token without a signature',
      async () => encryptToken((await issuer.sign({ sub: 'admin' })).replace(/\.[^.]+$/, '.'), rsa.publicJwk),
      'signature_invalid',
    ],
    [
      'an inner token with a bad signature',
      async () => encryptToken(await issuer.bad.tampered({}, {}, { sub: 'admin' }), rsa.publicJwk),
      'signature_invalid',
    ],
    ['an inner token from an unknown key', async () => encryptToken(await issuer.bad.unknownKid({}), rsa.publicJwk), 'unknown_key'],
    ['an expired inner token', async () => encryptToken(await issuer.bad.expired({}), rsa.publicJwk), 'token_expired'],
    ['an inner token for another API', async () => encryptToken(await issuer.bad.wrongAudience({}), rsa.publicJwk), 'audience_mismatch'],
  ];
  for (const [name, build, reason] of attacks) {
    it(name, async () => {
      const error = await refusal(verifierWith().verify(await build()));
      expect(error.status).toBe(401);
      expect(error.reason).toBe(reason ?? 'token_undecryptable');
      if (reason === undefined) {
        expect(error.description).toBe('The access token cannot be decrypted');
        expect(error.wwwAuthenticate).toBe('Bearer realm="api", error="invalid_token", error_description="The access token cannot be decrypted"');
      }
    });
  }
});
