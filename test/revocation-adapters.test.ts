import express from 'express';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRevocationList, type VerifierOptions } from '@authgate/core';
import { jwtAuth } from '@authgate/express';
import authgate from '@authgate/fastify';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';

// The revocation option reaches the verifier through both adapters, and a revoked token that was being served from
// the cache (the adapters' synchronous fast path) is answered 401 invalid_token from then on.
const AUDIENCE = 'orders-api';
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
});
afterAll(() => issuer?.close());

const options = (revocation: ReturnType<typeof createMemoryRevocationList>): VerifierOptions => ({
  issuer: issuer.url,
  audience: AUDIENCE,
  algorithms: ['RS256'],
  jwks: issuer.publicJwks() as never,
  revocation,
});

describe('revocation through the adapters', () => {
  it('Express: jwtAuth({ revocation })', async () => {
    const revocation = createMemoryRevocationList();
    const app = express();
    app.get('/me', jwtAuth(options(revocation)), (req, res) => res.json({ sub: req.auth?.subject }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`;
      const token = await issuer.sign({ sub: 'erin', jti: 'e-1' });
      const get = () => fetch(url, { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 4; i += 1) expect((await get()).status).toBe(200);
      revocation.revokeToken({ jti: 'e-1', exp: Math.floor(Date.now() / 1000) + 300 });
      const refused = await get();
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Fastify: the plugin with { revocation }', async () => {
    const revocation = createMemoryRevocationList();
    const app = Fastify();
    await app.register(authgate, options(revocation));
    app.get('/me', async (request) => ({ sub: request.auth?.subject }));
    try {
      const token = await issuer.sign({ sub: 'frank' }, { issuedAt: Math.floor(Date.now() / 1000) - 10 });
      const get = () => app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 4; i += 1) expect((await get()).statusCode).toBe(200);
      revocation.revokeSubject({ sub: 'frank' });
      const refused = await get();
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ error: 'invalid_token', error_description: 'The access token was revoked' });
    } finally {
      await app.close();
    }
  });
});
