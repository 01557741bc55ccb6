import { createPrivateKey, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { jwtAuth } from '@authgate/express';
import { createGateway } from '@authgate/gateway';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import express from 'express';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identitySigningKey } from './helpers/identity-key.js';

// The signed identity end to end: the gateway mints it for an allowed request; a service verifies it with the
// ordinary Express adapter against the gateway's own /.well-known/jwks.json — no token logic of its own.
const AUDIENCE = 'orders-api';
const GATEWAY_ISSUER = 'https://gateway.internal';

let issuer: TestIssuer;
let gateway: FastifyInstance;
let gatewayUrl: string;
let service: Server;
let serviceUrl: string;

beforeAll(async () => {
  issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  gateway = createGateway({
    verifier: { issuer: issuer.url, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: issuer.jwksUri },
    forwardIdentity: { sign: { key: identitySigningKey('gw-1'), issuer: GATEWAY_ISSUER, audience: 'orders-svc', ttl: 3 } },
    logLevel: 'silent',
  });
  gatewayUrl = await gateway.listen({ port: 0, host: '127.0.0.1' });
  const app = express();
  app.use(
    jwtAuth({
      issuer: GATEWAY_ISSUER,
      audience: 'orders-svc',
      algorithms: ['ES256'],
      jwksUri: `${gatewayUrl}/.well-known/jwks.json`,
      typ: 'authgate-identity+jwt',
      tokenLocations: { header: 'x-authgate-identity' },
      clockTolerance: 0,
    }),
  );
  app.get('/orders', (req, res) => void res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes, issuedBy: req.auth?.claims.token_iss }));
  service = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});

afterAll(async () => {
  service?.closeAllConnections();
  await new Promise((resolve) => service?.close(resolve));
  await gateway?.close();
  await issuer?.close();
});

async function assertionFor(claims: Record<string, unknown>): Promise<string> {
  const decision = await fetch(`${gatewayUrl}/auth`, {
    headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/orders', authorization: `Bearer ${await issuer.sign(claims)}` },
  });
  expect(decision.status).toBe(200);
  return decision.headers.get('x-authgate-identity')!;
}

const callService = (assertion: string) => fetch(`${serviceUrl}/orders`, { headers: { 'x-authgate-identity': assertion } });

describe('signed identity: gateway → service', () => {
  it('is accepted by a service verifying with jwtAuth against the gateway JWKS', async () => {
    const response = await callService(await assertionFor({ sub: 'user-5', scope: 'orders:read' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'user-5', scopes: ['orders:read'], issuedBy: issuer.url });
  });

  it('is refused once re-signed with another key under the same kid', async () => {
    const [header, payload] = (await assertionFor({ sub: 'user-5' })).split('.');
    const forged = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as object), sub: 'admin' };
    const input = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}`;
    const stranger = createPrivateKey({ key: identitySigningKey('gw-1') as never, format: 'jwk' });
    const signature = sign('sha256', Buffer.from(input), { key: stranger, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const response = await callService(`${input}.${signature}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('is refused once expired (ttl 3 s, no clock tolerance at the service)', async () => {
    const assertion = await assertionFor({ sub: 'user-5' });
    await new Promise((resolve) => setTimeout(resolve, 4100));
    const response = await callService(assertion);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error_description="The access token expired"');
  });

  it('is not the access token: the service refuses the bearer token itself and a missing assertion', async () => {
    const direct = await fetch(`${serviceUrl}/orders`, { headers: { authorization: `Bearer ${await issuer.sign({ sub: 'user-5' })}` } });
    expect(direct.status).toBe(401);
  });
});
