import type { AddressInfo } from 'node:net';
import { createVerifier } from '@authgate/core';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import jwtAuth, { AuthConfigError, jwtAuth as namedJwtAuth } from '@authgate/fastify';
import { AUDIENCE, call, ISSUER, sharedIssuer, startIssuer, withToken } from './helpers.js';

const suite = sharedIssuer();
const options = suite.options;

describe('registration', () => {
  it('is a fastify-plugin named @authgate/fastify for Fastify 5, exported as default and as jwtAuth', () => {
    expect(namedJwtAuth).toBe(jwtAuth);
    const meta = (jwtAuth as unknown as Record<symbol, { name: string; fastify: string }>)[Symbol.for('plugin-meta')];
    expect(meta).toMatchObject({ name: '@authgate/fastify', fastify: '5.x' });
    expect((jwtAuth as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')]).toBe(true);
  });

  it('rejects the register promise with AuthConfigError for bad options', async () => {
    const app = Fastify();
    await expect(app.register(jwtAuth, { ...options(), algorithms: ['HS256' as never] })).rejects.toThrow(AuthConfigError);
    const noIssuer = Fastify();
    await expect(noIssuer.register(jwtAuth, { audience: AUDIENCE, algorithms: ['RS256'] } as never)).rejects.toThrow(/issuer is required/);
    const both = Fastify();
    const verifier = createVerifier(options());
    await expect(both.register(jwtAuth, { verifier, issuer: ISSUER } as never)).rejects.toThrow(
      /either verifier or the verifier's options, not both/,
    );
    verifier.close();
  });

  it('rejects an unknown config.auth value when the route is declared', async () => {
    const app = Fastify();
    await app.register(jwtAuth, options());
    expect(() => app.get('/typo', { config: { auth: 'optinal' as never } }, async () => ({}))).toThrow(AuthConfigError);
  });

  it('refuses a second registration in the same scope chain', async () => {
    const app = Fastify();
    await app.register(jwtAuth, options());
    await expect(app.register(async (child) => child.register(jwtAuth, options()))).rejects.toThrow(/already decorated/);
  });

  it('does not swallow the loading errors of plugins registered after it', async () => {
    const app = Fastify();
    await app.register(jwtAuth, options());
    await expect(
      app.register(async (child) => {
        child.get('/x', async () => ({}));
        throw new Error('plugin failed to load');
      }),
    ).rejects.toThrow('plugin failed to load');
  });

  it('decorates request.auth with null: a stable shape before any verification', async () => {
    const app = Fastify();
    await app.register(jwtAuth, options());
    expect(app.hasRequestDecorator('auth')).toBe(true);
    app.get('/public', { config: { auth: false } }, async (request) => ({ has: 'auth' in request, auth: request.auth }));
    expect((await app.inject('/public')).json()).toEqual({ has: true, auth: null });
  });

  it('closes the verifier it created when Fastify closes, but never a verifier it was given', async () => {
    const owned = Fastify();
    await owned.register(jwtAuth, options());
    const ownedClose = vi.spyOn(owned.authVerifier, 'close');
    await owned.close();
    expect(ownedClose).toHaveBeenCalledTimes(1);

    const shared = createVerifier(options());
    const sharedClose = vi.spyOn(shared, 'close');
    const borrowing = Fastify();
    await borrowing.register(jwtAuth, { verifier: shared });
    expect(borrowing.authVerifier).toBe(shared);
    borrowing.get('/me', async (request) => ({ subject: request.auth?.subject }));
    expect((await borrowing.inject({ url: '/me', headers: withToken(suite.issuer().token()) })).json()).toEqual({ subject: 'user-1' });
    await borrowing.close();
    expect(sharedClose).not.toHaveBeenCalled();
    shared.close();
  });

  it('answers unknown URLs 401 before 404, so route existence is not disclosed to anonymous callers', async () => {
    const app = Fastify();
    await app.register(jwtAuth, options());
    expect((await app.inject('/nowhere')).statusCode).toBe(401);
    expect((await app.inject({ url: '/nowhere', headers: withToken(suite.issuer().token()) })).statusCode).toBe(404);
  });
});

describe('optional authentication', () => {
  it("plugin-level optional: anonymous allowed everywhere, a bad token still refused, 'required' routes still demand a token", async () => {
    const app = Fastify();
    await app.register(jwtAuth, { ...options(), optional: true });
    app.get('/feed', async (request) => ({ subject: request.auth?.subject ?? null }));
    app.get('/account', { config: { auth: 'required' } }, async () => ({ ok: true }));
    app.get('/settings', { config: { auth: true } }, async () => ({ ok: true }));
    app.get('/orders', { preHandler: app.requireScope('orders:read') }, async () => ({ ok: true }));
    expect((await app.inject('/feed')).json()).toEqual({ subject: null });
    expect((await app.inject({ url: '/feed', headers: withToken(suite.issuer().token()) })).json()).toEqual({ subject: 'user-1' });
    expect((await app.inject({ url: '/feed', headers: withToken(suite.issuer().forgedToken()) })).statusCode).toBe(401);
    expect((await app.inject('/account')).statusCode).toBe(401);
    expect((await app.inject('/settings')).statusCode).toBe(401);
    expect((await app.inject('/orders')).statusCode).toBe(401);
    expect((await app.inject({ url: '/orders', headers: withToken(suite.issuer().token({ scope: 'orders:read' })) })).statusCode).toBe(200);
  });
});

describe('encapsulation', () => {
  it('registered inside a register scope, it protects that scope only (real server)', async () => {
    const app = Fastify();
    app.get('/health', async () => ({ ok: true }));
    await app.register(
      async (api) => {
        await api.register(jwtAuth, options());
        api.get('/orders', { preHandler: api.requireScope('orders:read') }, async (request) => ({ subject: request.auth?.subject }));
        await api.register(async (nested) => {
          nested.get('/nested', async (request) => ({ subject: request.auth?.subject }));
        });
      },
      { prefix: '/api' },
    );
    app.get('/late', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    expect((await call(base, '/health')).status).toBe(200);
    expect((await call(base, '/late')).status).toBe(200);
    expect((await call(base, '/api/orders')).status).toBe(401);
    expect((await call(base, '/api/nested')).status).toBe(401);
    const token = { headers: withToken(suite.issuer().token({ scope: 'orders:read' })) };
    expect((await call(base, '/api/orders', token)).body).toEqual({ subject: 'user-1' });
    expect((await call(base, '/api/nested', token)).body).toEqual({ subject: 'user-1' });
    expect(app.hasDecorator('requireScope')).toBe(false);
    await app.close();
  });

  it('two sibling scopes can each have their own configuration', async () => {
    const other = await startIssuer();
    const app = Fastify();
    await app.register(async (a) => {
      await a.register(jwtAuth, options());
      a.get('/a', async (request) => ({ subject: request.auth?.subject }));
    });
    await app.register(async (b) => {
      await b.register(jwtAuth, { ...options(), jwksUri: other.jwksUri, realm: 'b' });
      b.get('/b', async (request) => ({ subject: request.auth?.subject }));
    });
    expect((await app.inject({ url: '/a', headers: withToken(suite.issuer().token()) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/b', headers: withToken(other.token()) })).statusCode).toBe(200);
    const crossed = await app.inject({ url: '/b', headers: withToken(suite.issuer().token()) });
    expect(crossed.statusCode).toBe(401);
    expect(crossed.headers['www-authenticate']).toContain('realm="b"');
    await app.close();
    await other.close();
  });

  it('a scope guard used where the plugin is not registered is a 500, never a pass', async () => {
    const app = Fastify({ logger: false });
    let requireScope: ((...scopes: string[]) => import('fastify').preHandlerHookHandler) | undefined;
    await app.register(async (api) => {
      await api.register(jwtAuth, options());
      requireScope = api.requireScope.bind(api);
    });
    app.get('/outside', { preHandler: requireScope!('orders:read') }, async () => ({ leaked: true }));
    const response = await app.inject({ url: '/outside', headers: withToken(suite.issuer().token({ scope: 'orders:read' })) });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('leaked');
  });

  it('requireScope refuses an empty or malformed scope list when the route is declared', async () => {
    const app = Fastify();
    await app.register(jwtAuth, options());
    expect(() => app.requireScope()).toThrow(AuthConfigError);
    expect(() => app.requireAnyScope('has space')).toThrow(AuthConfigError);
  });
});
