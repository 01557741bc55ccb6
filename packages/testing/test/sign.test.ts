import { createVerifier } from '@authgate/core';
import { createTestIssuer, SIGNING_ALGORITHMS, type TestIssuer } from '@authgate/testing';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, nowSeconds, payload, refusalReason } from './helpers.js';

describe('sign(): every algorithm verifies against the served JWKS', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: SIGNING_ALGORITHMS });
  });
  afterAll(() => issuer.close());

  it.each(SIGNING_ALGORITHMS)('%s', async (alg) => {
    const token = await issuer.sign({ sub: 'user-1', scope: 'orders:read' }, { audience: 'orders-api', expiresIn: '5m', algorithm: alg });
    // A fresh remote set per algorithm: the key really comes over HTTP from jwksUri.
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    const { payload: claims, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: issuer.url,
      audience: 'orders-api',
      algorithms: [alg],
      typ: 'at+jwt',
    });
    expect(protectedHeader).toEqual({ alg, kid: issuer.currentKid(alg), typ: 'at+jwt' });
    expect(claims).toMatchObject({ sub: 'user-1', scope: 'orders:read', iss: issuer.url, aud: 'orders-api' });
  });

  it('the default algorithm is the first configured one', async () => {
    const token = await issuer.sign({}, { audience: 'a' });
    expect(header(token).alg).toBe(SIGNING_ALGORITHMS[0]);
    expect(issuer.currentKid()).toBe(issuer.currentKid(SIGNING_ALGORITHMS[0]));
  });

  it('the published set holds one public key per algorithm, with kid, alg and use, and no private members', async () => {
    const served = (await (await fetch(issuer.jwksUri)).json()) as { keys: Array<Record<string, unknown>> };
    expect(served).toEqual(issuer.publicJwks());
    expect(served.keys.map((key) => key.alg)).toEqual([...SIGNING_ALGORITHMS]);
    for (const key of served.keys) {
      expect(key.use).toBe('sig');
      expect(typeof key.kid).toBe('string');
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);
    }
    expect(new Set(served.keys.map((key) => key.kid)).size).toBe(SIGNING_ALGORITHMS.length);
    const curves = Object.fromEntries(served.keys.filter((key) => key.crv !== undefined).map((key) => [key.alg, key.crv]));
    expect(curves).toEqual({ ES256: 'P-256', ES384: 'P-384', ES512: 'P-521', EdDSA: 'Ed25519' });
  });

  it('publicJwks() hands out a copy', () => {
    const jwks = issuer.publicJwks();
    (jwks.keys[0] as { kid: string }).kid = 'changed';
    jwks.keys.pop();
    expect(issuer.publicJwks().keys).toHaveLength(SIGNING_ALGORITHMS.length);
    expect(issuer.publicJwks().keys[0]?.kid).not.toBe('changed');
  });

  it('refuses an algorithm that is not configured', async () => {
    const single = await createTestIssuer({ defaultAudience: 'a' });
    try {
      await expect(single.sign({}, { algorithm: 'ES256' })).rejects.toThrow(/ES256.*not configured/);
    } finally {
      await single.close();
    }
  });
});

describe('sign(): claims and options', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ defaultAudience: 'orders-api' });
  });
  afterAll(() => issuer.close());

  it('defaults: iss = url, iat = now, exp = iat + 5 min, a fresh jti, aud = defaultAudience, typ at+jwt', async () => {
    const before = nowSeconds();
    const first = payload(await issuer.sign({ sub: 'user-1' }));
    const second = payload(await issuer.sign({ sub: 'user-1' }));
    expect(first.iss).toBe(issuer.url);
    expect(first.aud).toBe('orders-api');
    expect(first.iat).toBeGreaterThanOrEqual(before);
    expect(first.iat).toBeLessThanOrEqual(nowSeconds());
    expect(first.exp).toBe((first.iat as number) + 300);
    expect(first.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.jti).not.toBe(first.jti);
    expect(first).not.toHaveProperty('nbf');
  });

  it('refuses to mint a token without an audience unless audience: null is explicit', async () => {
    const bare = await createTestIssuer();
    try {
      await expect(bare.sign({ sub: 'x' })).rejects.toThrow(/needs an audience/);
      expect(payload(await bare.sign({ sub: 'x' }, { audience: null }))).not.toHaveProperty('aud');
      expect(payload(await bare.sign({ sub: 'x', aud: 'from-claims' })).aud).toBe('from-claims');
    } finally {
      await bare.close();
    }
  });

  it('audience: null overrides defaultAudience; arrays are kept', async () => {
    expect(payload(await issuer.sign({}, { audience: null }))).not.toHaveProperty('aud');
    expect(payload(await issuer.sign({}, { audience: ['a', 'b'] })).aud).toEqual(['a', 'b']);
  });

  it('precedence: defaults < claims < options', async () => {
    const claims = payload(await issuer.sign({ iss: 'claims-iss', sub: 'claims-sub', aud: 'claims-aud', custom: 1 }));
    expect(claims).toMatchObject({ iss: 'claims-iss', sub: 'claims-sub', aud: 'claims-aud', custom: 1 });
    const options = payload(
      await issuer.sign({ iss: 'claims-iss', sub: 'claims-sub', aud: 'claims-aud' }, { issuer: 'opt-iss', subject: 'opt-sub', audience: 'opt-aud' }),
    );
    expect(options).toMatchObject({ iss: 'opt-iss', sub: 'opt-sub', aud: 'opt-aud' });
  });

  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['2d', 172_800],
    [90, 90],
    ['-1m', -60],
  ] as const)('expiresIn %s is counted from iat', async (expiresIn, seconds) => {
    const claims = payload(await issuer.sign({}, { expiresIn }));
    expect(claims.exp).toBe((claims.iat as number) + seconds);
  });

  it('issuedAt and notBefore take Dates, epoch seconds and durations from now', async () => {
    const at = new Date('2030-01-02T03:04:05Z');
    const fromDate = payload(await issuer.sign({}, { issuedAt: at, notBefore: 1_900_000_000, expiresIn: '1h' }));
    expect(fromDate).toMatchObject({ iat: at.getTime() / 1000, nbf: 1_900_000_000, exp: at.getTime() / 1000 + 3600 });
    const now = nowSeconds();
    const relative = payload(await issuer.sign({}, { issuedAt: '-10m', notBefore: '1h' }));
    expect(Math.abs((relative.iat as number) - (now - 600))).toBeLessThanOrEqual(1);
    expect(Math.abs((relative.nbf as number) - (now + 3600))).toBeLessThanOrEqual(1);
    expect(relative.exp).toBe((relative.iat as number) + 300);
  });

  it('refuses durations it would have to guess at', async () => {
    await expect(issuer.sign({}, { expiresIn: '300' as never })).rejects.toThrow(/'30s', '5m'/);
    await expect(issuer.sign({}, { expiresIn: '5 minutes' as never })).rejects.toThrow(/expiresIn/);
    await expect(issuer.sign({}, { notBefore: new Date('nope') })).rejects.toThrow(/notBefore/);
  });

  it('claims of the wrong type are kept as given (for testing claim checks)', async () => {
    const token = await issuer.sign({ iat: 'yesterday' });
    expect(payload(token).iat).toBe('yesterday');
    expect(typeof payload(token).exp).toBe('number');
    const verifier = createVerifier({ issuer: issuer.url, audience: 'orders-api', algorithms: ['RS256'], jwksUri: issuer.jwksUri });
    try {
      expect(await refusalReason(verifier, token)).toBe('claim_invalid');
    } finally {
      verifier.close();
    }
  });

  it('noExp leaves exp out', async () => {
    expect(payload(await issuer.sign({ exp: 123 }, { noExp: true }))).not.toHaveProperty('exp');
  });

  it('kid and typ can be overridden or left out; extra header fields are added', async () => {
    expect(header(await issuer.sign({}, { kid: 'other', typ: 'JWT' }))).toMatchObject({ kid: 'other', typ: 'JWT' });
    const bare = header(await issuer.sign({}, { kid: null, typ: null, header: { cty: 'demo' } }));
    expect(bare).toEqual({ alg: 'RS256', cty: 'demo' });
  });

  it('alg, kid and typ go through their own options, not header', async () => {
    await expect(issuer.sign({}, { header: { alg: 'none' } })).rejects.toThrow(/algorithm option/);
    await expect(issuer.sign({}, { header: { kid: 'x' } })).rejects.toThrow(/kid option/);
  });

  it('a crit header is signed as asked (and @authgate/core refuses it)', async () => {
    const token = await issuer.sign({}, { header: { crit: ['x-ext'], 'x-ext': true } });
    expect(header(token).crit).toEqual(['x-ext']);
    const verifier = createVerifier({ issuer: issuer.url, audience: 'orders-api', algorithms: ['RS256'], jwksUri: issuer.jwksUri });
    try {
      expect(await refusalReason(verifier, token)).toBe('unsupported_header');
      await expect(verifier.verify(await issuer.sign({ sub: 'ok' }))).resolves.toMatchObject({ subject: 'ok' });
    } finally {
      verifier.close();
    }
  });
});
