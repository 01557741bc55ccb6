/**
 * A route that needs both identities: the workload that calls (a JWT-SVID in `x-workload-token`, verified against a
 * local SPIFFE trust bundle) and the user on whose behalf it calls (the bearer token). Through Express and Fastify
 * over real HTTP: either one missing is refused with its own status and challenge.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, type Algorithm, type Identity, type WorkloadOptions } from '@authgate/core';
import { jwtAuth as expressAuth, requireClient, requireUser, requireWorkload } from '@authgate/express';
import fastifyAuth from '@authgate/fastify';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';

const AUDIENCE = 'orders-api';
const CHECKOUT = 'spiffe://example.org/ns/prod/sa/checkout';
const BILLING = 'spiffe://example.org/ns/prod/sa/billing';

let issuer: TestIssuer;
let svidKey: { privateKey: CryptoKey; jwk: JWK };
let x509Key: { privateKey: CryptoKey; jwk: JWK };
let workload: WorkloadOptions;

async function bundleKey(kid: string, use: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use } };
}

async function svid(sub: string, key = svidKey, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub, aud: AUDIENCE, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid as string, typ: 'JWT' })
    .sign(key.privateKey);
}

beforeAll(async () => {
  issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  [svidKey, x509Key] = await Promise.all([bundleKey('svid', 'jwt-svid'), bundleKey('x509', 'x509-svid')]);
  workload = providers.spiffe({ trustDomain: 'example.org', audience: AUDIENCE, bundle: { keys: [svidKey.jwk, x509Key.jwk] } });
});
afterAll(() => issuer?.close());

const userOptions = () => ({ issuer: issuer.url, audience: AUDIENCE, algorithms: ['RS256'] as Algorithm[], jwksUri: issuer.jwksUri });
const describeCaller = (user: Identity<object> | null | undefined, caller: Identity<object> | null | undefined) => ({
  user: user?.subject,
  kind: user?.kind,
  workload: caller?.workload,
});

async function expressApp(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(expressAuth({ ...userOptions(), workload }));
  app.get('/orders', requireWorkload(CHECKOUT), requireUser(), (req, res) => void res.json(describeCaller(req.auth, req.workload)));
  app.get('/any-workload', requireWorkload(), (req, res) => void res.json(describeCaller(req.auth, req.workload)));
  app.get('/batch', requireClient('batch-job'), (req, res) => void res.json(describeCaller(req.auth, req.workload)));
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function fastifyApp(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify();
  await app.register(fastifyAuth, { ...userOptions(), workload });
  app.get('/orders', { preHandler: [app.requireWorkload(CHECKOUT), app.requireUser()] }, async (request) =>
    describeCaller(request.auth, request.workload),
  );
  app.get('/any-workload', { preHandler: app.requireWorkload() }, async (request) => describeCaller(request.auth, request.workload));
  app.get('/batch', { preHandler: app.requireClient('batch-job') }, async (request) => describeCaller(request.auth, request.workload));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

describe.each([
  ['express', expressApp],
  ['fastify', fastifyApp],
] as const)('workload + user on %s', (_name, start) => {
  let app: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    app = await start();
  });
  afterAll(() => app?.close());

  async function call(
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
    const response = await fetch(`${app.url}${path}`, { headers });
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> };
  }

  it('both present: the handler sees the user and the workload', async () => {
    const answer = await call('/orders', {
      authorization: `Bearer ${await issuer.sign({ sub: 'alice' })}`,
      'x-workload-token': await svid(CHECKOUT),
    });
    expect(answer).toMatchObject({ status: 200, body: { user: 'alice', kind: 'user', workload: CHECKOUT } });
  });

  it('no workload token: 401 with a challenge of the workload realm', async () => {
    const answer = await call('/orders', { authorization: `Bearer ${await issuer.sign({ sub: 'alice' })}` });
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe('Bearer realm="workload"');
    expect(answer.body).toEqual({ error: 'unauthorized', error_description: 'Workload authentication required' });
  });

  it('no user token: 401 with the API realm challenge', async () => {
    const answer = await call('/orders', { 'x-workload-token': await svid(CHECKOUT) });
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe('Bearer realm="api"');
  });

  it('an invalid workload token: 401 invalid_token (another trust domain, an x509-svid key, no aud)', async () => {
    const user = `Bearer ${await issuer.sign({ sub: 'alice' })}`;
    for (const token of [
      await svid('spiffe://example.org.evil.com/ns/prod/sa/checkout'),
      await svid(CHECKOUT, x509Key),
      await svid(CHECKOUT, svidKey, { aud: undefined }),
    ]) {
      const answer = await call('/orders', { authorization: user, 'x-workload-token': token });
      expect(answer.status).toBe(401);
      expect(answer.challenge).toMatch(/^Bearer realm="workload", error="invalid_token"/);
    }
  });

  it('another workload: 403 insufficient_scope; any workload is fine where none is named', async () => {
    const user = `Bearer ${await issuer.sign({ sub: 'alice' })}`;
    const other = await call('/orders', { authorization: user, 'x-workload-token': await svid(BILLING) });
    expect(other.status).toBe(403);
    expect(other.challenge).toContain('error="insufficient_scope"');
    expect((await call('/any-workload', { authorization: user, 'x-workload-token': await svid(BILLING) })).body).toMatchObject({ workload: BILLING });
  });

  it('requireUser refuses a client-credentials token; requireClient takes only the named client', async () => {
    const headers = async (claims: Record<string, unknown>) => ({
      authorization: `Bearer ${await issuer.sign(claims)}`,
      'x-workload-token': await svid(CHECKOUT),
    });
    expect((await call('/orders', await headers({ sub: 'batch-job', client_id: 'batch-job' }))).status).toBe(403);
    expect((await call('/batch', await headers({ sub: 'batch-job', client_id: 'batch-job' }))).status).toBe(200);
    expect((await call('/batch', await headers({ sub: 'other-job', client_id: 'other-job' }))).status).toBe(403);
    expect((await call('/batch', await headers({ sub: 'alice', client_id: 'batch-job' }))).status).toBe(403);
  });
});
