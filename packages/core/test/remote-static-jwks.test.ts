import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, AuthError } from '../src/errors.js';
import { StaticKeySource } from '../src/keys/static-jwks.js';
import { makeKey, recordingLogger, settle, type TestKey } from './remote-helpers.js';

let keyA: TestKey;
let keyB: TestKey;
beforeAll(async () => {
  [keyA, keyB] = await Promise.all([makeKey('static-a'), makeKey('static-b', 'RS256')]);
});

const weakRsa = () => ({ ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'weak' });
const options = { issuer: 'https://issuer.example', realm: 'api' };

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const { error } = await settle(promise);
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('StaticKeySource', () => {
  it('verifies with the configured keys, with no network', async () => {
    const source = new StaticKeySource({ keys: [keyA.jwk, keyB.jwk] }, options);
    await source.ready();
    const token = await keyB.sign({ sub: 'carol' });
    expect((await jwtVerify(token, (await source.getKey('static-b', 'RS256')).key)).payload.sub).toBe('carol');
    expect(source.health()).toEqual({ issuer: 'https://issuer.example', kind: 'static', keys: 2, stale: false, ok: true });
  });

  it('maps misses to the client errors', async () => {
    const source = new StaticKeySource({ keys: [keyA.jwk, keyB.jwk] }, options);
    expect(await rejection(source.getKey('nope', 'ES256'))).toMatchObject({ reason: 'unknown_key', status: 401 });
    expect(await rejection(source.getKey('static-a', 'RS256'))).toMatchObject({ reason: 'key_algorithm_mismatch', status: 401 });
    expect(await rejection(source.getKey(undefined, 'PS256'))).toMatchObject({ reason: 'unknown_key' }); // no kid, and no key fits PS256
  });

  it('refuses, at construction, something that is not a JWK Set', () => {
    expect(() => new StaticKeySource({ keys: 'x' }, options)).toThrow(AuthConfigError);
    expect(() => new StaticKeySource([keyA.jwk], options)).toThrow(
      'jwks for issuer "https://issuer.example" is not a JWK Set: expected an object with a "keys" array',
    );
  });

  it('refuses a set without usable keys and says why each key was refused', () => {
    expect(() => new StaticKeySource({ keys: [] }, options)).toThrow(/holds no usable signature key: the "keys" array is empty/);
    const attempt = () => new StaticKeySource({ keys: [weakRsa(), { kty: 'oct', k: 'c2VjcmV0' }] }, options);
    expect(attempt).toThrow(AuthConfigError);
    expect(attempt).toThrow(
      'jwks for issuer "https://issuer.example" holds no usable signature key: every key was refused (kid "weak": RSA modulus is 1024 bits; at least 2048 required; a key without kid: holds private or symmetric key material)',
    );
  });

  it('keeps the usable keys of a partly bad set and warns about the others', async () => {
    const logger = recordingLogger();
    const source = new StaticKeySource({ keys: [weakRsa(), keyA.jwk] }, { ...options, logger });
    expect((await source.getKey('static-a', 'ES256')).kid).toBe('static-a');
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        obj: { issuer: 'https://issuer.example', kid: 'weak', why: 'RSA modulus is 1024 bits; at least 2048 required' },
        msg: 'authgate: ignoring a key of the configured JWK Set',
      },
    ]);
  });
});
