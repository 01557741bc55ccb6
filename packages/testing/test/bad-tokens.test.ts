import { createHmac } from 'node:crypto';
import { createVerifier, type Verifier } from '@authgate/core';
import { createTestIssuer, WRONG_AUDIENCE, WRONG_ISSUER, type SigningAlgorithm, type TestIssuer } from '@authgate/testing';
import { createRemoteJWKSet, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, nowSeconds, payload, refusalReason } from './helpers.js';

const ALGORITHMS: SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

describe('bad tokens are refused by @authgate/core for the right reason', () => {
  let issuer: TestIssuer;
  let verifier: Verifier;
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ALGORITHMS });
    verifier = createVerifier({ issuer: issuer.url, audience: 'orders-api', algorithms: ALGORITHMS, jwksUri: issuer.jwksUri });
  });
  afterAll(async () => {
    verifier.close();
    await issuer.close();
  });

  const claims = { sub: 'user-1', scope: 'orders:read' };
  const cases = [
    ['expired', 'token_expired'],
    ['notYetValid', 'token_not_yet_valid'],
    ['wrongAudience', 'audience_mismatch'],
    ['wrongIssuer', 'issuer_not_allowed'],
    ['unknownKid', 'unknown_key'],
    ['algNone', 'algorithm_not_allowed'],
    ['tampered', 'signature_invalid'],
    ['missingExp', 'claim_missing'],
  ] as const;

  for (const alg of ALGORITHMS) {
    it(`${alg}: the same verifier accepts a good token (control)`, async () => {
      const identity = await verifier.verify(await issuer.sign(claims, { audience: 'orders-api', algorithm: alg }));
      expect(identity).toMatchObject({ subject: 'user-1', alg, kid: issuer.currentKid(alg) });
    });

    it.each(cases)(`${alg}: bad.%s → %s`, async (kind, reason) => {
      const token = await issuer.bad[kind](claims, { audience: 'orders-api', algorithm: alg });
      expect(await refusalReason(verifier, token)).toBe(reason);
    });
  }

  it('bad.hmacConfusion → algorithm_not_allowed', async () => {
    const rsa = await createTestIssuer({ algorithms: ['ES256', 'PS256'], defaultAudience: 'orders-api' });
    const rsaVerifier = createVerifier({ issuer: rsa.url, audience: 'orders-api', algorithms: ['ES256', 'PS256'], jwksUri: rsa.jwksUri });
    try {
      expect(await refusalReason(rsaVerifier, await rsa.bad.hmacConfusion(claims))).toBe('algorithm_not_allowed');
    } finally {
      rsaVerifier.close();
      await rsa.close();
    }
  });

  it('each bad token differs from a good one only where it should', async () => {
    const now = nowSeconds();
    const options = { audience: 'orders-api' } as const;
    const expired = payload(await issuer.bad.expired(claims, options));
    expect(expired.exp).toBeLessThan(now - 60);
    expect(expired.iat).toBeLessThan(expired.exp as number);
    const early = payload(await issuer.bad.notYetValid(claims, options));
    expect(early.nbf).toBeGreaterThan(now + 60);
    expect(early.exp).toBeGreaterThan(early.nbf as number);
    expect(payload(await issuer.bad.wrongAudience(claims)).aud).toBe(WRONG_AUDIENCE);
    expect(payload(await issuer.bad.wrongAudience(claims, options, 'billing-api')).aud).toBe('billing-api');
    await expect(issuer.bad.wrongAudience(claims, options, 'orders-api')).rejects.toThrow(/real audience/);
    expect(payload(await issuer.bad.wrongIssuer(claims, options)).iss).toBe(WRONG_ISSUER);
    expect(payload(await issuer.bad.missingExp(claims, options))).not.toHaveProperty('exp');
    for (const token of [await issuer.bad.expired(claims, options), await issuer.bad.missingExp(claims, options)]) {
      expect(payload(token)).toMatchObject({ ...claims, iss: issuer.url, aud: 'orders-api' });
      expect(header(token)).toMatchObject({ alg: 'RS256', kid: issuer.currentKid(), typ: 'at+jwt' });
    }
  });

  it('wrongIssuer is signed by a published key (only the iss is wrong)', async () => {
    const token = await issuer.bad.wrongIssuer(claims, { audience: 'orders-api' });
    const { payload: verified } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), { algorithms: ['RS256'] });
    expect(verified.iss).toBe(WRONG_ISSUER);
    expect(payload(await issuer.bad.wrongIssuer(claims, { audience: 'orders-api', issuer: issuer.url }, 'https://evil.test')).iss).toBe(
      'https://evil.test',
    );
    await expect(issuer.bad.wrongIssuer(claims, { audience: 'orders-api' }, issuer.url)).rejects.toThrow(/other than/);
  });

  it('unknownKid carries a kid and a key that the JWKS never lists', async () => {
    const token = await issuer.bad.unknownKid(claims, { audience: 'orders-api', algorithm: 'ES256' });
    const kid = header(token).kid;
    expect(header(token).alg).toBe('ES256');
    expect(issuer.publicJwks().keys.map((key) => key.kid)).not.toContain(kid);
    // Even a verifier that ignored the kid would find no published key that verifies it.
    const published = issuer.publicJwks().keys.find((key) => key.alg === 'ES256');
    const key = await importJWK({ ...published }, 'ES256');
    await expect(jwtVerify(token, key)).rejects.toThrow(/signature verification failed/);
  });

  it('algNone is unsigned: alg none and an empty signature segment', async () => {
    const token = await issuer.bad.algNone(claims, { audience: 'orders-api' });
    expect(token.endsWith('.')).toBe(true);
    expect(token.split('.')).toHaveLength(3);
    expect(header(token).alg).toBe('none');
    expect(payload(token)).toMatchObject(claims);
  });

  it('hmacConfusion is a real HS256 MAC keyed with the published RSA key as PEM', async () => {
    const token = await issuer.bad.hmacConfusion(claims, { audience: 'orders-api' });
    const [h, p, signature] = token.split('.') as [string, string, string];
    expect(header(token)).toMatchObject({ alg: 'HS256', kid: issuer.currentKid('RS256'), typ: 'at+jwt' });
    const rsaJwk = issuer.publicJwks().keys.find((key) => key.kid === issuer.currentKid('RS256'));
    const { createPublicKey } = await import('node:crypto');
    const pem = createPublicKey({ key: { kty: 'RSA', n: rsaJwk?.n, e: rsaJwk?.e }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    expect(String(pem)).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    const expected = createHmac('sha256', String(pem)).update(`${h}.${p}`).digest('base64url');
    expect(signature).toBe(expected);
  });

  it('hmacConfusion needs an RSA key', async () => {
    const ec = await createTestIssuer({ algorithms: ['ES256'], defaultAudience: 'orders-api' });
    try {
      await expect(ec.bad.hmacConfusion()).rejects.toThrow(/RS\* or PS\*/);
    } finally {
      await ec.close();
    }
  });

  it('tampered keeps the original header and signature but changes the payload', async () => {
    const token = await issuer.bad.tampered(claims, { audience: 'orders-api' });
    expect(payload(token)).toMatchObject({ sub: 'attacker', scope: 'orders:read' });
    const custom = await issuer.bad.tampered(claims, { audience: 'orders-api' }, { scope: 'orders:write admin' });
    expect(payload(custom)).toMatchObject({ sub: 'user-1', scope: 'orders:write admin' });
    expect(await refusalReason(verifier, custom)).toBe('signature_invalid');
    await expect(issuer.bad.tampered(claims, { audience: 'orders-api' }, { sub: 'user-1' })).rejects.toThrow(/as it was/);
  });

  it('bad tokens follow the audience rule of sign()', async () => {
    await expect(issuer.bad.expired(claims)).rejects.toThrow(/needs an audience/);
  });
});
