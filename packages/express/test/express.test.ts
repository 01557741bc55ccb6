import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import express5, { type ErrorRequestHandler, type RequestHandler } from 'express';
// Express 4 (npm:express@4 aliased as a dev dependency): the same suite must pass on both majors.
import express4 from 'express4';
import { authErrorResponse, isAuthError, jwtAuth, requireAnyScope, requireScope, type JwtAuthOptions } from '@authgate/express';
import { AUDIENCE, ISSUER, rawRequest, serve, startIssuer, type RunningApp, type TestIssuer } from './helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startIssuer();
});
afterAll(() => issuer.close());

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** The handler of every protected route: echoes what jwtAuth attached. */
const whoami: RequestHandler = (req, res) => {
  const auth = req.auth;
  res.json(
    auth === null || auth === undefined
      ? { anonymous: true, auth: auth === null ? null : 'undefined' }
      : { subject: auth.subject, scopes: auth.scopes, issuer: auth.issuer, tenant: auth.claims.tenant ?? null },
  );
};

describe.each([
  ['Express 5', express5 as unknown as typeof express5],
  ['Express 4', express4 as unknown as typeof express5],
])('%s', (_name, express) => {
  const running: RunningApp[] = [];
  const apps: Array<ReturnType<typeof jwtAuth>> = [];
  afterEach(async () => {
    for (const auth of apps.splice(0)) auth.verifier.close();
    await Promise.all(running.splice(0).map((app) => app.close()));
  });

  function auth(extra: Partial<JwtAuthOptions> = {}) {
    const middleware = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: issuer.jwksUri, ...extra } as JwtAuthOptions);
    apps.push(middleware);
    return middleware;
  }

  async function start(build: (app: ReturnType<typeof express5>) => void): Promise<RunningApp> {
    const app = express();
    build(app);
    const server = await serve(app);
    running.push(server);
    return server;
  }

  /** The standard app: everything behind jwtAuth, a few scoped routes. */
  async function standardApp(extra: Partial<JwtAuthOptions> = {}): Promise<RunningApp> {
    return start((app) => {
      app.use(auth(extra));
      app.get('/me', whoami);
      app.get('/orders', requireScope('orders:read'), whoami);
      app.post('/orders', requireScope('orders:read', 'orders:write'), whoami);
      app.get('/reports', requireAnyScope('reports:read', 'admin'), whoami);
    });
  }

  it('a valid token: 200, req.auth carries subject, scopes and claims', async () => {
    const app = await standardApp();
    const token = await issuer.sign({ scope: 'orders:read profile', tenant: 'acme' });
    const res = await app.fetch('/me', bearer(token));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'user-1', scopes: ['orders:read', 'profile'], issuer: ISSUER, tenant: 'acme' });
    expect((await app.fetch('/orders', bearer(token))).status).toBe(200);
  });

  it('no credentials: 401 with a bare challenge (no error parameter, RFC 6750 §3.1)', async () => {
    const app = await standardApp();
    const res = await app.fetch('/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'unauthorized', error_description: 'Authentication required' });
  });

  it('a bad token: 401 invalid_token (wrong signature, expired, wrong audience, garbage)', async () => {
    const app = await standardApp();
    const tokens = [
      await issuer.sign({}, { key: issuer.strangerKey }),
      await issuer.sign({ exp: Math.floor(Date.now() / 1000) - 60 }),
      await issuer.sign({ aud: 'another-api' }),
      'not.a.jwt',
    ];
    for (const token of tokens) {
      const res = await app.fetch('/me', bearer(token));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/);
      expect((await res.json()).error).toBe('invalid_token');
    }
  });

  it('a malformed Authorization header: 400 invalid_request', async () => {
    const app = await standardApp();
    const res = await app.fetch('/me', { headers: { authorization: 'Bearer two tokens' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_request"/);
    expect((await res.json()).error).toBe('invalid_request');
  });

  it('missing scope: 403 insufficient_scope naming every scope the route needs', async () => {
    const app = await standardApp();
    const token = await issuer.sign({ scope: 'orders:read' });
    const res = await app.fetch('/orders', { method: 'POST', ...bearer(token) });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read orders:write"',
    );
    expect(await res.json()).toEqual({ error: 'insufficient_scope', error_description: 'The access token lacks a required scope' });
    const both = await issuer.sign({ scp: ['orders:read', 'orders:write'] });
    expect((await app.fetch('/orders', { method: 'POST', ...bearer(both) })).status).toBe(200);
  });

  it('a bad token on a scoped route is 401, not 403', async () => {
    const app = await standardApp();
    const forged = await issuer.sign({ scope: 'orders:read' }, { key: issuer.strangerKey });
    const res = await app.fetch('/orders', bearer(forged));
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('invalid_token');
    expect((await app.fetch('/orders')).status).toBe(401);
  });

  it('requireAnyScope: one of the listed scopes is enough', async () => {
    const app = await standardApp();
    expect((await app.fetch('/reports', bearer(await issuer.sign({ scope: 'admin' })))).status).toBe(200);
    expect((await app.fetch('/reports', bearer(await issuer.sign({ scope: 'reports:read' })))).status).toBe(200);
    const res = await app.fetch('/reports', bearer(await issuer.sign({ scope: 'orders:read' })));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/scope="reports:read admin"$/);
  });

  it('optional auth: no credentials pass as anonymous (req.auth = null); a bad token is still refused', async () => {
    const app = await standardApp({ optional: true });
    const anonymous = await app.fetch('/me');
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ anonymous: true, auth: null });
    expect((await app.fetch('/me', bearer(await issuer.sign({}, { key: issuer.strangerKey })))).status).toBe(401);
    expect((await app.fetch('/me', bearer(await issuer.sign()))).status).toBe(200);
    // An anonymous request on a scoped route: a challenge to authenticate, not a 403.
    const scoped = await app.fetch('/orders');
    expect(scoped.status).toBe(401);
    expect(scoped.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('opting out: a route registered before jwtAuth, or outside a protected router, stays public', async () => {
    const app = await start((app) => {
      app.get('/health', (_req, res) => void res.json({ ok: true }));
      const api = express.Router();
      api.use(auth());
      api.get('/me', whoami);
      app.use('/api', api);
      app.get('/public', whoami);
    });
    expect((await app.fetch('/health')).status).toBe(200);
    expect(await (await app.fetch('/public')).json()).toEqual({ anonymous: true, auth: 'undefined' });
    expect((await app.fetch('/api/me')).status).toBe(401);
    expect((await app.fetch('/api/me', bearer(await issuer.sign()))).status).toBe(200);
  });

  it('passErrors: the AuthError goes to the app error handler, with status and challenge available', async () => {
    const handler: ErrorRequestHandler = (err, _req, res, next) => {
      if (!isAuthError(err)) return next(err);
      const { status, headers } = authErrorResponse(err);
      res.status(status).set(headers).json({ problem: err.reason, status: err.status });
    };
    const app = await start((app) => {
      app.use(auth({ passErrors: true }));
      app.get('/orders', requireScope('orders:read'), whoami);
      app.use(handler);
    });
    const missing = await app.fetch('/orders');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(await missing.json()).toEqual({ problem: 'credentials_missing', status: 401 });
    const scopeless = await app.fetch('/orders', bearer(await issuer.sign()));
    expect(scopeless.status).toBe(403);
    expect(await scopeless.json()).toEqual({ problem: 'insufficient_scope', status: 403 });
  });

  it('passErrors without an error handler: Express answers with the AuthError status', async () => {
    // Express's final handler logs every error it handles (the AuthError stack: no token in it).
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const app = await start((app) => {
        app.set('env', 'production');
        app.use(auth({ passErrors: true }));
        app.get('/me', whoami);
      });
      expect((await app.fetch('/me', bearer('not.a.jwt'))).status).toBe(401);
      expect(String(logged.mock.calls[0]?.[0])).toMatch(/^AuthError: The access token is malformed/);
    } finally {
      logged.mockRestore();
    }
  });

  it('requireScope on a route no jwtAuth ran for: 500 and a loud log line, never a pass', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const app = await start((app) => {
        app.get('/forgot', requireScope('orders:read'), whoami);
      });
      const res = await app.fetch('/forgot?access_token=abc', bearer(await issuer.sign({ scope: 'orders:read' })));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'server_error', error_description: 'Authentication is misconfigured' });
      expect(logged).toHaveBeenCalledTimes(1);
      const line = String(logged.mock.calls[0]?.[0]);
      expect(line).toMatch(/GET \/forgot .*register jwtAuth before requireScope/);
      expect(line).not.toContain('access_token');
    } finally {
      logged.mockRestore();
    }
  });

  it('two Authorization headers: 400 (Node keeps only the first; the raw headers show both)', async () => {
    const app = await standardApp();
    const token = await issuer.sign();
    const res = await rawRequest(app.port, '/me', [`Authorization: Bearer ${token}`, `Authorization: Bearer ${token}`]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('"error":"invalid_request"');
  });

  it('a repeated token (served from the hot cache, synchronously) still gets every answer right', async () => {
    const app = await standardApp();
    const token = await issuer.sign({ scope: 'orders:read', tenant: 'acme' });
    for (let i = 0; i < 5; i += 1) {
      const res = await app.fetch('/me', bearer(token));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ subject: 'user-1', tenant: 'acme' });
    }
    expect((await app.fetch('/orders', bearer(token))).status).toBe(200);
    expect((await app.fetch('/orders', { method: 'POST', ...bearer(token) })).status).toBe(403);
    expect((await rawRequest(app.port, '/me', [`Authorization: Bearer ${token}`, `Authorization: Bearer ${token}`])).status).toBe(400);
    expect((await app.fetch('/me', { headers: { authorization: `Bearer ${token} extra` } })).status).toBe(400);
  });

  it('a token in the query string is not read by default', async () => {
    const app = await standardApp();
    const res = await app.fetch(`/me?access_token=${await issuer.sign()}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('tokenLocations.cookie is an opt-in; a token in two places is refused', async () => {
    const token = await issuer.sign({ tenant: 'acme' });
    const defaults = await standardApp();
    expect((await defaults.fetch('/me', { headers: { cookie: `access_token=${token}` } })).status).toBe(401);
    const cookies = await standardApp({ tokenLocations: { cookie: 'access_token' } });
    const res = await cookies.fetch('/me', { headers: { cookie: `theme=dark; access_token=${token}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).tenant).toBe('acme');
    expect((await cookies.fetch('/me', bearer(token))).status).toBe(200);
    expect((await cookies.fetch('/me', { headers: { cookie: `access_token=${token}`, authorization: `Bearer ${token}` } })).status).toBe(400);
  });

  it('a custom realm appears in the challenges of jwtAuth and of requireScope', async () => {
    const app = await standardApp({ realm: 'orders' });
    expect((await app.fetch('/orders')).headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    const res = await app.fetch('/orders', bearer(await issuer.sign()));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="insufficient_scope"/);
  });

  it('a handler that throws after jwtAuth still reaches the error handler (auth does not swallow it)', async () => {
    const app = await start((app) => {
      app.use(auth());
      app.get('/boom', () => {
        throw new Error('handler failed');
      });
      app.use(((err, _req, res, _next) => void res.status(418).json({ message: (err as Error).message })) as ErrorRequestHandler);
    });
    const res = await app.fetch('/boom', bearer(await issuer.sign()));
    expect(res.status).toBe(418);
    expect(await res.json()).toEqual({ message: 'handler failed' });
  });
});
