import type { AddressInfo } from 'node:net';
import { AuthError as CoreAuthError } from '@authgate/core';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwtAuth, { AuthConfigError, AuthError, authErrorResponse, isAuthError } from '@authgate/fastify';
import { AUDIENCE, ISSUER, bearer, call, startIssuer, type TestIssuer } from './helpers.js';

// The plugin answers authentication failures itself only where Fastify's own default error handler would answer;
// wherever the application set an error handler (root, child scope or route, before or after registering), that
// handler receives the AuthError, with status and challenge headers already on the reply.

let issuer: TestIssuer;
const warnings: string[] = [];
const onWarning = (warning: Error & { code?: string }): void => {
  warnings.push(warning.code ?? warning.name);
};

beforeAll(async () => {
  issuer = await startIssuer();
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await issuer.close();
});

const options = () => ({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256' as const], jwksUri: issuer.jwksUri });

interface Seen {
  name: string;
  reason?: string;
  statusBefore: number;
  challengeBefore: unknown;
}

/** A typical application handler: formats AuthErrors its own way, keeps the status the reply already carries. */
function customHandler(seen: Seen[]) {
  return (error: FastifyError | AuthError, _request: unknown, reply: import('fastify').FastifyReply) => {
    seen.push({
      name: error.name,
      reason: isAuthError(error) ? error.reason : undefined,
      statusBefore: reply.statusCode,
      challengeBefore: reply.getHeader('www-authenticate'),
    });
    if (isAuthError(error)) return reply.send({ message: 'custom', reason: error.reason });
    return reply.code(500).send({ message: 'custom failure' });
  };
}

function routes(app: FastifyInstance): void {
  app.get('/me', async (request) => ({ subject: request.auth?.subject }));
  app.get('/orders', { preHandler: app.requireScope('orders:read') }, async () => ({ ok: true }));
  app.get('/miswired', { config: { auth: false }, preHandler: app.requireScope('orders:read') }, async () => ({ leaked: true }));
  app.get('/boom', async () => {
    throw new Error('not an auth problem');
  });
}

describe('setErrorHandler interplay', () => {
  it('a handler set at the root after registering receives the AuthError, over a real server, with no Fastify warning', async () => {
    const seen: Seen[] = [];
    const app = Fastify();
    await app.register(jwtAuth, options());
    app.setErrorHandler(customHandler(seen));
    routes(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const missing = await call(base, '/me');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ message: 'custom', reason: 'credentials_missing' });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(missing.headers.get('cache-control')).toBe('no-store');

    const lacking = await call(base, '/orders', bearer(issuer.token({ scope: 'profile' })));
    expect(lacking.status).toBe(403);
    expect(lacking.body).toEqual({ message: 'custom', reason: 'insufficient_scope' });
    expect(lacking.headers.get('www-authenticate')).toContain('scope="orders:read"');

    expect((await call(base, '/me', bearer(issuer.token()))).body).toEqual({ subject: 'user-1' });
    expect(seen).toEqual([
      { name: 'AuthError', reason: 'credentials_missing', statusBefore: 401, challengeBefore: 'Bearer realm="api"' },
      { name: 'AuthError', reason: 'insufficient_scope', statusBefore: 403, challengeBefore: expect.stringContaining('insufficient_scope') },
    ]);
    expect(warnings).not.toContain('FSTWRN004');
    await app.close();
  });

  it('passes the very AuthError class of @authgate/core (instanceof works from either package)', async () => {
    let received: unknown;
    const app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      received = error;
      return reply.send({ handled: true });
    });
    await app.register(jwtAuth, options());
    routes(app);
    await app.inject('/me');
    expect(received).toBeInstanceOf(AuthError);
    expect(received).toBeInstanceOf(CoreAuthError);
  });

  it('a handler set before registering still receives AuthErrors', async () => {
    const seen: Seen[] = [];
    const app = Fastify();
    app.setErrorHandler(customHandler(seen));
    await app.register(jwtAuth, options());
    routes(app);
    const response = await app.inject({ url: '/me', headers: { authorization: `Bearer ${issuer.forgedToken()}` } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ message: 'custom', reason: 'signature_invalid' });
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('works under allowErrorHandlerOverride: false (the plugin never sets an error handler itself)', async () => {
    const app = Fastify({ allowErrorHandlerOverride: false });
    await app.register(jwtAuth, options());
    expect(() => app.setErrorHandler(customHandler([]))).not.toThrow();
    routes(app);
    expect((await app.inject('/me')).json()).toEqual({ message: 'custom', reason: 'credentials_missing' });
  });

  it('a child scope handler applies to its routes only; elsewhere the answer is the plugin default', async () => {
    const seen: Seen[] = [];
    const app = Fastify();
    await app.register(jwtAuth, options());
    app.get('/root', async () => ({ ok: true }));
    await app.register(async (child) => {
      child.setErrorHandler(customHandler(seen));
      child.get('/child', async () => ({ ok: true }));
    });
    const root = await app.inject('/root');
    expect(root.json()).toEqual({ error: 'unauthorized', error_description: 'Authentication required' });
    const child = await app.inject('/child');
    expect(child.statusCode).toBe(401);
    expect(child.json()).toEqual({ message: 'custom', reason: 'credentials_missing' });
    expect(seen).toHaveLength(1);
  });

  it('follows the handler Fastify really uses: one set on the root after a child plugin loaded does not reach its routes', async () => {
    const seen: Seen[] = [];
    const app = Fastify();
    await app.register(jwtAuth, options());
    await app.register(async (child) => {
      child.get('/early-child', async () => ({ ok: true }));
    });
    app.setErrorHandler(customHandler(seen));
    app.get('/late-root', async () => ({ ok: true }));
    // Fastify fixed /early-child's handler (its default) when the child loaded: the plugin's own answer applies there.
    expect((await app.inject('/early-child')).json()).toEqual({ error: 'unauthorized', error_description: 'Authentication required' });
    expect((await app.inject('/late-root')).json()).toEqual({ message: 'custom', reason: 'credentials_missing' });
    expect(seen).toHaveLength(1);
  });

  it('routes declared before the plugin was registered are protected, and honour the handler of their scope', async () => {
    const plain = Fastify();
    plain.get('/before', async () => ({ ok: true }));
    await plain.register(jwtAuth, options());
    expect((await plain.inject('/before')).json()).toEqual({ error: 'unauthorized', error_description: 'Authentication required' });

    const custom = Fastify();
    custom.setErrorHandler(customHandler([]));
    custom.get('/before', async () => ({ ok: true }));
    await custom.register(jwtAuth, options());
    expect((await custom.inject('/before')).json()).toEqual({ message: 'custom', reason: 'credentials_missing' });
  });

  it('a route-level errorHandler receives the AuthError', async () => {
    const app = Fastify();
    await app.register(jwtAuth, options());
    app.get(
      '/own',
      {
        errorHandler: (error, _request, reply) => {
          void reply.send({ route: (error as unknown as AuthError).reason });
        },
      },
      async () => ({}),
    );
    app.get('/plain', async () => ({}));
    expect((await app.inject('/own')).json()).toEqual({ route: 'credentials_missing' });
    expect((await app.inject('/plain')).json()).toEqual({ error: 'unauthorized', error_description: 'Authentication required' });
  });

  it('a handler that rethrows AuthErrors to Fastify still yields the right status and challenge; authErrorResponse gives the body', async () => {
    const rethrowing = Fastify();
    await rethrowing.register(jwtAuth, options());
    rethrowing.setErrorHandler((error) => {
      throw error;
    });
    routes(rethrowing);
    const response = await rethrowing.inject('/orders');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');

    const reusing = Fastify();
    await reusing.register(jwtAuth, options());
    reusing.setErrorHandler((error, _request, reply) => {
      if (isAuthError(error)) return reply.send(authErrorResponse(error).body);
      return reply.code(500).send({ oops: true });
    });
    routes(reusing);
    expect((await reusing.inject('/me')).json()).toEqual({ error: 'unauthorized', error_description: 'Authentication required' });
  });

  it('a wiring bug (scope check without authentication) reaches the custom handler as an AuthConfigError', async () => {
    const seen: Seen[] = [];
    const app = Fastify();
    await app.register(jwtAuth, options());
    app.setErrorHandler(customHandler(seen));
    routes(app);
    const response = await app.inject('/miswired');
    expect(response.statusCode).toBe(500);
    expect(seen[0]?.name).toBe(AuthConfigError.name);
  });

  it('leaves other errors to Fastify as before', async () => {
    const app = Fastify();
    await app.register(jwtAuth, options());
    routes(app);
    const response = await app.inject({ url: '/boom', headers: { authorization: `Bearer ${issuer.token()}` } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ statusCode: 500, message: 'not an auth problem' });
  });
});

describe('early answers hold the request lifecycle', () => {
  it('the handler never runs for a refused request, even with slow async onSend hooks', async () => {
    let handlerRuns = 0;
    const app = Fastify();
    app.addHook('onSend', async (_request, _reply, payload) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return payload;
    });
    await app.register(jwtAuth, options());
    app.get('/me', async () => {
      handlerRuns += 1;
      return { ran: true };
    });
    app.get('/orders', { preHandler: app.requireScope('orders:read') }, async () => {
      handlerRuns += 1;
      return { ran: true };
    });
    expect((await app.inject('/me')).statusCode).toBe(401);
    expect((await app.inject({ url: '/orders', headers: { authorization: `Bearer ${issuer.token()}` } })).statusCode).toBe(403);
    expect(handlerRuns).toBe(0);
  });
});
