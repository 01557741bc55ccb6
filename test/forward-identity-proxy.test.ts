import type { AddressInfo } from 'node:net';
import proxy from '@fastify/http-proxy';
import { jwtAuth as expressAuth } from '@authgate/express';
import { jwtAuth as fastifyAuth } from '@authgate/fastify';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import express from 'express';
import Fastify from 'fastify';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAnySpelling, startEchoUpstream, type Echoed, type EchoUpstream } from './helpers/echo-upstream.js';
import { identitySigningKey } from './helpers/identity-key.js';

const AUDIENCE = 'orders-api';
let issuer: TestIssuer;
let upstream: EchoUpstream;

beforeAll(async () => {
  issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream.close();
  await issuer.close();
});

const SPOOFS = { 'x-user-id': 'admin', X_User_Id: 'admin', 'x-user_role': 'admin', 'X-Scope': 'everything', 'x-authgate-identity': 'forged' };

interface Front {
  origin: string;
  close(): Promise<void>;
}

async function expressFront(forwardIdentity: Parameters<typeof expressAuth>[0]['forwardIdentity']): Promise<Front> {
  const app = express();
  const auth = expressAuth({
    issuer: issuer.url,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwksUri: issuer.jwksUri,
    optional: true,
    forwardIdentity,
  });
  app.get('/.well-known/jwks.json', (_req, res) => void res.json(auth.identityJwks));
  app.use(auth);
  app.use('/api', createProxyMiddleware({ target: upstream.url }));
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function fastifyFront(forwardIdentity: Parameters<typeof expressAuth>[0]['forwardIdentity']): Promise<Front> {
  const app = Fastify();
  await app.register(fastifyAuth, {
    issuer: issuer.url,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwksUri: issuer.jwksUri,
    optional: true,
    forwardIdentity,
  });
  app.get('/.well-known/jwks.json', { config: { auth: false } }, async () => app.authIdentityJwks);
  await app.register(proxy, { upstream: upstream.url, prefix: '/api' });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { origin, close: () => app.close() };
}

async function through(front: Front, headers: Record<string, string>): Promise<{ status: number; echoed: Echoed | undefined }> {
  const response = await fetch(`${front.origin}/api/orders`, { headers });
  return { status: response.status, echoed: response.status === 200 ? ((await response.json()) as Echoed) : undefined };
}

describe.each([
  ['Express + http-proxy-middleware', expressFront],
  ['Fastify + @fastify/http-proxy', fastifyFront],
] as const)('forwardIdentity through %s', (_name, start) => {
  it('sets the identity headers from the token and drops every spoofed spelling', async () => {
    const front = await start(true);
    try {
      const token = await issuer.sign({ sub: 'user-7', scope: 'orders:read', roles: ['ops'], client_id: 'web' });
      const { status, echoed } = await through(front, { authorization: `Bearer ${token}`, ...SPOOFS });
      expect(status).toBe(200);
      expect(echoed!.headers['x-user-id']).toBe('user-7');
      expect(echoed!.headers['x-user-role']).toBe('ops');
      expect(echoed!.headers['x-scope']).toBe('orders:read');
      expect(echoed!.headers['x-client-id']).toBe('web');
      expect(echoed!.headers.authorization).toBe(`Bearer ${token}`);
      const values = echoed!.rawHeaders.filter((_, i) => i % 2 === 1);
      expect(values).not.toContain('admin');
      expect(values).not.toContain('everything');
      expect(hasAnySpelling(echoed!.rawHeaders, 'x-authgate-identity')).toBe(false);
    } finally {
      await front.close();
    }
  });

  it('drops spoofed identity headers from anonymous requests too', async () => {
    const front = await start(true);
    try {
      const { status, echoed } = await through(front, SPOOFS);
      expect(status).toBe(200);
      for (const name of ['x-user-id', 'x-user-role', 'x-scope', 'x-authgate-identity'])
        expect(hasAnySpelling(echoed!.rawHeaders, name), name).toBe(false);
    } finally {
      await front.close();
    }
  });

  it("renames headers and keeps the token from the service with token: 'strip'", async () => {
    const front = await start({ token: 'strip', headers: { 'x-user-id': false, 'x-subject': 'sub', 'x-tenant': ['org', 'tenant'] } });
    try {
      const token = await issuer.sign({ sub: 'user-8', org: { tenant: 'acme' } });
      const { echoed } = await through(front, { authorization: `Bearer ${token}`, 'x-tenant': 'evil', 'x-user-id': 'admin' });
      expect(echoed!.headers['x-subject']).toBe('user-8');
      expect(echoed!.headers['x-tenant']).toBe('acme');
      expect(hasAnySpelling(echoed!.rawHeaders, 'x-user-id')).toBe(false);
      expect(echoed!.headers.authorization).toBeUndefined();
    } finally {
      await front.close();
    }
  });

  it('sends a signed identity the service verifies with the same core, against the JWKS the app serves', async () => {
    const front = await start({ sign: { key: identitySigningKey('front-1'), issuer: 'https://front.test', audience: 'orders-svc' } });
    try {
      const jwks = (await (await fetch(`${front.origin}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
      expect(jwks.keys[0]).toMatchObject({ kid: 'front-1', alg: 'ES256' });
      expect(jwks.keys[0]).not.toHaveProperty('d');
      const { createVerifier, createRequestAuthenticator } = await import('@authgate/core');
      const service = createVerifier({
        issuer: 'https://front.test',
        audience: 'orders-svc',
        algorithms: ['ES256'],
        jwksUri: `${front.origin}/.well-known/jwks.json`,
        typ: 'authgate-identity+jwt',
      });
      const authenticate = createRequestAuthenticator(service, { tokenLocations: { header: 'x-authgate-identity' } });
      const { echoed } = await through(front, { authorization: `Bearer ${await issuer.sign({ sub: 'user-9', scope: 'a b' })}` });
      const identity = await authenticate({ headers: echoed!.headers, rawHeaders: echoed!.rawHeaders });
      expect(identity?.subject).toBe('user-9');
      expect(identity?.scopes).toEqual(['a', 'b']);
      service.close();
    } finally {
      await front.close();
    }
  });
});
