import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthError, createRequestAuthenticator, createVerifier, type Identity, type Verifier } from '@authgate/core';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from './helpers/keys.js';
import { makeHot, reasonOf } from './helpers/outcome.js';

// The synchronous answer for a repeated token (verifier.cached and the request authenticator's fast path) must
// never answer differently from the full path: same spelling rules, same time rules, same refusals.
let key: TestKey;
beforeAll(async () => {
  key = await makeKey('ES256');
});

function newVerifier(): Verifier {
  return createVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks: { keys: [key.publicJwk] }, clockTolerance: 0 });
}

describe('verifier.cached', () => {
  it('answers synchronously only for a token verified and reused, with the same identity', async () => {
    const verifier = newVerifier();
    const token = await sign(key);
    expect(verifier.cached?.(token)).toBeUndefined();
    const identity = await makeHot(verifier, token);
    expect(verifier.cached?.(token)).toBe(identity);
    expect(verifier.cached?.(`${token} `)).toBeUndefined();
    expect(verifier.cached?.(await sign(key))).toBeUndefined();
  });

  it('stops answering once the token expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const verifier = newVerifier();
      const token = await sign(key, { exp: Math.floor(Date.now() / 1000) + 60 });
      await makeHot(verifier, token);
      vi.setSystemTime(Date.now() + 61_000);
      expect(verifier.cached?.(token)).toBeUndefined();
      expect(await reasonOf(verifier.verify(token))).toBe('token_expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('is off with the cache', async () => {
    const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks: { keys: [key.publicJwk] }, cache: false });
    const token = await sign(key);
    await makeHot(verifier, token);
    expect(verifier.cached?.(token)).toBeUndefined();
  });
});

describe('the request authenticator with a hot token', () => {
  it('returns the identity itself (no promise) for `Bearer <token>` spelled exactly so', async () => {
    const verifier = newVerifier();
    const token = await sign(key);
    const identity = await makeHot(verifier, token);
    const authenticate = createRequestAuthenticator(verifier);
    const result = authenticate({ headers: { authorization: `Bearer ${token}` }, rawHeaders: ['Authorization', `Bearer ${token}`] });
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toBe(identity);
    // Other legal spellings take the full path (the header parsed, the cache looked up by hash) to the same answer.
    for (const header of [`bearer ${token}`, `BEARER ${token}`, `Bearer ${token} `, ` Bearer ${token}`]) {
      expect(await authenticate({ headers: { authorization: header } })).toBe(identity);
    }
  });

  it('answers a token verified at once (key held) without a promise too, and a refusal always as a rejected promise', async () => {
    const verifier = newVerifier();
    await verifier.verify(await sign(key)); // the first token imports the key (asynchronously, once)
    const authenticate = createRequestAuthenticator(verifier);
    const fresh = authenticate({ headers: { authorization: `Bearer ${await sign(key)}` } });
    expect(fresh).not.toBeInstanceOf(Promise);
    expect(fresh).toMatchObject({ issuer: ISSUER });
    const refused = authenticate({ headers: { authorization: `Bearer ${await sign(key, { aud: 'someone-else' })}` } });
    expect(refused).toBeInstanceOf(Promise);
    expect(await reasonOf(refused)).toBe('audience_mismatch');
    // verify() itself keeps its contract: always a promise.
    expect(verifier.verify(await sign(key))).toBeInstanceOf(Promise);
  });

  it('still refuses what the full path refuses: two Authorization headers, an illegal spelling, a second location', async () => {
    const verifier = newVerifier();
    const token = await sign(key);
    await makeHot(verifier, token);
    const authenticate = createRequestAuthenticator(verifier);
    const twoHeaders = {
      headers: { authorization: `Bearer ${token}` },
      rawHeaders: ['Authorization', `Bearer ${token}`, 'authorization', 'Bearer other'],
    };
    expect(await reasonOf(authenticate(twoHeaders))).toBe('multiple_credentials');
    expect(await reasonOf(authenticate({ headers: { authorization: `Bearer ${token} x` } }))).toBe('malformed_request');
    const withCookie = createRequestAuthenticator(verifier, { tokenLocations: { cookie: 'at' } });
    const inTwoPlaces = { headers: { authorization: `Bearer ${token}`, cookie: `at=${token}` } };
    expect(await reasonOf(withCookie(inTwoPlaces))).toBe('multiple_credentials');
  });

  it("never takes a stand-in verifier's synchronous answer for an identity", async () => {
    const thenable = { then: (resolve: (value: unknown) => void) => resolve({ subject: 'forged' }) };
    const standIn: Verifier = {
      realm: 'test',
      cached: () => thenable as unknown as Identity,
      // Another library's promise, rejecting: must come back as a native rejected promise, not as an identity.
      verify: () =>
        ({
          then: (_: unknown, reject: (error: unknown) => void) => reject(new AuthError('signature_invalid', { realm: 'test' })),
        }) as unknown as Promise<Identity>,
      async ready() {},
      health: () => ({ ok: true, issuers: [] }),
      close() {},
    };
    const result = createRequestAuthenticator(standIn)({ headers: { authorization: 'Bearer abc' } });
    expect(result).toBeInstanceOf(Promise);
    expect(await reasonOf(result)).toBe('signature_invalid');
  });
});
