import { createVerifier } from '@authgate/core';
import { createTestIssuer, type PublicJwks, type TestIssuer } from '@authgate/testing';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { header, refusalReason } from './helpers.js';

async function servedKids(issuer: TestIssuer): Promise<string[]> {
  const response = await fetch(issuer.jwksUri);
  return ((await response.json()) as PublicJwks).keys.map((key) => key.kid);
}

/** A verifier that never remembers a verified token or a missing kid: every call looks at the current JWKS. */
function freshVerifier(issuer: TestIssuer) {
  return createVerifier({
    issuer: issuer.url,
    audience: 'orders-api',
    algorithms: ['RS256', 'ES256'],
    jwksUri: issuer.jwksUri,
    cache: false,
    jwksOptions: { negativeCacheTtl: 0, cooldown: 0.001 },
  });
}

describe('key rotation and removal', () => {
  let issuer: TestIssuer;
  beforeEach(async () => {
    issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'], defaultAudience: 'orders-api' });
  });
  afterEach(() => issuer.close());

  it('rotate() makes new keys current and keeps the old ones published', async () => {
    const oldRs = issuer.currentKid('RS256');
    const oldEs = issuer.currentKid('ES256');
    const before = await issuer.sign({ sub: 'before' });

    const fresh = await issuer.rotate();
    expect(fresh).toHaveLength(2);
    expect(fresh).toEqual([issuer.currentKid('RS256'), issuer.currentKid('ES256')]);
    expect(fresh).not.toContain(oldRs);
    expect(fresh).not.toContain(oldEs);
    expect(await servedKids(issuer)).toEqual([oldRs, oldEs, ...fresh]);

    const after = await issuer.sign({ sub: 'after' });
    expect(header(after).kid).toBe(fresh[0]);
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    for (const token of [before, after]) await expect(jwtVerify(token, jwks, { issuer: issuer.url })).resolves.toBeDefined();
  });

  it('rotate(alg) rotates that algorithm only', async () => {
    const es = issuer.currentKid('ES256');
    const [kid] = await issuer.rotate('RS256');
    expect(issuer.currentKid('RS256')).toBe(kid);
    expect(issuer.currentKid('ES256')).toBe(es);
    expect(await servedKids(issuer)).toHaveLength(3);
    await expect(issuer.rotate('EdDSA')).rejects.toThrow(/not configured/);
  });

  it('a verifier that saw the old key picks up the rotated one on its first token', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: 'orders-api', algorithms: ['RS256'], jwksUri: issuer.jwksUri });
    try {
      await verifier.verify(await issuer.sign({ sub: 'old' }));
      await issuer.rotate();
      await expect(verifier.verify(await issuer.sign({ sub: 'new' }))).resolves.toMatchObject({ subject: 'new', kid: issuer.currentKid() });
    } finally {
      verifier.close();
    }
  });

  it('removeKey() stops publishing a key; its tokens then fail with unknown_key', async () => {
    const old = issuer.currentKid('RS256');
    const oldEs = issuer.currentKid('ES256');
    const oldToken = await issuer.sign({ sub: 'old' });
    await issuer.rotate();
    await issuer.removeKey(old);
    const kids = await servedKids(issuer);
    expect(kids).not.toContain(old);
    expect(kids).toEqual([oldEs, issuer.currentKid('RS256'), issuer.currentKid('ES256')]);
    expect(issuer.publicJwks().keys.map((key) => key.kid)).toEqual(kids);

    const verifier = freshVerifier(issuer);
    try {
      expect(await refusalReason(verifier, oldToken)).toBe('unknown_key');
      await expect(verifier.verify(await issuer.sign({ sub: 'new' }))).resolves.toMatchObject({ subject: 'new' });
    } finally {
      verifier.close();
    }
  });

  it('removing the current key withdraws it; sign() keeps using it until the next rotate()', async () => {
    const current = issuer.currentKid();
    await issuer.removeKey(current);
    expect(await servedKids(issuer)).toEqual([issuer.currentKid('ES256')]);
    const withdrawn = await issuer.sign({ sub: 'withdrawn' });
    expect(header(withdrawn).kid).toBe(current);
    const verifier = freshVerifier(issuer);
    try {
      expect(await refusalReason(verifier, withdrawn)).toBe('unknown_key');
      await issuer.rotate('RS256');
      await expect(verifier.verify(await issuer.sign({ sub: 'rotated' }))).resolves.toMatchObject({ subject: 'rotated' });
    } finally {
      verifier.close();
    }
  });

  it('removeKey() of a kid that is not published rejects, naming what is', async () => {
    await expect(issuer.removeKey('nope')).rejects.toThrow(/no published key has kid "nope"; published: rs256-/);
    const kid = issuer.currentKid('ES256');
    await issuer.removeKey(kid);
    await expect(issuer.removeKey(kid)).rejects.toThrow(/no published key/);
  });

  it('two issuers never share a kid', async () => {
    const other = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
    try {
      const mine = new Set(issuer.publicJwks().keys.map((key) => key.kid));
      for (const key of other.publicJwks().keys) expect(mine.has(key.kid)).toBe(false);
    } finally {
      await other.close();
    }
  });
});
