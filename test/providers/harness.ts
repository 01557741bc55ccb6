/**
 * One provider preset, served by both adapters over real HTTP: Express and Fastify apps on 127.0.0.1 whose
 * `/whoami` answers the identity the preset produced, and a record of why each refused token was refused.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { createProviderIssuer, type ProviderIssuer, type ProviderName, type ProviderSettings } from '@authgate/testing';
import type { AuthErrorReason, KeySourceEvent } from '@authgate/core';
import { jwtAuth as expressAuth, type JwtAuthOptions } from '@authgate/express';
import fastifyAuth from '@authgate/fastify';

export interface WhoAmI {
  subject: string | undefined;
  scopes: readonly string[];
  roles: readonly string[];
  clientId: string | undefined;
  /** `identity.kind`: checked when given (the apps always answer it). */
  kind?: 'user' | 'client';
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  challenge: string | null;
}

export interface BothAdapters {
  /** Sends the token (in `Authorization: Bearer`, or in `header` as a bare token) to both apps. */
  call(token: string | undefined, header?: string): Promise<{ express: Answer; fastify: Answer }>;
  /** Reasons of the refusals since the last call to `reasons()`, per adapter. */
  reasons(): { express: AuthErrorReason[]; fastify: AuthErrorReason[] };
  close(): Promise<void>;
}

type Options = Extract<JwtAuthOptions, { verifier?: undefined }>;

function whoami(
  auth:
    | { subject: string | undefined; scopes: readonly string[]; roles?: readonly string[]; clientId?: string | undefined; kind?: 'user' | 'client' }
    | null
    | undefined,
): WhoAmI | null {
  if (auth === null || auth === undefined) return null;
  return { subject: auth.subject, scopes: auth.scopes, roles: auth.roles ?? [], clientId: auth.clientId, kind: auth.kind };
}

export async function serveBoth(options: Options): Promise<BothAdapters> {
  const seen = { express: [] as AuthErrorReason[], fastify: [] as AuthErrorReason[] };
  const recorder =
    (into: AuthErrorReason[]) =>
    (event: KeySourceEvent): void => {
      if (event.type === 'token_rejected') into.push(event.reason);
    };

  const app = express();
  app.use(expressAuth({ ...options, onEvent: recorder(seen.express) }));
  app.get('/whoami', (req, res) => void res.json(whoami(req.auth)));
  const expressServer: Server = await new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });

  const fastify = Fastify();
  await fastify.register(fastifyAuth, { ...options, onEvent: recorder(seen.fastify) } as never);
  fastify.get('/whoami', async (request) => whoami(request.auth));
  await fastify.listen({ port: 0, host: '127.0.0.1' });

  const urls = {
    express: `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}/whoami`,
    fastify: `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}/whoami`,
  };

  async function one(url: string, token: string | undefined, header: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers[header] = header === 'authorization' ? `Bearer ${token}` : token;
    const response = await fetch(url, { headers });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      challenge: response.headers.get('www-authenticate'),
    };
  }

  return {
    async call(token, header = 'authorization') {
      const [e, f] = await Promise.all([one(urls.express, token, header), one(urls.fastify, token, header)]);
      return { express: e, fastify: f };
    },
    reasons() {
      const copy = { express: [...seen.express], fastify: [...seen.fastify] };
      seen.express.length = 0;
      seen.fastify.length = 0;
      return copy;
    },
    async close() {
      await fastify.close();
      await new Promise<void>((resolve) => {
        expressServer.close(() => resolve());
        expressServer.closeAllConnections();
      });
    },
  };
}

/** Both adapters accept the token with exactly this identity (its `kind` too, when `expected` names one). */
export async function expectAccepted(apps: BothAdapters, token: string, expected: WhoAmI, header?: string): Promise<void> {
  const { express: e, fastify: f } = await apps.call(token, header);
  for (const [name, answer] of [
    ['express', e],
    ['fastify', f],
  ] as const) {
    expect(answer.status, `${name}: ${JSON.stringify(answer.body)} ${JSON.stringify(apps.reasons())}`).toBe(200);
    expect(answer.body, name).toEqual({ kind: answer.body.kind, ...expected });
  }
}

/** Both adapters refuse the token with 401 invalid_token, for this reason. */
export async function expectRefused(apps: BothAdapters, token: string, reason: AuthErrorReason, header?: string): Promise<void> {
  apps.reasons();
  const { express: e, fastify: f } = await apps.call(token, header);
  for (const [name, answer] of [
    ['express', e],
    ['fastify', f],
  ] as const) {
    expect(answer.status, `${name}: ${JSON.stringify(answer.body)}`).toBe(401);
    expect(answer.challenge, name).toMatch(/^Bearer realm="api", error="invalid_token"/);
  }
  expect(apps.reasons()).toEqual({ express: [reason], fastify: [reason] });
}

/**
 * A suite's provider and both apps: started before its tests, closed after. `preset` builds the adapters' options
 * from the running provider (its settings and `local` key URL).
 */
export function withProvider(
  provider: ProviderName,
  settings: ProviderSettings,
  preset: (idp: ProviderIssuer) => Options,
): { readonly idp: ProviderIssuer; readonly apps: BothAdapters } {
  const state: { idp?: ProviderIssuer; apps?: BothAdapters } = {};
  beforeAll(async () => {
    state.idp = await createProviderIssuer(provider, settings);
    state.apps = await serveBoth(preset(state.idp));
  });
  afterAll(async () => {
    await state.apps?.close();
    await state.idp?.close();
  });
  return {
    get idp() {
      return state.idp as ProviderIssuer;
    },
    get apps() {
      return state.apps as BothAdapters;
    },
  };
}
