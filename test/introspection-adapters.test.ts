/**
 * Introspection and requireActive() through both adapters over HTTP (issue #13): the same answers from Express and
 * Fastify, scope guards re-run on cache hits, revocation at once on requireActive() routes, faults as 503.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { jwtAuth as expressAuth, requireActive, requireScope } from '@authgate/express';
import fastifyAuth from '@authgate/fastify';
import type { VerifierOptions } from '@authgate/core';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const AUDIENCE = 'orders-api';
let issuer: TestIssuer;
const origins: Record<'express' | 'fastify', string> = { express: '', fastify: '' };
let expressServer: http.Server;
let fastifyApp: FastifyInstance;

const options = (): VerifierOptions => ({
  issuer: issuer.url,
  audience: AUDIENCE,
  algorithms: ['RS256'],
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  introspection: { clientId: 'test-api', clientSecret: 'test-api-secret', timeout: 0.5, cache: { maxTtl: 60 } },
});

beforeAll(async () => {
  issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  const app = express();
  app.use(expressAuth(options()));
  app.get('/me', (req, res) => void res.json({ sub: req.auth?.subject, source: req.auth?.source, scopes: req.auth?.scopes }));
  app.get('/orders', requireScope('orders:read'), (_req, res) => void res.json({ ok: true }));
  app.post('/transfer', requireActive(), (_req, res) => void res.json({ ok: true }));
  expressServer = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => expressServer.once('listening', resolve));
  origins.express = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;

  fastifyApp = Fastify();
  await fastifyApp.register(fastifyAuth, options());
  fastifyApp.get('/me', async (request) => ({ sub: request.auth?.subject, source: request.auth?.source, scopes: request.auth?.scopes }));
  fastifyApp.get('/orders', { preHandler: fastifyApp.requireScope('orders:read') }, async () => ({ ok: true }));
  fastifyApp.post('/transfer', { preHandler: fastifyApp.requireActive() }, async () => ({ ok: true }));
  origins.fastify = await fastifyApp.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await fastifyApp.close();
  await new Promise((resolve) => expressServer.close(resolve));
  await issuer.close();
});

const call = (origin: string, path: string, token: string, method = 'GET') =>
  fetch(`${origin}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

describe.each(['express', 'fastify'] as const)('%s', (framework) => {
  const origin = () => origins[framework];

  it('accepts an opaque token with its scopes, and re-runs the scope guard on a cache hit', async () => {
    const reader = issuer.opaqueToken({ sub: 'reader', scope: 'orders:read' });
    const nobody = issuer.opaqueToken({ sub: 'nobody', scope: 'profile' });
    expect(await (await call(origin(), '/me', reader)).json()).toEqual({ sub: 'reader', source: 'introspection', scopes: ['orders:read'] });
    for (let round = 0; round < 2; round += 1) {
      expect((await call(origin(), '/orders', reader)).status).toBe(200);
      const refused = await call(origin(), '/orders', nobody);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope');
    }
  });

  it('requireActive() refuses a revoked JWT at once, while plain routes keep verifying it locally', async () => {
    const jwt = await issuer.sign({ sub: 'payer' });
    expect((await call(origin(), '/transfer', jwt, 'POST')).status).toBe(200);
    issuer.revoke(jwt);
    const refused = await call(origin(), '/transfer', jwt, 'POST');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await call(origin(), '/me', jwt)).status).toBe(200);
  });

  it('requireActive() never answers from a cached active result: an opaque token revoked after caching', async () => {
    const token = issuer.opaqueToken({ sub: 'payer' });
    expect((await call(origin(), '/me', token)).status).toBe(200);
    issuer.revoke(token);
    issuer.introspection.resetCount();
    expect((await call(origin(), '/transfer', token, 'POST')).status).toBe(401);
    expect(issuer.introspection.requests).toBe(1);
    // The fresh answer replaced the cached one: every route refuses now.
    expect((await call(origin(), '/me', token)).status).toBe(401);
  });

  it('answers 503 with Retry-After and temporarily_unavailable when the endpoint fails', async () => {
    issuer.introspection.status(500);
    try {
      const response = await call(origin(), '/me', issuer.opaqueToken({}));
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(((await response.json()) as { error: string }).error).toBe('temporarily_unavailable');
      const jwt = await issuer.sign({});
      expect((await call(origin(), '/transfer', jwt, 'POST')).status).toBe(503);
    } finally {
      issuer.introspection.recover();
    }
  });
});
