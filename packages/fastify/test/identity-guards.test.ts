import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwtAuth, { AuthConfigError } from '@authgate/fastify';
import { AUDIENCE, ISSUER, bearer, call, logCapture, startIssuer, type Answer, type TestIssuer } from './helpers.js';

let issuer: TestIssuer;
let app: FastifyInstance;
let base: string;
const logs = logCapture();

beforeAll(async () => {
  issuer = await startIssuer();
  app = Fastify({ logger: { level: 'info', stream: logs.stream } });
  await app.register(jwtAuth, {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwksUri: issuer.jwksUri,
    rolesClaims: ['roles', ['realm_access', 'roles']],
  });
  const ok = async () => ({ ok: true });
  app.get('/admin', { preHandler: app.requireRole('admin', 'auditor') }, ok);
  app.get('/staff', { preHandler: app.requireAnyRole('admin', 'staff') }, ok);
  app.get('/gold', { preHandler: app.requireClaim(['ext', 'tier'], ['gold', 'platinum']) }, ok);
  app.get('/own/:id', { preHandler: app.requireAuth((identity, request) => identity.subject === (request.params as { id: string }).id) }, ok);
  app.get('/async', { preHandler: app.requireAuth(async (identity) => identity.clientId === 'svc') }, ok);
  app.get(
    '/throws',
    {
      preHandler: app.requireAuth(() => {
        throw new Error('predicate bug');
      }),
    },
    ok,
  );
  app.get('/rejects', { preHandler: app.requireAuth(() => Promise.reject(new Error('predicate bug'))) }, ok);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await issuer.close();
});

const get = (path: string, claims?: Record<string, unknown>): Promise<Answer> =>
  call(base, path, claims === undefined ? {} : bearer(issuer.token(claims)));

describe('Fastify identity guards', () => {
  it('requireRole / requireAnyRole: 403 naming the missing role, 401 without a token', async () => {
    expect((await get('/admin', { roles: ['admin'], realm_access: { roles: ['auditor'] } })).status).toBe(200);
    const missing = await get('/admin', { roles: ['admin'] });
    expect(missing.status).toBe(403);
    expect(missing.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the role auditor"',
    );
    expect((await get('/admin')).status).toBe(401);
    expect((await get('/admin')).headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect((await get('/staff', { roles: 'staff' })).status).toBe(200);
    expect((await get('/staff', { roles: ['Staff'] })).status).toBe(403);
  });

  it("requireClaim: 403 naming the claim from configuration, never the token's value", async () => {
    expect((await get('/gold', { ext: { tier: 'platinum' } })).status).toBe(200);
    const refused = await get('/gold', { ext: { tier: 'tin-from-token' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error_description="The access token lacks the required claim ext.tier"');
    expect(refused.text).not.toContain('tin-from-token');
    expect((await get('/gold', { ext: { tier: ['gold'] }, 'ext.tier': 'x' })).status).toBe(200);
    expect((await get('/gold', { 'ext.tier': 'gold' })).status).toBe(403);
  });

  it('requireAuth: true allows; false is 403; a throw or rejection is a logged 500, never a pass', async () => {
    expect((await get('/own/user-1', {})).status).toBe(200);
    expect((await get('/own/user-2', {})).status).toBe(403);
    expect((await get('/async', { client_id: 'svc' })).status).toBe(200);
    expect((await get('/async', { cid: 'svc2' })).status).toBe(403);
    const before = logs.lines.length;
    const thrown = await get('/throws', {});
    expect(thrown.status).toBe(500);
    expect(thrown.text).not.toContain('"ok"');
    expect((await get('/rejects', {})).status).toBe(500);
    expect(logs.lines.slice(before).filter((line) => line.includes('predicate bug')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses bad arguments at route definition', () => {
    expect(() => app.requireRole()).toThrow(AuthConfigError);
    expect(() => app.requireClaim(['a', ''], 'x')).toThrow(AuthConfigError);
    expect(() => app.requireClaim('a', {} as never)).toThrow(AuthConfigError);
    expect(() => app.requireAuth(undefined as never)).toThrow(AuthConfigError);
  });
});
