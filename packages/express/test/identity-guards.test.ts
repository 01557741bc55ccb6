import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import express, { type RequestHandler } from 'express';
import { AuthConfigError, jwtAuth, requireAnyRole, requireAuth, requireClaim, requireRole, type JwtAuthOptions } from '@authgate/express';
import { AUDIENCE, ISSUER, serve, startIssuer, type RunningApp, type TestIssuer } from './helpers.js';

let issuer: TestIssuer;
let app: RunningApp;
let middleware: ReturnType<typeof jwtAuth>;
beforeAll(async () => {
  issuer = await startIssuer();
  middleware = jwtAuth({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwksUri: issuer.jwksUri,
    rolesClaims: ['roles', ['realm_access', 'roles']],
  } as JwtAuthOptions);
  const ok: RequestHandler = (req, res) => void res.json({ roles: req.auth?.roles, clientId: req.auth?.clientId ?? null });
  const server = express();
  server.use(middleware);
  server.get('/admin', requireRole('admin', 'auditor'), ok);
  server.get('/staff', requireAnyRole('admin', 'staff'), ok);
  server.get('/gold', requireClaim(['ext', 'tier'], ['gold', 'platinum']), ok);
  server.get(
    '/tenant',
    requireClaim('https://example.com/tenant', (value) => value === 'acme'),
    ok,
  );
  server.get(
    '/own/:id',
    requireAuth((identity, req) => identity.subject === req.params.id),
    ok,
  );
  server.get(
    '/async',
    requireAuth(async (identity) => identity.clientId === 'svc'),
    ok,
  );
  server.get('/truthy', requireAuth((() => 'yes') as never), ok);
  server.get(
    '/throws',
    requireAuth(() => {
      throw new Error('predicate bug');
    }),
    ok,
  );
  server.get(
    '/rejects',
    requireAuth(() => Promise.reject(new Error('predicate bug'))),
    ok,
  );
  app = await serve(server);
});
afterAll(async () => {
  middleware.verifier.close();
  await app.close();
  await issuer.close();
});
afterEach(() => vi.restoreAllMocks());

async function get(
  path: string,
  claims?: Record<string, unknown>,
): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
  const init = claims === undefined ? {} : { headers: { authorization: `Bearer ${await issuer.sign(claims)}` } };
  const res = await app.fetch(path, init);
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    body: (await res.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

describe('Express identity guards', () => {
  it('requireRole: every role, from any configured roles claim; 403 naming the missing role', async () => {
    expect((await get('/admin', { roles: ['admin'], realm_access: { roles: ['auditor'] } })).status).toBe(200);
    const missing = await get('/admin', { roles: ['admin', 'Auditor', 'auditors'] });
    expect(missing.status).toBe(403);
    expect(missing.challenge).toBe('Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the role auditor"');
    expect(missing.body).toEqual({ error: 'insufficient_scope', error_description: 'The access token lacks the role auditor' });
    expect((await get('/admin', { roles: 'admin auditor' })).status).toBe(200);
    expect((await get('/admin', { roles: { admin: true, auditor: true } })).status).toBe(403);
    expect((await get('/admin')).status).toBe(401);
    expect((await get('/admin')).challenge).toBe('Bearer realm="api"');
  });

  it('requireAnyRole: one is enough, none is 403', async () => {
    expect((await get('/staff', { roles: ['staff'] })).status).toBe(200);
    const none = await get('/staff', { roles: ['guest'] });
    expect(none.status).toBe(403);
    expect(none.challenge).toContain('error_description="The access token lacks one of the roles admin, staff"');
  });

  it('requireClaim: the forms of `claims`, nested and dotted; 403 naming the claim, never its value', async () => {
    expect((await get('/gold', { ext: { tier: 'gold' } })).status).toBe(200);
    expect((await get('/gold', { ext: { tier: ['bronze', 'platinum'] } })).status).toBe(200);
    const refused = await get('/gold', { ext: { tier: 'silver' } });
    expect(refused.status).toBe(403);
    expect(refused.challenge).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the required claim ext.tier"',
    );
    expect((await get('/gold', { 'ext.tier': 'gold' })).status).toBe(403);
    expect((await get('/tenant', { 'https://example.com/tenant': 'acme' })).status).toBe(200);
    const other = await get('/tenant', { 'https://example.com/tenant': 'evil"corp' });
    expect(other.status).toBe(403);
    expect(other.challenge).toContain("claim 'https://example.com/tenant'");
    expect(other.challenge).not.toContain('evil');
    expect((await get('/gold')).status).toBe(401);
  });

  it('requireAuth: exactly true allows (sync or async); false or truthy is 403; a throw is a 500, never a pass', async () => {
    expect((await get('/own/user-1', {})).status).toBe(200);
    const denied = await get('/own/user-2', {});
    expect(denied.status).toBe(403);
    expect(denied.challenge).toContain('error="insufficient_scope"');
    expect((await get('/async', { client_id: 'svc' })).status).toBe(200);
    expect((await get('/async', { azp: 'other' })).status).toBe(403);
    expect((await get('/truthy', {})).status).toBe(403);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await get('/throws', {})).status).toBe(500);
    expect((await get('/rejects', {})).status).toBe(500);
    expect((await get('/throws')).status).toBe(401);
    logged.mockRestore();
  });

  it('refuses bad arguments at route definition', () => {
    expect(() => requireRole()).toThrow(AuthConfigError);
    expect(() => requireAnyRole('')).toThrow(AuthConfigError);
    expect(() => requireClaim('', 'x')).toThrow(AuthConfigError);
    expect(() => requireClaim('tier', null as never)).toThrow(AuthConfigError);
    expect(() => requireClaim('tier', [])).toThrow(AuthConfigError);
    expect(() => requireAuth('yes' as never)).toThrow(AuthConfigError);
  });
});

describe('Express with a shared secret (HS256)', () => {
  it("accepts the secret's tokens and refuses another secret's and RS256 tokens, over HTTP", async () => {
    const { SignJWT } = await import('jose');
    const secret = 'a-shared-secret-of-at-least-32-bytes!!';
    const hs = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret });
    const server = express();
    server.use(hs);
    server.get('/me', (req, res) => void res.json({ subject: req.auth?.subject }));
    const running = await serve(server);
    const mint = (key: string) =>
      new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'svc' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(key));
    try {
      const good = await running.fetch('/me', { headers: { authorization: `Bearer ${await mint(secret)}` } });
      expect(good.status).toBe(200);
      expect(await good.json()).toEqual({ subject: 'svc' });
      const other = await running.fetch('/me', { headers: { authorization: `Bearer ${await mint(`${secret}?`)}` } });
      expect(other.status).toBe(401);
      const rs = await running.fetch('/me', { headers: { authorization: `Bearer ${await issuer.sign()}` } });
      expect(rs.status).toBe(401);
      expect(rs.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      hs.verifier.close();
      await running.close();
    }
    expect(() => jwtAuth({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret: 'short' })).toThrow(AuthConfigError);
    expect(() => jwtAuth({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret, jwksUri: issuer.jwksUri })).toThrow(AuthConfigError);
  });
});
