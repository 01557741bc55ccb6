import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import express, { type ErrorRequestHandler } from 'express';
import { AuthConfigError, createVerifier, jwtAuth, requireAnyScope, requireScope, type JwtAuthOptions, type Verifier } from '@authgate/express';
import { AUDIENCE, ISSUER, captureLogger, refusedUrl, serve, startIssuer, type TestIssuer } from './helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startIssuer();
});
afterAll(() => issuer.close());

const base = () => ({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] as const, jwksUri: issuer.jwksUri });

describe('configuration is checked at app set-up, synchronously', () => {
  it('bad verifier options throw AuthConfigError from jwtAuth(), saying what to fix', () => {
    expect(() => jwtAuth({} as JwtAuthOptions)).toThrow(AuthConfigError);
    expect(() => jwtAuth({ issuer: ISSUER, audience: AUDIENCE, jwksUri: issuer.jwksUri } as unknown as JwtAuthOptions)).toThrow(
      /algorithms is required/,
    );
    expect(() => jwtAuth({ ...base(), algorithms: ['HS256'] } as unknown as JwtAuthOptions)).toThrow(/HMAC/);
    expect(() => jwtAuth(undefined as unknown as JwtAuthOptions)).toThrow(AuthConfigError);
  });

  it('a token source configuration that reads nothing throws', () => {
    expect(() => jwtAuth({ ...base(), tokenLocations: { header: false } })).toThrow(AuthConfigError);
  });

  it('verifier and verifier options together throw (the options would be ignored silently)', () => {
    const verifier = createVerifier(base());
    try {
      expect(() => jwtAuth({ verifier, audience: 'other' } as unknown as JwtAuthOptions)).toThrow(/either verifier or/);
      expect(() => jwtAuth({ verifier: {} } as unknown as JwtAuthOptions)).toThrow(AuthConfigError);
      expect(() => jwtAuth({ verifier, logger: undefined, optional: true })).not.toThrow();
    } finally {
      verifier.close();
    }
  });

  it('bad scope lists throw at route definition', () => {
    expect(() => requireScope()).toThrow(AuthConfigError);
    expect(() => requireAnyScope()).toThrow(AuthConfigError);
    expect(() => requireScope('orders read')).toThrow(/invalid scope/);
    expect(() => requireScope('say "hi"')).toThrow(AuthConfigError);
    expect(() => requireScope(['orders:read'] as unknown as string)).toThrow(AuthConfigError);
  });

  it('the verifier is created once and exposed: ready(), health(), close()', async () => {
    const auth = jwtAuth(base());
    try {
      expect(auth.verifier.health().ok).toBe(false);
      const before = issuer.jwksHits();
      await auth.verifier.ready();
      expect(issuer.jwksHits()).toBe(before + 1);
      expect(auth.verifier.health().ok).toBe(true);
      expect(auth.verifier.realm).toBe('api');
    } finally {
      auth.verifier.close();
    }
  });

  it('one verifier can be shared by several jwtAuth (e.g. a required and an optional router)', async () => {
    const verifier = createVerifier(base());
    const required = jwtAuth({ verifier });
    const optional = jwtAuth({ verifier, optional: true });
    expect(required.verifier).toBe(verifier);
    const app = express();
    app.get('/feed', optional, (req, res) => void res.json({ anonymous: req.auth === null }));
    app.get('/me', required, (req, res) => void res.json({ subject: req.auth?.subject }));
    const running = await serve(app);
    try {
      expect(await (await running.fetch('/feed')).json()).toEqual({ anonymous: true });
      expect((await running.fetch('/me')).status).toBe(401);
      const token = await issuer.sign();
      expect(await (await running.fetch('/me', { headers: { authorization: `Bearer ${token}` } })).json()).toEqual({ subject: 'user-1' });
    } finally {
      await running.close();
      verifier.close();
    }
  });
});

describe('failures that are not AuthErrors', () => {
  it('an unexpected error from the verifier goes to next(err), never answered as a token problem', async () => {
    // Core's verifier never does this; a hand-written one might.
    const broken: Verifier = {
      realm: 'api',
      verify: () => Promise.reject(new TypeError('verifier bug')),
      ready: () => Promise.resolve(),
      health: () => ({ ok: true, issuers: [] }),
      close() {},
    };
    const app = express();
    app.use(jwtAuth({ verifier: broken }));
    app.get('/me', (_req, res) => void res.end());
    app.use(((err, _req, res, _next) => void res.status(500).json({ caught: (err as Error).message })) as ErrorRequestHandler);
    const running = await serve(app);
    try {
      const res = await running.fetch('/me', { headers: { authorization: 'Bearer abc' } });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ caught: 'verifier bug' });
    } finally {
      await running.close();
    }
  });
});

describe('outages and secrets', () => {
  it('the key source is down and no keys are held: 503 with Retry-After and no challenge', async () => {
    const logger = captureLogger();
    const auth = jwtAuth({ ...base(), jwksUri: await refusedUrl(), logger });
    const app = express();
    app.use(auth);
    app.get('/me', (_req, res) => void res.json({ ok: true }));
    const running = await serve(app);
    try {
      const res = await running.fetch('/me', { headers: { authorization: `Bearer ${await issuer.sign()}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect((await res.json()).error).toBe('temporarily_unavailable');
      expect(logger.lines.join('\n')).toContain('ECONNREFUSED');
    } finally {
      await running.close();
      auth.verifier.close();
    }
  });

  it('no token, nor any part of one, shows up in a response body, a response header or a log line', async () => {
    const logger = captureLogger();
    const consoleLines: string[] = [];
    const spies = (['error', 'warn', 'log', 'info', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' '))),
    );
    const good = jwtAuth({ ...base(), logger });
    const down = jwtAuth({ ...base(), jwksUri: await refusedUrl(), logger });
    const app = express();
    app.get('/down', down, (_req, res) => void res.end());
    app.get('/unguarded', requireScope('orders:read'), (_req, res) => void res.end());
    app.use(good);
    app.get('/orders', requireScope('orders:write'), (_req, res) => void res.end());
    const running = await serve(app);
    try {
      const tokens = [
        await issuer.sign({ scope: 'orders:read' }),
        await issuer.sign({ tenant: 'acme' }, { key: issuer.strangerKey }),
        await issuer.sign({ exp: Math.floor(Date.now() / 1000) - 600 }),
        await issuer.sign({ aud: 'elsewhere' }),
        await issuer.sign({}, { kid: 'unknown-kid' }),
        `${(await issuer.sign()).slice(0, -4)}AAAA`,
      ];
      const seen: string[] = [];
      for (const token of tokens) {
        for (const [path, init] of [
          ['/orders', { headers: { authorization: `Bearer ${token}` } }],
          ['/orders', { headers: { authorization: `Bearer ${token} ${token}` } }],
          ['/orders', { headers: { authorization: `Basic ${token}` } }],
          ['/down', { headers: { authorization: `Bearer ${token}` } }],
          [`/unguarded?access_token=${token}`, { headers: { authorization: `Bearer ${token}` } }],
        ] as const) {
          const res = await running.fetch(path, init);
          expect(res.status).toBeGreaterThanOrEqual(400);
          seen.push(await res.text(), ...[...res.headers].map(([name, value]) => `${name}: ${value}`));
        }
      }
      expect(logger.lines.length).toBeGreaterThan(0);
      expect(consoleLines.length).toBeGreaterThan(0);
      const everything = [...seen, ...logger.lines, ...consoleLines];
      for (const token of tokens) {
        const [header, payload, signature] = token.split('.') as [string, string, string];
        for (const part of [header, payload, signature.slice(0, 16)]) {
          for (const line of everything) expect(line).not.toContain(part);
        }
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
      await running.close();
      good.verifier.close();
      down.verifier.close();
    }
  });
});
