import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startGateway, viaNginx, viaTraefik, type Fixture } from './helpers.js';

let f: Fixture;
beforeAll(async () => {
  f = await startGateway({ pathPrefix: '/envoy' });
});
afterAll(() => f.close());

// The same rules, asked for in each proxy's header convention.
const conventions = [
  ['nginx (X-Original-*)', viaNginx],
  ['Traefik (X-Forwarded-*)', viaTraefik],
  [
    'Envoy (path_prefix)',
    (gateway: Fixture['gateway'], method: string, uri: string, headers: Record<string, string> = {}) =>
      gateway.inject({ method: method as 'GET', url: `/envoy${uri}`, headers }),
  ],
] as const;

describe.each(conventions)('decisions over %s', (_name, ask) => {
  it('allows a valid token with 200 and the identity headers', async () => {
    const token = await f.token({ scope: 'orders:read', roles: ['admin', 'ops'], client_id: 'web' });
    const response = await ask(f.gateway, 'GET', '/orders/42?expand=items', bearer(token));
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-user-id']).toBe('user-1');
    expect(response.headers['x-scope']).toBe('orders:read');
    expect(response.headers['x-user-role']).toBe('admin,ops');
    expect(response.headers['x-client-id']).toBe('web');
    expect(response.headers['x-token-issuer']).toBe(f.issuer.url);
    expect(Number(response.headers['x-token-expires'])).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses a missing token with 401 and the challenge, a bad one with invalid_token', async () => {
    const missing = await ask(f.gateway, 'GET', '/orders/42');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="api"');
    const expired = await ask(f.gateway, 'GET', '/orders/42', bearer(await f.issuer.bad.expired()));
    expect(expired.statusCode).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(expired.headers['x-user-id']).toBeUndefined();
  });

  it('answers 403 insufficient_scope with the scope the rule needs, per method', async () => {
    const reader = await f.token({ scope: 'orders:read' });
    expect((await ask(f.gateway, 'GET', '/orders/1', bearer(reader))).statusCode).toBe(200);
    const write = await ask(f.gateway, 'DELETE', '/orders/1', bearer(reader));
    expect(write.statusCode).toBe(403);
    expect(write.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(write.headers['www-authenticate']).toContain('scope="orders:write"');
  });

  it('checks anyScopes and roles', async () => {
    expect((await ask(f.gateway, 'GET', '/reports/q1', bearer(await f.token({ scope: 'admin' })))).statusCode).toBe(200);
    expect((await ask(f.gateway, 'GET', '/reports/q1', bearer(await f.token({ scope: 'orders:read' })))).statusCode).toBe(403);
    expect((await ask(f.gateway, 'GET', '/admin/users', bearer(await f.token({ roles: ['admin'] })))).statusCode).toBe(200);
    expect((await ask(f.gateway, 'GET', '/admin/users', bearer(await f.token({ roles: ['ops'] })))).statusCode).toBe(403);
  });

  it('lets public paths through without a token, and still refuses a bad token there', async () => {
    const anonymous = await ask(f.gateway, 'GET', '/docs/intro');
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.headers['x-user-id']).toBeUndefined();
    expect((await ask(f.gateway, 'GET', '/docs', bearer(await f.token()))).headers['x-user-id']).toBe('user-1');
    expect((await ask(f.gateway, 'GET', '/docs', bearer(await f.issuer.bad.tampered()))).statusCode).toBe(401);
  });

  it('fails closed where no rule matches: a valid token, nothing more', async () => {
    expect((await ask(f.gateway, 'GET', '/anything')).statusCode).toBe(401);
    expect((await ask(f.gateway, 'PUT', '/anything/else', bearer(await f.token()))).statusCode).toBe(200);
  });

  it('resolves dot segments and percent-encoded dots before matching, and refuses encoded slashes', async () => {
    for (const uri of [
      '/docs/../admin/users',
      '/docs/%2e%2e/admin/users',
      '/docs/%2E%2E/admin/users',
      '/docs/./.%2e/admin/users',
      '//docs/..//admin/users',
    ]) {
      expect((await ask(f.gateway, 'GET', uri)).statusCode, uri).toBe(401);
    }
    expect((await ask(f.gateway, 'GET', '/%64ocs/intro')).statusCode).toBe(200);
    expect((await ask(f.gateway, 'GET', '/docs%2F..%2Fadmin')).statusCode).toBe(400);
    expect((await ask(f.gateway, 'GET', '/docs/%zz')).statusCode).toBe(400);
  });

  it('judges HEAD by the GET rules too, and other spellings of a path by every rule they could reach', async () => {
    const writer = await f.token({ scope: 'orders:write' });
    expect((await ask(f.gateway, 'HEAD', '/orders/1', bearer(writer))).statusCode).toBe(403);
    expect((await ask(f.gateway, 'GET', '/ADMIN/users', bearer(await f.token({ roles: ['ops'] })))).statusCode).toBe(403);
  });
});

describe('a provider preset by name', () => {
  it('builds the verifier from the preset and the arguments beside it (kubernetes service-account tokens)', async () => {
    const issuer = f.issuer;
    const { createGateway } = await import('@authgate/gateway');
    const gateway = createGateway({
      verifier: { provider: 'kubernetes', issuer: issuer.url, audience: 'orders-api', jwksUri: issuer.jwksUri, allowInsecureHttp: true },
      logLevel: 'silent',
    });
    try {
      const serviceAccount = await issuer.sign({ sub: 'system:serviceaccount:shop:orders' });
      const allowed = await viaTraefik(gateway, 'GET', '/orders', bearer(serviceAccount));
      expect(allowed.statusCode).toBe(200);
      expect(allowed.headers['x-user-id']).toBe('system:serviceaccount:shop:orders');
      // The preset's own rule: a subject that is not a service account is refused.
      expect((await viaTraefik(gateway, 'GET', '/orders', bearer(await issuer.sign({ sub: 'alice' })))).statusCode).toBe(401);
    } finally {
      await gateway.close();
    }
  });
});

describe('what the gateway believes about the original request', () => {
  it('refuses a decision request without the original method and URI, or with conflicting ones', async () => {
    expect((await f.gateway.inject({ method: 'GET', url: '/auth', headers: bearer(await f.token()) })).statusCode).toBe(400);
    const conflicting = await f.gateway.inject({
      method: 'GET',
      url: '/auth',
      headers: { 'x-original-method': 'GET', 'x-original-uri': '/docs/a', 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/admin' },
    });
    expect(conflicting.statusCode).toBe(400);
    const methodless = await f.gateway.inject({ method: 'GET', url: '/auth', headers: { 'x-original-uri': '/docs/a' } });
    expect(methodless.statusCode).toBe(400);
  });

  it('refuses two X-Original-URI headers rather than picking one', async () => {
    const response = await f.gateway.inject({
      method: 'GET',
      url: '/auth',
      headers: { 'x-original-method': 'GET', 'x-original-uri': ['/docs/a', '/admin'] },
    });
    expect(response.statusCode).toBe(400);
  });

  it('under the Envoy prefix, reads only the path: forwarded headers cannot pick another rule', async () => {
    const response = await f.gateway.inject({
      method: 'GET',
      url: '/envoy/admin/x',
      headers: { 'x-original-method': 'GET', 'x-original-uri': '/docs/a' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('never uses another 2xx than 200 to allow (Envoy counts any other as a denial)', async () => {
    const response = await viaNginx(f.gateway, 'GET', '/docs/a');
    expect(response.statusCode).toBe(200);
  });
});
