import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuthConfigError,
  AuthError,
  createMemoryRevocationList,
  createRequestAuthenticator,
  createVerifier,
  type Identity,
  type RevocationList,
  type Verifier,
  type VerifierOptions,
} from '@authgate/core';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from './helpers/keys.js';
import { makeHot, reasonOf } from './helpers/outcome.js';

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('ES256');
});

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function newVerifier(revocation: RevocationList, extra: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks: { keys: [key.publicJwk] }, revocation, ...extra });
}

describe('a revoked token is refused, fresh or cached', () => {
  it('by jti: 401 invalid_token revoked, on the fresh path, the cache, cached() and the request authenticator', async () => {
    const list = createMemoryRevocationList();
    const verifier = newVerifier(list);
    const exp = nowSeconds() + 300;
    const token = await sign(key, { jti: 'token-1', exp });
    const other = await sign(key, { jti: 'token-2', exp });
    await makeHot(verifier, token);
    await makeHot(verifier, other);
    expect(verifier.cached?.(token)).toBeDefined();

    list.revokeToken({ jti: 'token-1', exp });
    expect(verifier.cached?.(token)).toBeUndefined();
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ reason: 'revoked', status: 401, code: 'invalid_token' });
    expect((error as AuthError).wwwAuthenticate).toContain('error="invalid_token"');
    const authenticate = createRequestAuthenticator(verifier);
    const request = { headers: { authorization: `Bearer ${token}` }, rawHeaders: ['Authorization', `Bearer ${token}`] };
    expect(await reasonOf(authenticate(request))).toBe('revoked');
    // The other token of the same subject is untouched, and still served synchronously.
    expect(verifier.cached?.(other)).toBeDefined();

    // A verifier that never saw the token refuses it on the fresh path too.
    expect(await reasonOf(newVerifier(list).verify(token))).toBe('revoked');

    list.unrevokeToken({ jti: 'token-1', exp });
    expect(await reasonOf(verifier.verify(token))).toBe('accepted');
  });

  it('by subject: tokens issued before the cut-off are refused, later ones accepted, tokens without iat refused', async () => {
    const list = createMemoryRevocationList();
    const verifier = newVerifier(list);
    const now = nowSeconds();
    const older = await sign(key, { sub: 'alice', iat: now - 10 });
    const newer = await sign(key, { sub: 'alice', iat: now + 1 });
    const noIat = await sign(key, { sub: 'alice', iat: undefined });
    const bob = await sign(key, { sub: 'bob', iat: now - 10 });
    await makeHot(verifier, older);
    expect(await reasonOf(verifier.verify(noIat))).toBe('accepted');

    list.revokeSubject({ sub: 'alice', before: now });
    expect(verifier.cached?.(older)).toBeUndefined();
    expect(await reasonOf(verifier.verify(older))).toBe('revoked');
    expect(await reasonOf(verifier.verify(newer))).toBe('accepted');
    expect(await reasonOf(verifier.verify(noIat))).toBe('revoked');
    expect(await reasonOf(verifier.verify(bob))).toBe('accepted');

    list.unrevokeSubject({ sub: 'alice' });
    expect(await reasonOf(verifier.verify(older))).toBe('accepted');
  });

  it('by subject with before defaulting to now', async () => {
    const list = createMemoryRevocationList();
    const verifier = newVerifier(list);
    const token = await sign(key, { sub: 'carol', iat: nowSeconds() - 5 });
    list.revokeSubject({ sub: 'carol' });
    expect(await reasonOf(verifier.verify(token))).toBe('revoked');
  });

  it('by client: client_id, else azp', async () => {
    const list = createMemoryRevocationList();
    const verifier = newVerifier(list);
    const now = nowSeconds();
    list.revokeClient({ clientId: 'mobile-app', before: now });
    expect(await reasonOf(verifier.verify(await sign(key, { client_id: 'mobile-app', iat: now - 1 })))).toBe('revoked');
    expect(await reasonOf(verifier.verify(await sign(key, { azp: 'mobile-app', iat: now - 1 })))).toBe('revoked');
    expect(await reasonOf(verifier.verify(await sign(key, { client_id: 'mobile-app', iat: now + 1 })))).toBe('accepted');
    expect(await reasonOf(verifier.verify(await sign(key, { client_id: 'web-app', iat: now - 1 })))).toBe('accepted');
    list.unrevokeClient({ clientId: 'mobile-app' });
    expect(await reasonOf(verifier.verify(await sign(key, { client_id: 'mobile-app', iat: now - 1 })))).toBe('accepted');
  });

  it('per issuer: an entry naming an issuer applies to that issuer only; one without applies to all', async () => {
    const list = createMemoryRevocationList();
    const verifier = newVerifier(list);
    const exp = nowSeconds() + 300;
    const token = await sign(key, { jti: 'shared-jti', exp, iat: nowSeconds() - 5 });
    list.revokeToken({ jti: 'shared-jti', exp, iss: 'https://other-idp.example.com/' });
    expect(await reasonOf(verifier.verify(token))).toBe('accepted');
    list.revokeToken({ jti: 'shared-jti', exp, iss: ISSUER });
    expect(await reasonOf(verifier.verify(token))).toBe('revoked');
    list.unrevokeToken({ jti: 'shared-jti', iss: ISSUER });
    expect(await reasonOf(verifier.verify(token))).toBe('accepted');
    list.revokeSubject({ sub: 'user-1', iss: 'https://other-idp.example.com/' });
    expect(await reasonOf(verifier.verify(token))).toBe('accepted');
    list.revokeSubject({ sub: 'user-1' });
    expect(await reasonOf(verifier.verify(token))).toBe('revoked');
  });

  it('a claim of the wrong type never matches, and never breaks the check', () => {
    const list = createMemoryRevocationList();
    list.revokeToken({ jti: '1', exp: nowSeconds() + 300 });
    list.revokeSubject({ sub: 'x' });
    list.revokeClient({ clientId: 'c' });
    expect(list.isRevoked({ jti: 1, sub: { toString: () => 'x' }, client_id: ['c'] })).toBe(false);
    expect(list.isRevoked({ jti: '1' })).toBe(true);
    expect(list.isRevoked({ sub: 'x', iat: '0' })).toBe(true); // an iat that is not a number counts as none
  });
});

describe('tokens without jti or iat (the documented choice: requiredClaims)', () => {
  it('without requiredClaims a token lacking jti is accepted (only subject and client entries can reach it)', async () => {
    const verifier = newVerifier(createMemoryRevocationList());
    expect(await reasonOf(verifier.verify(await sign(key)))).toBe('accepted');
  });

  it("with requiredClaims: ['jti', 'iat'] such tokens are refused outright", async () => {
    const verifier = newVerifier(createMemoryRevocationList(), { requiredClaims: ['jti', 'iat'] });
    expect(await reasonOf(verifier.verify(await sign(key)))).toBe('claim_missing');
    expect(await reasonOf(verifier.verify(await sign(key, { jti: 'j', iat: undefined })))).toBe('claim_missing');
    expect(await reasonOf(verifier.verify(await sign(key, { jti: 'j' })))).toBe('accepted');
  });
});

describe('a list that cannot decide fails closed', () => {
  it('a throwing list gives 503 revocation_unavailable with Retry-After, on fresh and cached tokens', async () => {
    let broken = false;
    const list: RevocationList = {
      isRevoked: () => {
        if (broken) throw new Error('boom');
        return false;
      },
    };
    const verifier = newVerifier(list);
    const token = await sign(key);
    await makeHot(verifier, token);
    broken = true;
    expect(verifier.cached?.(token)).toBeUndefined();
    const error = (await verifier.verify(token).catch((e: unknown) => e)) as AuthError;
    expect(error).toMatchObject({ reason: 'revocation_unavailable', status: 503 });
    expect(error.headers['retry-after']).toBeDefined();
    expect(error.wwwAuthenticate).toBeUndefined();
    expect(await reasonOf(verifier.verify(await sign(key, { jti: 'fresh' })))).toBe('revocation_unavailable');
  });
});

describe('the in-memory list', () => {
  it('drops a token entry once the token expired plus the clock tolerance of its verifiers', () => {
    let now = 1_000_000;
    const list = createMemoryRevocationList({}, () => now);
    newVerifier(list, { clockTolerance: 30 });
    list.revokeToken({ jti: 'a', exp: now + 10 });
    list.revokeToken({ jti: 'b', exp: now + 100 });
    expect(list.size).toBe(2);
    now += 39;
    expect(list.size).toBe(2);
    expect(list.isRevoked({ jti: 'a' })).toBe(true);
    now += 2;
    expect(list.size).toBe(1);
    expect(list.isRevoked({ jti: 'a' })).toBe(false);
    expect(list.isRevoked({ jti: 'b' })).toBe(true);
  });

  it('drops subject and client entries maxTokenLifetime after their cut-off', () => {
    let now = 1_000_000;
    const list = createMemoryRevocationList({ maxTokenLifetime: 3600, retainPastExpiry: 0 }, () => now);
    list.revokeSubject({ sub: 's' });
    list.revokeClient({ clientId: 'c', before: now - 1800 });
    now += 1801;
    expect(list.size).toBe(1);
    now += 1800;
    expect(list.size).toBe(0);
  });

  it('is bounded: a write past maxEntries throws (a revocation is never silently dropped)', () => {
    let now = 1_000_000;
    const list = createMemoryRevocationList({ maxEntries: 2 }, () => now);
    list.revokeToken({ jti: 'a', exp: now + 10 });
    list.revokeToken({ jti: 'b', exp: now + 100 });
    list.revokeToken({ jti: 'b', exp: now + 200 }); // the same entry again: not a new one
    expect(() => list.revokeToken({ jti: 'c', exp: now + 100 })).toThrow(/full/);
    now += 20; // 'a' expired: room again
    list.revokeToken({ jti: 'c', exp: now + 100 });
    expect(list.size).toBe(2);
  });

  it('validates its arguments and options, naming the field', () => {
    const list = createMemoryRevocationList();
    expect(() => list.revokeToken({ jti: '', exp: 1 })).toThrow(/jti/);
    expect(() => list.revokeToken({ jti: 'a', exp: Number.NaN })).toThrow(/exp/);
    expect(() => list.revokeToken({ jti: 'a' } as never)).toThrow(/exp/);
    expect(() => list.revokeSubject({ sub: 's', before: Infinity })).toThrow(/before/);
    expect(() => list.revokeClient({ clientId: 'c', iss: '' })).toThrow(/iss/);
    expect(() => createMemoryRevocationList({ maxEntries: 0 })).toThrow(AuthConfigError);
    expect(() => createMemoryRevocationList({ maxTokenLifetime: -1 })).toThrow(/maxTokenLifetime/);
    expect(() => newVerifier({} as RevocationList)).toThrow(/revocation must be/);
  });

  it('looks up 100,000 entries without scanning them', () => {
    const list = createMemoryRevocationList();
    const exp = nowSeconds() + 3600;
    for (let i = 0; i < 100_000; i += 1) list.revokeToken({ jti: `jti-${i}`, exp });
    expect(list.size).toBe(100_000);
    const started = process.hrtime.bigint();
    let revoked = 0;
    for (let i = 0; i < 100_000; i += 1) if (list.isRevoked({ jti: `other-${i}`, sub: 'u', iat: 1 })) revoked += 1;
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(revoked).toBe(0);
    // 100,000 lookups: a map lookup each takes well under a second even on a loaded machine; a scan would take minutes.
    expect(elapsedMs).toBeLessThan(5000);
  });
});
