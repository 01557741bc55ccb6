/**
 * Replays every HTTP-sendable attack case of cases.ts through both adapters, over real sockets: one Express app and
 * one Fastify app per verifier profile, each with an unscoped route and one route per scope requirement the cases
 * name. Every refusal must carry exactly the expected status and RFC 6750 challenge, never a 5xx, and nothing of
 * what the client sent may come back in a header or a body. The control group must be accepted by both.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { jwtAuth as expressAuth, requireAnyScope, requireScope } from '@authgate/express';
import fastifyAuth from '@authgate/fastify';
import type { Identity, ScopeMode } from '@authgate/core';
import { buildAcceptCases, buildAttackCases, type AcceptCase, type AttackCase } from './cases.js';
import { createSecurityContext, PROFILE_NAMES, type ProfileName } from './context.js';

const ctx = await createSecurityContext();
const cases = (await buildAttackCases(ctx)).filter((c) => c.httpSafe);
const accepts = await buildAcceptCases(ctx);

/** One route per distinct scope requirement, shared by both frameworks. */
const scopeRoutes = new Map<string, { scopes: readonly string[]; mode: ScopeMode }>();
function routeFor(c: Pick<AttackCase, 'requiredScopes' | 'scopeMode'>): string {
  if (c.requiredScopes === undefined) return '/open';
  const key = `${c.scopeMode ?? 'all'}:${c.requiredScopes.join(' ')}`;
  if (!scopeRoutes.has(key)) scopeRoutes.set(key, { scopes: c.requiredScopes, mode: c.scopeMode ?? 'all' });
  return `/scoped/${[...scopeRoutes.keys()].indexOf(key)}`;
}
for (const c of [...cases, ...accepts]) routeFor(c);

const answer = (identity: Identity | null | undefined) => ({
  subject: identity?.subject,
  issuer: identity?.issuer,
  alg: identity?.alg,
  scopes: identity?.scopes,
});

function expressApp(profile: ProfileName): express.Express {
  const app = express();
  // A parsed form body is present, so a token in it is only ignored because tokenLocations leaves it out.
  app.use(express.urlencoded({ extended: false }));
  app.use(expressAuth({ ...ctx.profiles[profile], logger: ctx.logger }));
  app.all('/open', (req, res) => void res.json(answer(req.auth)));
  [...scopeRoutes.values()].forEach(({ scopes, mode }, index) => {
    const guard = mode === 'any' ? requireAnyScope(...scopes) : requireScope(...scopes);
    app.all(`/scoped/${index}`, guard, (req, res) => void res.json(answer(req.auth)));
  });
  return app;
}

async function fastifyApp(profile: ProfileName): Promise<FastifyInstance> {
  const app = Fastify();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  await app.register(fastifyAuth, { ...ctx.profiles[profile], logger: ctx.logger });
  app.all('/open', async (request) => answer(request.auth));
  [...scopeRoutes.values()].forEach(({ scopes, mode }, index) => {
    const preHandler = mode === 'any' ? app.requireAnyScope(...scopes) : app.requireScope(...scopes);
    app.all(`/scoped/${index}`, { preHandler }, async (request) => answer(request.auth));
  });
  return app;
}

type Servers = Record<'express' | 'fastify', Record<ProfileName, string>>;
const servers: Servers = { express: {} as Record<ProfileName, string>, fastify: {} as Record<ProfileName, string> };
const closers: Array<() => Promise<unknown>> = [];
for (const profile of PROFILE_NAMES) {
  const server = http.createServer(expressApp(profile));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.express[profile] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  );
  const fastify = await fastifyApp(profile);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  servers.fastify[profile] = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  closers.push(() => fastify.close());
}

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await ctx.close();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends a case exactly as a client would: raw Authorization header line(s), cookie, query string, form body. */
function send(base: string, c: AttackCase | AcceptCase): Promise<Reply> {
  const attack = c as Partial<AttackCase>;
  const authorization = c.authorization ?? (c.token === undefined ? undefined : `Bearer ${c.token}`);
  // An array value sends that many separate header lines (what a proxy bug or an attacker would send).
  const headers: Record<string, string | string[]> = {};
  if (authorization !== undefined) headers.authorization = typeof authorization === 'string' ? authorization : [...authorization];
  if (attack.cookie !== undefined) headers.cookie = attack.cookie;
  const form = attack.form === undefined ? undefined : new URLSearchParams({ ...attack.form }).toString();
  if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const query = attack.query === undefined ? '' : `?${new URLSearchParams({ ...attack.query }).toString()}`;
  const url = new URL(`${routeFor(c)}${query}`, base);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: form === undefined ? 'GET' : 'POST', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.setTimeout(5000, () => request.destroy(new Error('no answer within 5 s')));
    request.on('error', reject);
    request.end(form);
  });
}

/** Nothing the client sent comes back, in any header or the body. */
function expectNoEcho(reply: Reply, c: AttackCase): void {
  const sent = [c.token ?? '', ...(c.authorization === undefined ? [] : [c.authorization].flat())].join('.');
  const echoed = `${JSON.stringify(reply.headers)} ${reply.body}`;
  for (const piece of sent.split(/[.\s,]+/)) if (piece.length > 8) expect(echoed).not.toContain(piece);
}

const frameworks = ['express', 'fastify'] as const;

describe.each(frameworks)('%s: the control group is accepted', (framework) => {
  it.each(accepts.map((c) => [`${c.class}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const reply = await send(servers[framework][c.profile], c);
    expect(reply.status, reply.body).toBe(200);
    const identity = JSON.parse(reply.body) as ReturnType<typeof answer>;
    if (c.identity.subject !== undefined) expect(identity.subject).toBe(c.identity.subject);
    if (c.identity.issuer !== undefined) expect(identity.issuer).toBe(c.identity.issuer);
    if (c.identity.alg !== undefined) expect(identity.alg).toBe(c.identity.alg);
    if (c.identity.scopes !== undefined) expect([...(identity.scopes ?? [])].sort()).toEqual([...c.identity.scopes].sort());
  });
});

describe.each(frameworks)('%s: every attack is refused with the right answer', (framework) => {
  it.each(cases.map((c) => [`${c.class}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const reply = await send(servers[framework][c.profile], c);
    expect(reply.status, reply.body).toBe(c.expect.status);
    const challenge = reply.headers['www-authenticate'];
    if (c.expect.status === 503) {
      expect(challenge).toBeUndefined();
      expect(reply.headers['retry-after']).toBeDefined();
    } else {
      // A DPoP request's error goes on the DPoP challenge, with Bearer's beside it (RFC 9449 §7.1).
      expect(challenge).toMatch(/^(Bearer|DPoP) realm="[^"]*"/);
      if (c.expect.code === undefined) expect(challenge).not.toContain('error=');
      else expect(challenge).toContain(`error="${c.expect.code}"`);
    }
    expect(reply.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(reply.body) as { error: string };
    expect(body.error).toBe(c.expect.code ?? (c.expect.status === 503 ? 'temporarily_unavailable' : 'unauthorized'));
    expectNoEcho(reply, c);
  });
});

describe('after every attack, through both adapters', () => {
  it('the trap server (jku, x5u, attacker issuers) received nothing', () => {
    expect(ctx.trapRequests).toEqual([]);
  });

  it('no log line holds any part of a token that was sent', () => {
    const logged = ctx.logs.map((entry) => `${entry.msg ?? ''} ${JSON.stringify(entry.obj)}`).join('\n');
    for (const c of cases) {
      for (const piece of (c.token ?? '').split('.')) if (piece.length > 16) expect(logged).not.toContain(piece);
    }
  });
});
