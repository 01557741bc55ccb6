import { fileURLToPath } from 'node:url';
import { createGateway } from '@authgate/gateway';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAnySpelling, startEchoUpstream, type Echoed, type EchoUpstream } from './helpers/echo-upstream.js';
import { freePort, nginxBinary, readmeNginxSnippet, startNginx, type RunningNginx } from './helpers/nginx.js';

// A real Debian nginx with `auth_request` to a real gateway, configured with the gateway README's snippet verbatim
// (only the addresses change), in front of a Node upstream that echoes what it received.
const AUDIENCE = 'orders-api';
const README = fileURLToPath(new URL('../packages/gateway/README.md', import.meta.url));

let issuer: TestIssuer;
let gateway: FastifyInstance;
let upstream: EchoUpstream;
let nginx: RunningNginx;

beforeAll(async () => {
  const binary = nginxBinary();
  if (binary === undefined) throw new Error('nginx is not installed: apt-get install -y nginx (.ci/run does this)');
  issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  upstream = await startEchoUpstream();
  gateway = createGateway({
    verifier: { issuer: issuer.url, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: issuer.jwksUri },
    rules: [
      { path: '/docs/*', auth: 'public' },
      { path: '/orders/*', auth: 'required', scopes: ['orders:read'] },
    ],
    logLevel: 'silent',
  });
  const gatewayUrl = new URL(await gateway.listen({ port: 0, host: '127.0.0.1' }));
  const port = await freePort();
  const snippet = readmeNginxSnippet(README)
    .replace('listen 80;', `listen 127.0.0.1:${port};`)
    .replace('http://127.0.0.1:8080/auth', `http://127.0.0.1:${gatewayUrl.port}/auth`)
    .replace('http://127.0.0.1:3000', upstream.url);
  nginx = await startNginx(binary, snippet, port);
}, 30_000);

afterAll(async () => {
  await nginx?.stop();
  await gateway?.close();
  await upstream?.close();
  await issuer?.close();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; echoed: Echoed | undefined }> {
  const before = upstream.received.length;
  const response = await fetch(`${nginx.url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const reached = upstream.received.length > before;
  return { status: response.status, headers: response.headers, echoed: reached ? (JSON.parse(text) as Echoed) : undefined };
}

const SPOOFS = { 'X-User-Id': 'admin', 'X-User-Role': 'admin', 'X-Scope': 'everything', X_User_Id: 'admin', 'X-Authgate-Identity': 'forged' };

describe('nginx auth_request → @authgate/gateway → service', () => {
  it('forwards a valid token with the identity headers set from the token', async () => {
    const token = await issuer.sign({ sub: 'user-42', scope: 'orders:read', roles: ['ops'] });
    const { status, echoed } = await get('/orders/7?x=1', { authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(echoed!.url).toBe('/orders/7?x=1');
    expect(echoed!.headers['x-user-id']).toBe('user-42');
    expect(echoed!.headers['x-user-role']).toBe('ops');
    expect(echoed!.headers['x-scope']).toBe('orders:read');
    expect(echoed!.headers['x-token-issuer']).toBe(issuer.url);
  });

  it('never lets a client-sent x-user-id reach the service, with a token', async () => {
    const token = await issuer.sign({ sub: 'user-42', scope: 'orders:read' });
    const { status, echoed } = await get('/orders/7', { authorization: `Bearer ${token}`, ...SPOOFS });
    expect(status).toBe(200);
    expect(echoed!.headers['x-user-id']).toBe('user-42');
    expect(echoed!.headers['x-user-role']).toBeUndefined();
    expect(echoed!.headers['x-scope']).toBe('orders:read');
    expect(echoed!.rawHeaders.filter((_, i) => i % 2 === 1)).not.toContain('admin');
    expect(hasAnySpelling(echoed!.rawHeaders, 'x-authgate-identity')).toBe(false);
  });

  it('never lets a client-sent x-user-id reach the service, without a token (public path)', async () => {
    const { status, echoed } = await get('/docs/intro', SPOOFS);
    expect(status).toBe(200);
    for (const name of ['x-user-id', 'x-user-role', 'x-scope', 'x-authgate-identity'])
      expect(hasAnySpelling(echoed!.rawHeaders, name), name).toBe(false);
  });

  it('answers 401 with the challenge for a missing or bad token, and the service never sees the request', async () => {
    const missing = await get('/orders/7');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(missing.echoed).toBeUndefined();
    const expired = await get('/orders/7', { authorization: `Bearer ${await issuer.bad.expired()}` });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers 403 insufficient_scope with the challenge passed through', async () => {
    const token = await issuer.sign({ sub: 'user-42', scope: 'profile' });
    const { status, headers, echoed } = await get('/orders/7', { authorization: `Bearer ${token}` });
    expect(status).toBe(403);
    expect(headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read"',
    );
    expect(echoed).toBeUndefined();
  });

  it('judges the path the service will see: encoded dot segments do not reach a protected path as public', async () => {
    const { status, echoed } = await get('/docs/%2e%2e/orders/7');
    expect(status).toBe(401);
    expect(echoed).toBeUndefined();
  });

  it("answers 500/503 when the gateway is down, never the service's 200", async () => {
    const token = await issuer.sign({ sub: 'user-42', scope: 'orders:read' });
    await gateway.close();
    const down = await get('/orders/7', { authorization: `Bearer ${token}` });
    expect([500, 503]).toContain(down.status);
    expect(down.echoed).toBeUndefined();
    const publicPath = await get('/docs/intro');
    expect([500, 503]).toContain(publicPath.status);
    expect(publicPath.echoed).toBeUndefined();
  });
});
