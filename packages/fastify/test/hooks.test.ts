import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import jwtAuth, { AuthError, type Verifier } from '@authgate/fastify';
import { sharedIssuer, withToken } from './helpers.js';

// Where the authentication hook sits in Fastify's lifecycle, and the routes it decides about without having seen them
// being declared. The hook is one onRequest hook at the plugin's place among the scope's hooks (not a per-route hook,
// which Fastify would run after every scope-level hook): hooks registered after the plugin can rely on request.auth,
// and never run for a request it refused.

const suite = sharedIssuer();
const options = suite.options;

describe('place in the request lifecycle', () => {
  it('onRequest hooks registered after the plugin (same scope or a child scope) see request.auth, and never run for a refused request', async () => {
    const seen: Array<[string, string | null]> = [];
    const remember = (where: string) => async (request: FastifyRequest) => {
      seen.push([where, request.auth?.subject ?? null]);
    };
    const app = Fastify();
    app.addHook('onRequest', remember('before'));
    await app.register(jwtAuth, options());
    app.addHook('onRequest', remember('after'));
    app.get('/root', async (request) => ({ subject: request.auth?.subject }));
    await app.register(async (child) => {
      child.addHook('onRequest', remember('child'));
      child.get('/child', { onRequest: remember('route') }, async (request) => ({ subject: request.auth?.subject }));
    });

    expect((await app.inject({ url: '/root', headers: withToken(suite.issuer().token()) })).json()).toEqual({ subject: 'user-1' });
    expect(seen).toEqual([
      ['before', null],
      ['after', 'user-1'],
    ]);
    seen.length = 0;
    expect((await app.inject({ url: '/child', headers: withToken(suite.issuer().token({ sub: 'user-2' })) })).json()).toEqual({ subject: 'user-2' });
    expect(seen).toEqual([
      ['before', null],
      ['after', 'user-2'],
      ['child', 'user-2'],
      ['route', 'user-2'],
    ]);
    seen.length = 0;
    expect((await app.inject('/child')).statusCode).toBe(401);
    expect((await app.inject({ url: '/root', headers: withToken(suite.issuer().forgedToken()) })).statusCode).toBe(401);
    expect(seen).toEqual([
      ['before', null],
      ['before', null],
    ]);
  });

  it("routes declared before the plugin keep their config.auth: false stays public, 'optional' stays optional", async () => {
    const app = Fastify();
    app.get('/public', { config: { auth: false } }, async (request) => ({ auth: request.auth }));
    app.get('/maybe', { config: { auth: 'optional' } }, async (request) => ({ subject: request.auth?.subject ?? null }));
    app.get('/private', async (request) => ({ subject: request.auth?.subject }));
    await app.register(jwtAuth, { ...options(), optional: true });
    app.get('/late', { config: { auth: 'required' } }, async () => ({ ok: true }));

    expect((await app.inject({ url: '/public', headers: withToken(suite.issuer().forgedToken()) })).json()).toEqual({ auth: null });
    expect((await app.inject('/maybe')).json()).toEqual({ subject: null });
    expect((await app.inject({ url: '/maybe', headers: withToken(suite.issuer().token()) })).json()).toEqual({ subject: 'user-1' });
    expect((await app.inject({ url: '/maybe', headers: withToken(suite.issuer().forgedToken()) })).statusCode).toBe(401);
    // Declared before, without an opinion: the registration's default (optional: true) applies, as it does to later routes.
    expect((await app.inject('/private')).json()).toEqual({});
    expect((await app.inject('/late')).statusCode).toBe(401);
    expect((await app.inject({ url: '/late', headers: withToken(suite.issuer().token()) })).statusCode).toBe(200);
  });

  it('reads the headers an earlier hook set with request.headers = ..., not only what came over the wire', async () => {
    const app = Fastify();
    app.addHook('onRequest', async (request) => {
      const token = request.headers['x-forwarded-access-token'];
      if (typeof token === 'string') request.headers = { authorization: `Bearer ${token}` };
    });
    await app.register(jwtAuth, options());
    app.get('/me', async (request) => ({ subject: request.auth?.subject }));
    expect((await app.inject({ url: '/me', headers: { 'x-forwarded-access-token': suite.issuer().token() } })).json()).toEqual({ subject: 'user-1' });
    expect((await app.inject({ url: '/me', headers: { 'x-forwarded-access-token': suite.issuer().forgedToken() } })).statusCode).toBe(401);
    expect((await app.inject('/me')).statusCode).toBe(401);
  });

  it('answers an AuthError a shared verifier throws instead of rejecting with, like a rejection', async () => {
    const throwing: Verifier<object> = {
      realm: 'api',
      verify() {
        throw new AuthError('token_expired', { realm: 'api' });
      },
      ready: async () => undefined,
      health: () => ({ ok: true, issuers: [] }),
      close: () => undefined,
    };
    const app = Fastify();
    await app.register(jwtAuth, { verifier: throwing });
    app.get('/me', async () => ({ ran: true }));
    const response = await app.inject({ url: '/me', headers: withToken(suite.issuer().token()) });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(response.json()).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
  });
});
