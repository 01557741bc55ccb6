import { createVerifier } from '@authgate/core';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payload } from './helpers.js';

describe('token endpoint (client_credentials)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  function post(body: string, headers: Record<string, string> = {}) {
    return fetch(issuer.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  }

  it('mints a token for the requested audience that @authgate/core accepts', async () => {
    const basic = Buffer.from('orders-client:whatever').toString('base64');
    const response = await post('grant_type=client_credentials&audience=orders-api&scope=orders%3Aread', { authorization: `Basic ${basic}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'orders:read' });
    const verifier = createVerifier({ issuer: issuer.url, audience: 'orders-api', algorithms: ['RS256'], jwksUri: issuer.jwksUri, typ: 'at+jwt' });
    try {
      const identity = await verifier.verify(body.access_token);
      expect(identity).toMatchObject({ subject: 'orders-client', scopes: ['orders:read'] });
      expect(identity.claims).toMatchObject({ client_id: 'orders-client', aud: 'orders-api' });
    } finally {
      verifier.close();
    }
  });

  it('takes resource (RFC 8707) and client_id from the form', async () => {
    const response = await post('grant_type=client_credentials&resource=https%3A%2F%2Fapi.example&client_id=form-client');
    const claims = payload(((await response.json()) as { access_token: string }).access_token);
    expect(claims).toMatchObject({ aud: 'https://api.example', sub: 'form-client', client_id: 'form-client' });
    expect(claims).not.toHaveProperty('scope');
  });

  it.each([
    ['grant_type=password&audience=a', 400, 'unsupported_grant_type'],
    ['grant_type=client_credentials', 400, 'invalid_target'],
  ])('%s → %i %s', async (form, status, error) => {
    const response = await post(form);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
  });

  it('refuses JSON bodies and oversized forms', async () => {
    const json = await post('{}', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    const huge = await post(`grant_type=client_credentials&audience=${'a'.repeat(2_000_000)}`);
    expect(huge.status).toBe(413);
  });

  it('uses defaultAudience when the request names none', async () => {
    const withDefault = await createTestIssuer({ defaultAudience: 'default-api' });
    try {
      const response = await fetch(withDefault.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(payload(((await response.json()) as { access_token: string }).access_token)).toMatchObject({ aud: 'default-api', sub: 'test-client' });
    } finally {
      await withDefault.close();
    }
  });
});
