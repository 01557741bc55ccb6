import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwtAuth from '@authgate/fastify';
import { AUDIENCE, ISSUER, bearer, call, deadUrl, logCapture, startIssuer, type Answer, type TestIssuer } from './helpers.js';

// One real listening server, called with fetch, for the whole request flow. Every token sent is remembered, so the
// last test can prove that none of them (nor their signatures) ever reached a response or a log line.

let issuer: TestIssuer;
let app: FastifyInstance;
let base: string;
const logs = logCapture();
const sentTokens = new Set<string>();
const answers: Answer[] = [];

function remember(token: string): string {
  sentTokens.add(token);
  return token;
}

async function get(path: string, token?: string): Promise<Answer> {
  const answer = await call(base, path, token === undefined ? {} : bearer(remember(token)));
  answers.push(answer);
  return answer;
}

beforeAll(async () => {
  issuer = await startIssuer();
  app = Fastify({ logger: { level: 'trace', stream: logs.stream } });
  await app.register(jwtAuth, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: issuer.jwksUri });
  app.get('/me', async (request) => ({ subject: request.auth?.subject, scopes: request.auth?.scopes, tenant: request.auth?.claims.tenant }));
  app.get('/orders', { preHandler: app.requireScope('orders:read') }, async (request) => ({ orders: [], for: request.auth?.subject }));
  app.get('/orders/admin', { preHandler: app.requireScope('orders:read', 'orders:admin') }, async () => ({ ok: true }));
  app.get('/reports', { preHandler: app.requireAnyScope('reports:read', 'admin') }, async () => ({ reports: [] }));
  app.get('/maybe', { config: { auth: 'optional' } }, async (request) => ({ anonymous: request.auth === null, subject: request.auth?.subject }));
  app.get('/maybe/scoped', { config: { auth: 'optional' }, preHandler: app.requireScope('orders:read') }, async () => ({ ok: true }));
  app.get('/public', { config: { auth: false } }, async (request) => ({ auth: request.auth }));
  app.get('/miswired', { config: { auth: false }, preHandler: app.requireScope('orders:read') }, async () => ({ leaked: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await issuer.close();
});

/** Node's fetch cannot send a header twice; node:http with a raw header list can. Resolves the status. */
function sendTwoAuthorizationHeaders(token: string): Promise<number> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise<number>((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, path: '/me', headers: ['authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`] },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    outgoing.on('error', reject).end();
  });
}

function expectChallenge(answer: Answer, status: number, challenge: string, error: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('www-authenticate')).toBe(challenge);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.body).toEqual({ error, error_description: expect.any(String) });
}

describe('@authgate/fastify over a real server', () => {
  it('lets a valid token through and attaches the typed identity as request.auth', async () => {
    const answer = await get('/me', issuer.token({ scope: 'orders:read profile', tenant: 'acme' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ subject: 'user-1', scopes: ['orders:read', 'profile'], tenant: 'acme' });
  });

  it('answers a request without credentials 401 with a bare challenge (no error attribute, RFC 6750 §3.1)', async () => {
    const answer = await get('/me');
    expectChallenge(answer, 401, 'Bearer realm="api"', 'unauthorized');
  });

  it('answers a bad token 401 invalid_token', async () => {
    const answer = await get('/me', issuer.forgedToken());
    expectChallenge(answer, 401, 'Bearer realm="api", error="invalid_token", error_description="The token signature is invalid"', 'invalid_token');
    const expired = await get('/me', issuer.token({ exp: Math.floor(Date.now() / 1000) - 600 }));
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers a malformed Authorization header 400 invalid_request', async () => {
    const answer = await call(base, '/me', { headers: { authorization: 'Bearer two tokens' } });
    expectChallenge(
      answer,
      400,
      'Bearer realm="api", error="invalid_request", error_description="Malformed Authorization header"',
      'invalid_request',
    );
  });

  it('answers another scheme 401 without an error attribute', async () => {
    const answer = await call(base, '/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expectChallenge(answer, 401, 'Bearer realm="api"', 'unauthorized');
  });

  it('answers two Authorization headers 400 (Node keeps only the first; the plugin reads rawHeaders)', async () => {
    expect(await sendTwoAuthorizationHeaders(remember(issuer.token()))).toBe(400);
  });

  it('a repeated token (served from the hot cache, synchronously) still gets every answer right', async () => {
    const token = issuer.token({ scope: 'orders:read', tenant: 'acme' });
    for (let i = 0; i < 5; i += 1) expect((await get('/me', token)).body).toEqual({ subject: 'user-1', scopes: ['orders:read'], tenant: 'acme' });
    expect((await get('/orders', token)).status).toBe(200);
    expect((await get('/orders/admin', token)).status).toBe(403);
    expect((await get('/maybe', token)).body).toEqual({ anonymous: false, subject: 'user-1' });
    expect((await get('/public', token)).body).toEqual({ auth: null });
    expect(await sendTwoAuthorizationHeaders(token)).toBe(400);
    expect((await call(base, '/me', { headers: { authorization: `Bearer ${token} extra` } })).status).toBe(400);
  });

  it('requireScope: 403 insufficient_scope naming the scopes when one is missing, 200 when all are granted', async () => {
    const lacking = await get('/orders', issuer.token({ scope: 'profile' }));
    expectChallenge(
      lacking,
      403,
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read"',
      'insufficient_scope',
    );
    expect((await get('/orders', issuer.token({ scope: 'orders:read' }))).body).toEqual({ orders: [], for: 'user-1' });
    const partial = await get('/orders/admin', issuer.token({ scope: 'orders:read' }));
    expect(partial.status).toBe(403);
    expect(partial.headers.get('www-authenticate')).toContain('scope="orders:read orders:admin"');
    expect((await get('/orders/admin', issuer.token({ scp: ['orders:read', 'orders:admin'] }))).status).toBe(200);
  });

  it('refuses a bad token on a scoped route with 401, never 403', async () => {
    const answer = await get('/orders', issuer.forgedToken({ scope: 'orders:read' }));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await get('/orders')).status).toBe(401);
  });

  it('requireAnyScope: one listed scope is enough', async () => {
    expect((await get('/reports', issuer.token({ scope: 'admin' }))).status).toBe(200);
    expect((await get('/reports', issuer.token({ scope: 'reports:read' }))).status).toBe(200);
    const neither = await get('/reports', issuer.token({ scope: 'orders:read' }));
    expect(neither.status).toBe(403);
    expect(neither.headers.get('www-authenticate')).toContain('scope="reports:read admin"');
  });

  it("config.auth 'optional': anonymous without credentials, identity with a good token, 401 with a bad one", async () => {
    expect((await get('/maybe')).body).toEqual({ anonymous: true });
    expect((await get('/maybe', issuer.token())).body).toEqual({ anonymous: false, subject: 'user-1' });
    expect((await get('/maybe', issuer.forgedToken())).status).toBe(401);
    expect((await call(base, '/maybe', { headers: { authorization: 'Bearer a b' } })).status).toBe(400);
  });

  it('requireScope on an optional route challenges an anonymous request with 401 (not 403)', async () => {
    const anonymous = await get('/maybe/scoped');
    expectChallenge(anonymous, 401, 'Bearer realm="api"', 'unauthorized');
    expect((await get('/maybe/scoped', issuer.token({ scope: 'orders:read' }))).status).toBe(200);
  });

  it('config.auth false: the route is not authenticated at all (request.auth stays null)', async () => {
    expect(await get('/public')).toMatchObject({ status: 200, body: { auth: null } });
    expect(await get('/public', issuer.forgedToken())).toMatchObject({ status: 200, body: { auth: null } });
  });

  it('requireScope on a route the authentication hook skipped is a wiring bug: 500 and an error log, never a pass', async () => {
    const answer = await get('/miswired', issuer.token({ scope: 'orders:read' }));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
    const logged = logs.lines.map((line) => JSON.parse(line) as { level: number; msg: string; url?: string });
    expect(logged.some((line) => line.level === 50 && line.msg.includes('not authenticated') && line.url === '/miswired')).toBe(true);
  });

  it('logs every refusal with its reason, and never a token, in responses or logs', () => {
    expect(sentTokens.size).toBeGreaterThan(5);
    const refusals = logs.lines.filter((line) => line.includes('authgate: request refused'));
    expect(refusals.some((line) => line.includes('"reason":"signature_invalid"'))).toBe(true);
    for (const token of sentTokens) {
      const signature = token.split('.')[2] as string;
      for (const line of logs.lines) {
        expect(line).not.toContain(signature);
        expect(line).not.toContain(token.slice(0, 40));
      }
      for (const answer of answers) {
        expect(answer.text).not.toContain(signature);
        expect(JSON.stringify([...answer.headers])).not.toContain(signature);
      }
    }
  });

  it('exposes the verifier for readiness probes', () => {
    expect(app.authVerifier.health()).toMatchObject({ ok: true });
  });
});

describe('token locations', () => {
  it('does not read a token from the query string by default', async () => {
    const local = Fastify();
    await local.register(jwtAuth, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: issuer.jwksUri });
    local.get('/me', async (request) => ({ subject: request.auth?.subject }));
    const response = await local.inject({ url: '/me', query: { access_token: issuer.token() } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    await local.close();
  });

  it('reads the query (opt-in) in onRequest, and a form body (opt-in) after parsing', async () => {
    const local = Fastify();
    await local.register(jwtAuth, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      jwksUri: issuer.jwksUri,
      tokenLocations: { query: true, body: true },
    });
    local.all('/me', async (request) => ({ subject: request.auth?.subject }));
    expect((await local.inject({ url: '/me', query: { access_token: issuer.token() } })).json()).toEqual({ subject: 'user-1' });
    const posted = await local.inject({ method: 'POST', url: '/me', payload: { access_token: issuer.token({ sub: 'poster' }) } });
    expect(posted.json()).toEqual({ subject: 'poster' });
    const twice = await local.inject({
      method: 'POST',
      url: '/me',
      query: { access_token: issuer.token() },
      payload: { access_token: issuer.token() },
    });
    expect(twice.statusCode).toBe(400);
    await local.close();
  });
});

describe('key source down', () => {
  it('answers 503 with Retry-After and no challenge when no keys can be had', async () => {
    const down = Fastify();
    await down.register(jwtAuth, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: await deadUrl() });
    down.get('/me', async () => ({ ok: true }));
    await down.listen({ port: 0, host: '127.0.0.1' });
    const answer = await call(`http://127.0.0.1:${(down.server.address() as AddressInfo).port}`, '/me', bearer(issuer.token()));
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.headers.get('www-authenticate')).toBeNull();
    expect(answer.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(down.authVerifier.health().ok).toBe(false);
    await down.close();
  });
});
