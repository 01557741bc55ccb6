import { createVerifier } from '@authgate/core';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payload } from './helpers.js';

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('URLs and discovery', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256'] });
  });
  afterAll(() => issuer.close());

  it('url is http://127.0.0.1:<port> with no trailing slash; jwksUri and tokenEndpoint hang below it', () => {
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.url).not.toMatch(/:0$/);
    expect(issuer.jwksUri).toBe(`${issuer.url}/.well-known/jwks.json`);
    expect(issuer.tokenEndpoint).toBe(`${issuer.url}/token`);
    expect(issuer.algorithms).toEqual(['ES256', 'RS256']);
  });

  it.each(['openid-configuration', 'oauth-authorization-server'])('/.well-known/%s describes the issuer', async (name) => {
    const { status, body } = await getJson(`${issuer.url}/.well-known/${name}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: issuer.url,
      jwks_uri: issuer.jwksUri,
      token_endpoint: issuer.tokenEndpoint,
      grant_types_supported: ['client_credentials'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    });
  });

  it('other paths: 404 JSON; other methods: 405 with Allow', async () => {
    expect(await getJson(`${issuer.url}/nope`)).toEqual({ status: 404, body: { error: 'not_found' } });
    expect(await getJson(`${issuer.url}/.well-known/jwks.json/extra`)).toMatchObject({ status: 404 });
    const post = await fetch(issuer.jwksUri, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(issuer.tokenEndpoint)).status).toBe(405);
  });

  it('the query string does not change the route', async () => {
    expect((await fetch(`${issuer.jwksUri}?v=2`)).status).toBe(200);
  });

  it('@authgate/core finds the keys by discovery alone', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: 'orders-api', algorithms: ['ES256'] });
    try {
      const token = await issuer.sign({ sub: 'discovered' }, { audience: 'orders-api' });
      await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'discovered', issuer: issuer.url });
    } finally {
      verifier.close();
    }
  });
});

describe('issuerPath', () => {
  it('puts the issuer below a path; OIDC and RFC 8414 locations both answer, and core discovers through them', async () => {
    const issuer = await createTestIssuer({ issuerPath: '/tenants/acme', defaultAudience: 'orders-api' });
    try {
      const origin = new URL(issuer.url).origin;
      expect(issuer.url).toBe(`${origin}/tenants/acme`);
      expect(issuer.jwksUri).toBe(`${origin}/tenants/acme/.well-known/jwks.json`);
      for (const path of ['/tenants/acme/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/tenants/acme']) {
        expect(await getJson(`${origin}${path}`)).toMatchObject({ status: 200, body: { issuer: issuer.url, jwks_uri: issuer.jwksUri } });
      }
      expect((await fetch(`${origin}/.well-known/jwks.json`)).status).toBe(404);
      const token = await issuer.sign({ sub: 'tenant-user' });
      expect(payload(token).iss).toBe(issuer.url);
      const verifier = createVerifier({ issuer: issuer.url, audience: 'orders-api', algorithms: ['RS256'] });
      try {
        await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'tenant-user' });
      } finally {
        verifier.close();
      }
    } finally {
      await issuer.close();
    }
  });

  it('a trailing slash stays in the issuer, and is not doubled below it', async () => {
    const issuer = await createTestIssuer({ issuerPath: '/realm/' });
    try {
      expect(issuer.url).toMatch(/\/realm\/$/);
      expect(issuer.jwksUri).toBe(`${issuer.url}.well-known/jwks.json`);
      expect((await fetch(issuer.jwksUri)).status).toBe(200);
      expect(payload(await issuer.sign({}, { audience: null })).iss).toBe(issuer.url);
    } finally {
      await issuer.close();
    }
  });

  it.each(['tenant', '/a?b=1', '/a#x', '/with space'])('refuses issuerPath %j', async (issuerPath) => {
    await expect(createTestIssuer({ issuerPath })).rejects.toThrow(/issuerPath must start with "\/"/);
  });
});

describe('listening', () => {
  it.each(['0.0.0.0', '::', '192.168.1.10', '127.0.0.2', 'example.com'])('refuses the non-loopback host %j', async (host) => {
    await expect(createTestIssuer({ host })).rejects.toThrow(/refusing to listen on .*allowNonLoopback/s);
  });

  it('allowNonLoopback: true lets another interface through', async () => {
    const issuer = await createTestIssuer({ host: '127.0.0.2', allowNonLoopback: true });
    try {
      expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
      expect((await fetch(issuer.jwksUri)).status).toBe(200);
    } finally {
      await issuer.close();
    }
  });

  it.each([
    ['::1', /^http:\/\/\[::1\]:\d+$/],
    ['localhost', /^http:\/\/localhost:\d+$/],
  ] as const)('listens on %s', async (host, shape) => {
    const issuer = await createTestIssuer({ host });
    try {
      expect(issuer.url).toMatch(shape);
      expect((await fetch(issuer.jwksUri)).status).toBe(200);
    } finally {
      await issuer.close();
    }
  });

  it('a port in use is a clear error; an explicit free port is used as given', async () => {
    const first = await createTestIssuer();
    const port = Number(new URL(first.url).port);
    try {
      await expect(createTestIssuer({ port })).rejects.toThrow(new RegExp(`cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`));
    } finally {
      await first.close();
    }
    const again = await createTestIssuer({ port });
    try {
      expect(again.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await again.close();
    }
  });

  it.each([
    [{ port: -1 }, /port must be an integer/],
    [{ port: 1.5 }, /port must be an integer/],
    [{ algorithms: [] }, /at least one/],
    [{ algorithms: ['HS256'] }, /unsupported algorithm "HS256"/],
    [{ algorithms: ['RS256', 'RS256'] }, /twice/],
    [{ defaultAudience: '' }, /defaultAudience/],
  ])('refuses options %j', async (options, message) => {
    await expect(createTestIssuer(options as never)).rejects.toThrow(message);
  });
});
