/**
 * Service to service against a real OpenID Provider (oidc-provider) with an RFC 8693 token-exchange grant registered
 * on it (the handler is written here: it verifies the subject token, narrows the scope, and names the exchanging
 * client in `act`). Service A verifies the user's token, exchanges it for service B's audience with a reduced scope
 * and calls B over HTTP; B verifies the exchanged token (its own audience, `act` naming A). Both directions: A on
 * Express calling B on Fastify, and A on Fastify calling B on Express.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenExchange, TokenExchangeError, TOKEN_TYPE, type Algorithm, type Identity, type TokenExchange } from '@authgate/core';
import {
  jwtAuth as expressAuth,
  requireActor as expressRequireActor,
  requireDirectCall as expressRequireDirectCall,
  requireScope,
} from '@authgate/express';
import fastifyAuth from '@authgate/fastify';
import { generateSigningKey, startProvider, type RunningProvider } from './helpers/oidc-provider.js';

const EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** A test-only grant standing in for the user's sign-in at the front end (oidc-provider's real ones need a browser). */
const LOGIN_GRANT = 'urn:authgate:test:login';
const SERVICE_A_SECRET = 'service-a-secret-7f3b9c1d2e4a';
const RESOURCES = {
  'urn:authgate:service-a': { audience: 'service-a', scope: 'orders:read orders:write profile', alg: 'ES256' as const },
  'urn:authgate:service-b': { audience: 'service-b', scope: 'orders:read orders:write', alg: 'ES256' as const },
};

let op: RunningProvider;
let signingKeys: JWK[];
/** Exchanges the provider answered (successful or not). */
let exchanges = 0;
/** Lifetime of exchanged tokens, in seconds. */
let exchangeTtl = 300;
let failure: 'echo' | 'crash' | undefined;
const actOf = new WeakMap<object, Record<string, unknown>>();

function resourceServer(provider: Provider, indicator: keyof typeof RESOURCES, ttl: number) {
  const { audience, scope, alg } = RESOURCES[indicator];
  return new provider.ResourceServer(indicator, { audience, scope, accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg } } });
}

beforeAll(async () => {
  signingKeys = [await generateSigningKey('ES256', 'op-es256')];
  const publicKeys = createLocalJWKSet({ keys: signingKeys.map(({ d: _d, ...publicPart }) => publicPart) });
  op = await startProvider({
    keys: signingKeys,
    resources: RESOURCES,
    clients: [
      {
        client_id: 'web-app',
        client_secret: 'web-app-secret-0123456789',
        grant_types: [LOGIN_GRANT],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'service-a',
        client_secret: SERVICE_A_SECRET,
        grant_types: [EXCHANGE_GRANT],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    extraTokenClaims: (_ctx, token) => actOf.get(token),
    setup(provider, errors) {
      provider.registerGrantType(
        LOGIN_GRANT,
        async (ctx) => {
          const { client, params } = ctx.oidc;
          const token = new provider.AccessToken({
            accountId: String(params.username),
            client,
            grantId: 'login',
            gty: 'login',
            scope: String(params.scope),
          });
          token.resourceServer = resourceServer(provider, 'urn:authgate:service-a', 300);
          ctx.body = { access_token: await token.save(), token_type: 'Bearer', expires_in: token.expiration, scope: token.scope };
        },
        ['username', 'scope'],
      );

      provider.registerGrantType(
        EXCHANGE_GRANT,
        async (ctx) => {
          exchanges += 1;
          const { client, params } = ctx.oidc;
          const subjectToken = String(params.subject_token);
          if (failure === 'echo') {
            // A careless server that quotes what it was sent in its error_description.
            ctx.status = 400;
            ctx.body = {
              error: 'invalid_grant',
              error_description: `subject_token ${subjectToken} was refused for client secret ${SERVICE_A_SECRET}`,
            };
            return;
          }
          if (failure === 'crash') throw new Error('the exchange handler crashed');
          if (params.subject_token_type !== TOKEN_TYPE.accessToken) throw new errors.InvalidRequest('unsupported subject_token_type');
          // The subject token must be ours and issued to the exchanging service (it is the audience of the user's call).
          let subject;
          try {
            ({ payload: subject } = await jwtVerify(subjectToken, publicKeys, { issuer: op.issuer, audience: client.clientId }));
          } catch {
            throw new errors.InvalidGrant('subject_token is not valid for this client');
          }
          const target = Object.entries(RESOURCES).find(([, resource]) => resource.audience === params.audience);
          if (target === undefined) throw new errors.InvalidTarget('unknown audience');
          const [indicator, resource] = target as [keyof typeof RESOURCES, (typeof RESOURCES)[keyof typeof RESOURCES]];
          const granted = String(subject.scope ?? '').split(' ');
          const requested = typeof params.scope === 'string' ? params.scope.split(' ') : granted;
          const scope = requested.filter((item) => granted.includes(item) && resource.scope.split(' ').includes(item)).join(' ');
          const token = new provider.AccessToken({ accountId: String(subject.sub), client, grantId: 'exchange', gty: 'token-exchange', scope });
          token.resourceServer = resourceServer(provider, indicator, exchangeTtl);
          // RFC 8693 §4.1: the exchanging client is the current actor; an earlier actor is kept nested.
          actOf.set(token, { act: { sub: client.clientId, client_id: client.clientId, ...(subject.act === undefined ? {} : { act: subject.act }) } });
          ctx.body = {
            access_token: await token.save(),
            issued_token_type: TOKEN_TYPE.accessToken,
            token_type: 'Bearer',
            expires_in: token.expiration,
            scope,
          };
        },
        ['subject_token', 'subject_token_type', 'audience', 'resource', 'scope', 'actor_token', 'actor_token_type', 'requested_token_type'],
        ['audience', 'resource'],
      );
    },
  });
});
afterAll(() => op?.close());

async function userToken(username: string, scope = 'orders:read orders:write profile'): Promise<string> {
  const form = new URLSearchParams({ grant_type: LOGIN_GRANT, username, scope });
  const response = await fetch(op.metadata.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('web-app:web-app-secret-0123456789').toString('base64')}` },
    body: form,
  });
  const body = (await response.json()) as { access_token?: string };
  if (typeof body.access_token !== 'string') throw new Error(`login failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

const verifierFor = (audience: string) => ({ issuer: op.issuer, audience, algorithms: ['ES256'] as Algorithm[] });
const exchangeOptions = () => ({ issuer: op.issuer, clientId: 'service-a', clientSecret: SERVICE_A_SECRET, cache: { refreshBefore: 1 } });

interface Running {
  url: string;
  close(): Promise<void>;
}

async function listenExpress(app: express.Express): Promise<Running> {
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

async function listenFastify(app: FastifyInstance): Promise<Running> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** Service B: its own audience, and a route only service A may call on a user's behalf. */
async function serviceB(framework: 'express' | 'fastify'): Promise<Running> {
  const answer = (
    auth: { subject?: string; actor?: unknown; audience: readonly string[]; scopes: readonly string[]; kind: string } | null | undefined,
  ) => ({ user: auth?.subject, actor: auth?.actor, audience: auth?.audience, scopes: auth?.scopes, kind: auth?.kind });
  if (framework === 'express') {
    const app = express();
    app.use(expressAuth(verifierFor('service-b')));
    app.get('/orders', expressRequireActor({ subject: 'service-a' }), requireScope('orders:read'), (req, res) => void res.json(answer(req.auth)));
    app.get('/direct-only', expressRequireDirectCall(), (_req, res) => void res.json({ ok: true }));
    return listenExpress(app);
  }
  const app = Fastify();
  await app.register(fastifyAuth, verifierFor('service-b'));
  app.get('/orders', { preHandler: [app.requireActor({ subject: 'service-a' }), app.requireScope('orders:read')] }, async (request) =>
    answer(request.auth),
  );
  app.get('/direct-only', { preHandler: app.requireDirectCall() }, async () => ({ ok: true }));
  return listenFastify(app);
}

/** Service A: verifies the user's token, exchanges it for B (orders:read only), calls B, reports what B said. */
async function serviceA(framework: 'express' | 'fastify', b: Running): Promise<Running> {
  const callB = async (exchange: NonNullable<Identity['exchange']>): Promise<{ status: number; body: unknown }> => {
    try {
      const downstream = await exchange({ audience: 'service-b', scope: 'orders:read' });
      const response = await fetch(`${b.url}/orders`, { headers: { authorization: `Bearer ${downstream.accessToken}` } });
      return {
        status: response.status,
        body: { fromB: await response.json(), scope: downstream.scope, issuedTokenType: downstream.issuedTokenType },
      };
    } catch (error) {
      if (!(error instanceof TokenExchangeError)) throw error;
      return { status: 502, body: { code: error.code, status: error.status, description: error.description, message: error.message } };
    }
  };
  if (framework === 'express') {
    const app = express();
    app.use(expressAuth({ ...verifierFor('service-a'), tokenExchange: exchangeOptions() }));
    app.get('/dashboard', async (req, res) => {
      const { status, body } = await callB(req.auth?.exchange as NonNullable<Identity['exchange']>);
      res.status(status).json(body);
    });
    return listenExpress(app);
  }
  const app = Fastify();
  await app.register(fastifyAuth, { ...verifierFor('service-a'), tokenExchange: createTokenExchange(exchangeOptions()) });
  app.get('/dashboard', async (request, reply) => {
    const { status, body } = await callB(request.auth?.exchange as NonNullable<Identity['exchange']>);
    return reply.code(status).send(body);
  });
  return listenFastify(app);
}

const get = async (
  url: string,
  token: string,
): Promise<{ status: number; body: Record<string, unknown>; text: string; challenge: string | null }> => {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text, challenge: response.headers.get('www-authenticate') };
};

describe.each([
  ['express', 'fastify'],
  ['fastify', 'express'],
] as const)('service A on %s exchanges the user token and calls service B on %s', (frameworkA, frameworkB) => {
  let a: Running;
  let b: Running;
  beforeAll(async () => {
    b = await serviceB(frameworkB);
    a = await serviceA(frameworkA, b);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('B sees the user, its own audience, the reduced scope, and A as the actor; the second call needs no exchange', async () => {
    exchangeTtl = 300;
    const token = await userToken(`alice-${frameworkA}`);
    const before = exchanges;
    const first = await get(`${a.url}/dashboard`, token);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      fromB: {
        user: `alice-${frameworkA}`,
        actor: { subject: 'service-a', clientId: 'service-a' },
        audience: ['service-b'],
        scopes: ['orders:read'],
        kind: 'user',
      },
      scope: 'orders:read',
      issuedTokenType: TOKEN_TYPE.accessToken,
    });
    expect(exchanges).toBe(before + 1);
    const second = await get(`${a.url}/dashboard`, token);
    expect(second.body).toEqual(first.body);
    expect(exchanges).toBe(before + 1);
  });

  it("B refuses the user's own token (another audience), and a direct-call-only route refuses the exchanged one", async () => {
    const token = await userToken('bob');
    expect((await get(`${b.url}/orders`, token)).status).toBe(401);
    const exchanged = await createTokenExchange(exchangeOptions()).exchange(token, { audience: 'service-b', scope: 'orders:read' });
    const direct = await get(`${b.url}/direct-only`, exchanged.accessToken);
    expect(direct.status).toBe(403);
    expect(direct.challenge).toContain('error="insufficient_scope"');
    expect((await get(`${b.url}/orders`, exchanged.accessToken)).status).toBe(200);
  });

  it('exchanges again once the exchanged token is about to expire', async () => {
    exchangeTtl = 3; // cached for 3 - refreshBefore (1) = 2 seconds
    try {
      const token = await userToken(`carol-${frameworkA}`);
      const before = exchanges;
      expect((await get(`${a.url}/dashboard`, token)).status).toBe(200);
      expect((await get(`${a.url}/dashboard`, token)).status).toBe(200);
      expect(exchanges).toBe(before + 1);
      await new Promise((resolve) => setTimeout(resolve, 2300));
      expect((await get(`${a.url}/dashboard`, token)).status).toBe(200);
      expect(exchanges).toBe(before + 2);
    } finally {
      exchangeTtl = 300;
    }
  });

  it('a server error reaches A as a clear TokenExchangeError with no token or secret in it', async () => {
    const token = await userToken(`dave-${frameworkA}`);
    failure = 'echo';
    try {
      const refused = await get(`${a.url}/dashboard`, token);
      expect(refused.status).toBe(502);
      expect(refused.body).toMatchObject({ code: 'invalid_grant', status: 400 });
      expect(refused.body.description).toContain('[redacted]');
      expect(refused.text).not.toContain(token);
      expect(refused.text).not.toContain(token.split('.')[2]);
      expect(refused.text).not.toContain(SERVICE_A_SECRET);
    } finally {
      failure = undefined;
    }
    // A refused exchange is not cached: the next call exchanges and succeeds.
    expect((await get(`${a.url}/dashboard`, token)).status).toBe(200);
  });
});

describe('createTokenExchange against the real provider', () => {
  let exchanger: TokenExchange;
  beforeAll(() => {
    exchanger = createTokenExchange({ issuer: op.issuer, clientId: 'service-a', clientSecret: SERVICE_A_SECRET });
  });

  it('forDownstream resolves to the headers to send', async () => {
    const headers = await exchanger.forDownstream(await userToken('erin'), { audience: 'service-b', scope: 'orders:read' });
    expect(Object.keys(headers)).toEqual(['authorization']);
    expect(headers.authorization).toMatch(/^Bearer ey/);
  });

  it('identical concurrent exchanges share one request', async () => {
    const token = await userToken('frank');
    const before = exchanges;
    const answers = await Promise.all(Array.from({ length: 5 }, () => exchanger.exchange(token, { audience: 'service-b', scope: 'orders:read' })));
    expect(new Set(answers.map((answer) => answer.accessToken)).size).toBe(1);
    expect(exchanges).toBe(before + 1);
    // Another scope is another exchange.
    await exchanger.exchange(token, { audience: 'service-b', scope: 'orders:write' });
    expect(exchanges).toBe(before + 2);
  });

  it('errors carry no token or secret anywhere: message, properties, cause (server error, 500, unreachable server)', async () => {
    const token = await userToken('grace');
    const errors: TokenExchangeError[] = [];
    for (const mode of ['echo', 'crash'] as const) {
      failure = mode;
      try {
        errors.push(
          await exchanger.exchange(token, { audience: 'service-b' }).then(
            () => {
              throw new Error('expected a refusal');
            },
            (error: TokenExchangeError) => error,
          ),
        );
      } finally {
        failure = undefined;
      }
    }
    const unreachable = createTokenExchange({ tokenEndpoint: 'http://127.0.0.1:9/token', clientId: 'service-a', clientSecret: SERVICE_A_SECRET });
    errors.push(
      await unreachable.exchange(token, { audience: 'service-b' }).then(
        () => {
          throw new Error('expected a refusal');
        },
        (error: TokenExchangeError) => error,
      ),
    );
    expect(errors.map((error) => [error.name, error.code, error.status])).toEqual([
      ['TokenExchangeError', 'invalid_grant', 400],
      ['TokenExchangeError', 'server_error', 500],
      ['TokenExchangeError', 'network_error', undefined],
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(TokenExchangeError);
      const everything = `${inspect(error, { depth: Infinity, showHidden: true })} ${JSON.stringify(error)} ${error.message} ${String(error.description)}`;
      for (const secret of [token, ...token.split('.'), SERVICE_A_SECRET]) expect(everything).not.toContain(secret);
    }
  });
});
