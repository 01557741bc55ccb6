/**
 * Opaque and encrypted access tokens from a real authorization server (issue #13): panva's oidc-provider with its
 * `introspection` and `revocation` features, opaque tokens from client_credentials, and a resource server whose JWT
 * access tokens are encrypted to the API's key. Through both adapters over HTTP.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { jwtAuth as expressAuth, requireActive, requireScope } from '@authgate/express';
import fastifyAuth from '@authgate/fastify';
import type { KeySourceEvent, VerifierOptions } from '@authgate/core';
import { generateEncryptionKey } from '@authgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, startProvider, type RunningProvider } from './helpers/oidc-provider.js';

const AUDIENCE = 'orders-api';
const OPAQUE = 'urn:authgate:orders:opaque';
const ENCRYPTED = 'urn:authgate:orders:encrypted';
const API_CLIENT = { id: 'orders-api-introspector', secret: 'introspector-secret-1' };
const MAX_TTL = 1;
const encryptionKey = generateEncryptionKey('RSA', 'orders-enc-1');

let op: RunningProvider;
const events: KeySourceEvent[] = [];
const origins = { express: '', fastify: '', wrongSecret: '' };
const servers: http.Server[] = [];
let fastifyApp: FastifyInstance;

function options(clientSecret = API_CLIENT.secret, onEvent?: (event: KeySourceEvent) => void): VerifierOptions {
  return {
    issuer: op.issuer,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    introspection: { clientId: API_CLIENT.id, clientSecret, cache: { maxTtl: MAX_TTL } },
    decryption: { keys: [encryptionKey.privateJwk] },
    ...(onEvent === undefined ? {} : { onEvent }),
  };
}

async function expressOn(verifierOptions: VerifierOptions): Promise<string> {
  const app = express();
  app.use(expressAuth(verifierOptions));
  app.get(
    '/orders',
    requireScope('orders:read'),
    (req, res) => void res.json({ sub: req.auth?.subject, source: req.auth?.source, clientId: req.auth?.clientId, scopes: req.auth?.scopes }),
  );
  app.post('/refund', requireActive(), (_req, res) => void res.json({ ok: true }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  op = await startProvider({
    keys: [await generateSigningKey('ES256', 'op-es256-1')],
    introspectionClient: API_CLIENT,
    resources: {
      [OPAQUE]: { audience: AUDIENCE, scope: 'orders:read orders:write', alg: 'ES256', format: 'opaque' },
      [ENCRYPTED]: {
        audience: AUDIENCE,
        scope: 'orders:read',
        alg: 'ES256',
        encrypt: { alg: 'RSA-OAEP-256', enc: 'A256GCM', key: encryptionKey.publicJwk },
      },
    },
  });
  origins.express = await expressOn(options());
  origins.wrongSecret = await expressOn(options('not-the-secret', (event) => events.push(event)));
  fastifyApp = Fastify();
  await fastifyApp.register(fastifyAuth, options());
  fastifyApp.get('/orders', { preHandler: fastifyApp.requireScope('orders:read') }, async (request) => ({
    sub: request.auth?.subject,
    source: request.auth?.source,
    clientId: request.auth?.clientId,
    scopes: request.auth?.scopes,
  }));
  fastifyApp.post('/refund', { preHandler: fastifyApp.requireActive() }, async () => ({ ok: true }));
  origins.fastify = await fastifyApp.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await fastifyApp?.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await op?.close();
});

const call = (origin: string, path: string, token: string, method = 'GET') =>
  fetch(`${origin}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['express', 'fastify'] as const)('oidc-provider through %s', (framework) => {
  const origin = () => origins[framework];

  it('accepts an opaque client_credentials token with its scopes, by introspection', async () => {
    const token = await op.tokenFor({ resource: OPAQUE, scope: 'orders:read' });
    expect(token.split('.')).toHaveLength(1);
    const response = await call(origin(), '/orders', token);
    expect(response.status).toBe(200);
    // oidc-provider's introspection of a client_credentials token names the client, and no subject (no end-user).
    expect(await response.json()).toEqual({ source: 'introspection', clientId: op.clientId, scopes: ['orders:read'] });
  });

  it('refuses a token revoked at the server once the cache TTL passes, and at once on a requireActive() route', async () => {
    const token = await op.tokenFor({ resource: OPAQUE, scope: 'orders:read' });
    expect((await call(origin(), '/orders', token)).status).toBe(200);
    expect((await call(origin(), '/refund', token, 'POST')).status).toBe(200);
    expect(await op.revoke(token)).toBe(200);
    expect((await call(origin(), '/refund', token, 'POST')).status).toBe(401);
    // requireActive's fresh answer replaced the cached one; a token revoked without that waits out maxTtl.
    expect((await call(origin(), '/orders', token)).status).toBe(401);
    const second = await op.tokenFor({ resource: OPAQUE, scope: 'orders:read' });
    expect((await call(origin(), '/orders', second)).status).toBe(200);
    expect(await op.revoke(second)).toBe(200);
    expect((await call(origin(), '/orders', second)).status).toBe(200);
    await sleep(MAX_TTL * 1000 + 100);
    const refused = await call(origin(), '/orders', second);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('accepts an encrypted JWT access token (nested JWE, cty at+jwt) from the resource server', async () => {
    const token = await op.tokenFor({ resource: ENCRYPTED, scope: 'orders:read' });
    expect(token.split('.')).toHaveLength(5);
    const response = await call(origin(), '/orders', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: op.clientId, source: 'jwt', scopes: ['orders:read'] });
  });
});

describe('oidc-provider: our own misconfiguration', () => {
  it('a wrong client secret at the introspection endpoint is a 503 and an error event, not a 401 for the user', async () => {
    const token = await op.tokenFor({ resource: OPAQUE, scope: 'orders:read' });
    const response = await call(origins.wrongSecret, '/orders', token);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).not.toBeNull();
    expect(((await response.json()) as { error: string }).error).toBe('temporarily_unavailable');
    expect(events).toContainEqual(expect.objectContaining({ type: 'introspection_failed', kind: 'client_rejected' }));
  });
});
