import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthConfigError, AuthError } from '../src/errors.js';
import type { JwksOptions } from '../src/options.js';
import { RemoteKeySource, type RemoteKeySourceOptions } from '../src/keys/remote-jwks.js';
import {
  DEFAULT_JWKS,
  makeKey,
  manualClock,
  recordingEvents,
  recordingLogger,
  refusedUrl,
  sendJson,
  serveJwks,
  settle,
  sleep,
  startTestServer,
  until,
  type Handler,
  type TestKey,
  type TestServer,
} from './remote-helpers.js';

const ISSUER = 'https://issuer.example';
const BODY_MARKER = 'body-text-that-must-never-be-logged';

let keyA: TestKey;
let keyB: TestKey;
let keyC: TestKey;
beforeAll(async () => {
  [keyA, keyB, keyC] = await Promise.all([makeKey('key-a'), makeKey('key-b'), makeKey('key-c', 'RS256')]);
});

let server: TestServer;
let published: TestKey[];
let cacheHeaders: Record<string, string>;
const open: RemoteKeySource[] = [];
beforeEach(async () => {
  server = await startTestServer();
  published = [keyA];
  cacheHeaders = {};
  server.route(
    '/jwks',
    serveJwks(
      () => ({ keys: published.map((key) => key.jwk) }),
      () => cacheHeaders,
    ),
  );
});
afterEach(async () => {
  for (const source of open.splice(0)) source.close();
  await server.close();
});

interface Setup {
  jwks?: Partial<JwksOptions>;
  uri?: string;
  now?: () => number;
  retry?: RemoteKeySourceOptions['retry'];
}

function remote(setup: Setup = {}) {
  const logger = recordingLogger();
  const { events, onEvent } = recordingEvents();
  const source = new RemoteKeySource({
    issuer: ISSUER,
    jwksUri: setup.uri ?? server.url('/jwks'),
    jwks: { ...DEFAULT_JWKS, ...setup.jwks },
    allowInsecureHttp: false,
    logger,
    onEvent,
    realm: 'api',
    random: () => 0, // full backoff, no jitter: retry counts below are exact
    ...(setup.now === undefined ? {} : { now: setup.now }),
    ...(setup.retry === undefined ? {} : { retry: setup.retry }),
  });
  open.push(source);
  const fetches = () => server.hits('/jwks');
  // Waits out a background refresh. A lookup that starts one sets it synchronously, so after `await getKey()`
  // this sees it; peeking at the private field beats guessing with sleeps.
  const quiet = () => until(() => (source as unknown as { inflight: unknown }).inflight === undefined);
  return { source, logger, events, fetches, quiet };
}

const randomKid = () => randomBytes(8).toString('hex');

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const { error } = await settle(promise);
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

/** Faults a JWKS endpoint can have; each leaves a good key set untouched. */
const FAULTS: Array<{ name: string; handler?: Handler; down?: true; jwks?: Partial<JwksOptions>; error: RegExp }> = [
  { name: 'down (connection refused)', down: true, error: /connection failed \(ECONNREFUSED\)/ },
  { name: '500', handler: (_req, res) => res.writeHead(500).end(BODY_MARKER), error: /HTTP 500/ },
  { name: 'HTML', handler: (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${BODY_MARKER}</p>`), error: /not JSON/ },
  { name: 'truncated JSON', handler: (_req, res) => res.writeHead(200).end(`{"keys":[{"kty":"EC","x":"${BODY_MARKER}`), error: /not JSON/ },
  {
    name: 'oversized',
    handler: (_req, res) => sendJson(res, { keys: [keyA.jwk], pad: 'x'.repeat(8000) }),
    jwks: { maxResponseBytes: 4096 },
    error: /larger than 4096 bytes/,
  },
  { name: 'hung', handler: () => {}, jwks: { timeout: 0.4 }, error: /timed out after 0.4 s/ },
  { name: 'empty set', handler: (_req, res) => sendJson(res, { keys: [] }), error: /no usable signature key \(0 refused\)/ },
  {
    name: 'only unusable keys',
    handler: (_req, res) => sendJson(res, { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }] }),
    error: /no usable signature key \(1 refused\)/,
  },
  { name: 'not a JWK Set', handler: (_req, res) => sendJson(res, { issuer: ISSUER }), error: /not a JWK Set/ },
];

function injectFault(fault: (typeof FAULTS)[number]): Promise<void> {
  if (fault.down) return server.stop();
  server.route('/jwks', fault.handler as Handler);
  return Promise.resolve();
}

describe('RemoteKeySource: single flight and cold start', () => {
  it('fetches once for 50 concurrent lookups at a cold start', async () => {
    server.route('/jwks', (_req, res) => void setTimeout(() => sendJson(res, { keys: [keyA.jwk] }), 100));
    const { source, fetches, events } = remote();
    const [keys] = await Promise.all([
      Promise.all(Array.from({ length: 50 }, () => source.getKey('key-a', 'ES256'))),
      source.ready(),
      source.ready(),
    ]);
    expect(fetches()).toBe(1);
    expect(new Set(keys.map((key) => key.id)).size).toBe(1);
    expect(keys[0]).toMatchObject({ kid: 'key-a' });
    expect(events).toEqual([{ type: 'jwks_refreshed', issuer: ISSUER, uri: server.url('/jwks'), keys: 1, trigger: 'startup' }]);
  });

  it('verifies a real token with the key it returns, and answers a kid-less token from a one-key set', async () => {
    const { source } = remote();
    const token = await keyA.sign({ sub: 'alice' });
    const { key } = await source.getKey('key-a', 'ES256');
    expect((await jwtVerify(token, key)).payload.sub).toBe('alice');
    expect((await source.getKey(undefined, 'ES256')).kid).toBe('key-a');
  });

  it('answers an algorithm mismatch without refetching', async () => {
    const { source, fetches } = remote();
    expect(await rejection(source.getKey('key-a', 'RS256'))).toMatchObject({ reason: 'key_algorithm_mismatch', status: 401 });
    expect(fetches()).toBe(1);
  });

  it('maps a key WebCrypto refuses at import (EC point off the curve) to unknown_key, not a raw DOMException', async () => {
    const offCurve = {
      kty: 'EC',
      crv: 'P-256',
      kid: 'bad-point',
      x: Buffer.alloc(32, 1).toString('base64url'),
      y: Buffer.alloc(32, 2).toString('base64url'),
    };
    server.route('/jwks', (_req, res) => sendJson(res, { keys: [offCurve, keyA.jwk] }));
    const { source } = remote();
    expect(await rejection(source.getKey('bad-point', 'ES256'))).toMatchObject({ reason: 'unknown_key', status: 401 });
    expect((await source.getKey('key-a', 'ES256')).kid).toBe('key-a');
  });
});

describe('RemoteKeySource: rotation, removal and unknown kids', () => {
  it('picks up a rotated key on the first token signed with it (real timers, real sockets)', async () => {
    const { source, fetches, events } = remote();
    await source.ready();
    published = [keyA, keyB];
    const token = await keyB.sign({ sub: 'bob' });
    const started = Date.now();
    const { key } = await source.getKey('key-b', 'ES256');
    expect(Date.now() - started).toBeLessThan(500);
    expect((await jwtVerify(token, key)).payload.sub).toBe('bob');
    expect(fetches()).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'jwks_refreshed', trigger: 'unknown_kid', keys: 2 });
  });

  it('stops verifying a withdrawn key and tells the listeners which key left', async () => {
    published = [keyA, keyB];
    const { source, logger } = remote();
    const withdrawn: string[][] = [];
    source.onKeysWithdrawn((ids) => void withdrawn.push([...ids]));
    const oldKey = await source.getKey('key-a', 'ES256');
    published = [keyB, keyC];
    await source.getKey('key-c', 'RS256'); // unknown kid: refetch, which no longer lists key-a
    expect(withdrawn).toEqual([[oldKey.id]]);
    expect(await rejection(source.getKey('key-a', 'ES256'))).toMatchObject({ reason: 'unknown_key', status: 401 });
    expect(source.health().keys).toBe(2);
    expect(logger.entries.some((entry) => entry.level === 'info' && entry.msg?.includes('withdrawn'))).toBe(true);
  });

  it('200 concurrent random kids share one fetch', async () => {
    const { source, fetches } = remote();
    await source.ready();
    await Promise.all(Array.from({ length: 200 }, () => rejection(source.getKey(randomKid(), 'ES256'))));
    expect(fetches()).toBe(2);
  });

  it('a flood of 200 random kids costs at most burst fetches (sequential and concurrent)', async () => {
    const { source, fetches } = remote();
    await source.ready();
    const started = Date.now();
    for (let i = 0; i < 200; i += 1) {
      expect(await rejection(source.getKey(randomKid(), 'ES256'))).toMatchObject({ reason: 'unknown_key' });
    }
    const sequential = fetches() - 1;
    await Promise.all(Array.from({ length: 200 }, () => rejection(source.getKey(randomKid(), 'ES256'))));
    const total = fetches() - 1;
    expect(total).toBe(sequential); // the bucket is empty: the concurrent 200 fetched nothing
    const allowed = DEFAULT_JWKS.burst + Math.floor((Date.now() - started) / 1000 / DEFAULT_JWKS.cooldown);
    expect(sequential).toBe(DEFAULT_JWKS.burst);
    expect(total).toBeLessThanOrEqual(allowed);
    expect((await source.getKey('key-a', 'ES256')).kid).toBe('key-a'); // real traffic unaffected
  });

  it('over time, refetches for random kids stay within burst + elapsed / cooldown', async () => {
    const clock = manualClock();
    const { source, fetches, quiet } = remote({ now: clock.now });
    await source.ready();
    for (let second = 0; second < 300; second += 1) {
      await rejection(source.getKey(randomKid(), 'ES256'));
      clock.advance(1);
    }
    await quiet();
    // 300 s at one random kid per second: 3 at once, then one per 30 s.
    expect(fetches() - 1).toBe(DEFAULT_JWKS.burst + Math.floor(300 / DEFAULT_JWKS.cooldown) - 1);
    expect(fetches() - 1).toBeLessThanOrEqual(DEFAULT_JWKS.burst + 300 / DEFAULT_JWKS.cooldown);
  });

  it('negative-caches a missing kid only briefly, so a key published later is found soon', async () => {
    const clock = manualClock();
    const { source, fetches } = remote({ now: clock.now });
    await source.ready();
    await rejection(source.getKey('key-b', 'ES256'));
    expect(fetches()).toBe(2); // the unknown kid refetched once
    published = [keyA, keyB];
    for (let i = 0; i < 4; i += 1) {
      clock.advance(1);
      // Refused from memory, without a fetch; the hits do not extend the entry.
      expect(await rejection(source.getKey('key-b', 'ES256'))).toMatchObject({ reason: 'unknown_key' });
    }
    expect(fetches()).toBe(2);
    clock.advance(1.1); // past negativeCacheTtl (5 s) since the miss
    expect((await source.getKey('key-b', 'ES256')).kid).toBe('key-b');
    expect(fetches()).toBe(3);
  });

  it('during an outage, unknown kids add no fetches to the backed-off retries', async () => {
    const clock = manualClock();
    const { source, fetches, quiet } = remote({ now: clock.now, retry: { initialDelay: 1, maxDelay: 60 } });
    await source.ready();
    server.route('/jwks', (_req, res) => res.writeHead(503).end());
    clock.advance(601);
    // Routine retries fail at +0, +1 and +3 s (backoff 1 s, 2 s).
    for (const step of [0, 1, 2]) {
      clock.advance(step);
      await source.getKey('key-a', 'ES256');
      await quiet();
    }
    expect(fetches()).toBe(4);
    for (let i = 0; i < 50; i += 1) {
      expect(await rejection(source.getKey(randomKid(), 'ES256'))).toMatchObject({ reason: 'unknown_key', status: 401 });
    }
    expect(fetches()).toBe(4); // still inside the 4 s backoff: nothing fetched
  });

  it('counts failed fetches against the unknown-kid limiter', async () => {
    const clock = manualClock();
    // Backoff switched off, so only the token bucket stands between unknown kids and the provider.
    const { source, fetches, quiet } = remote({ now: clock.now, retry: { initialDelay: 0, maxDelay: 0 } });
    await source.ready();
    server.route('/jwks', (_req, res) => void setTimeout(() => res.writeHead(503).end(), 100));
    clock.advance(601);
    for (let i = 0; i < DEFAULT_JWKS.burst; i += 1) {
      await source.getKey('key-a', 'ES256'); // a routine retry that fails: one token each
      await quiet();
    }
    // One more routine retry is in flight when a token with an unknown kid arrives: the kid waits for it (it may
    // predate the key), then would fetch on its own, but failures emptied the bucket.
    await source.getKey('key-a', 'ES256');
    expect(await rejection(source.getKey(randomKid(), 'ES256'))).toMatchObject({ reason: 'unknown_key' });
    await quiet();
    expect(fetches()).toBe(1 + DEFAULT_JWKS.burst + 1);
  });

  it('bounds a random-kid flood during an outage', async () => {
    const clock = manualClock();
    const { source, fetches, quiet } = remote({ now: clock.now });
    await source.ready();
    server.route('/jwks', (_req, res) => res.writeHead(500).end());
    for (let second = 0; second < 300; second += 1) {
      await rejection(source.getKey(randomKid(), 'ES256'));
      await quiet();
      clock.advance(1);
    }
    expect(fetches() - 1).toBeLessThanOrEqual(DEFAULT_JWKS.burst + 300 / DEFAULT_JWKS.cooldown);
  });
});

describe('RemoteKeySource: freshness', () => {
  for (const [header, lifetime] of [
    ['max-age=120', 120],
    ['public, max-age=5', 60], // clamped up to minAge
    ['max-age=100000', 600], // clamped down to maxAge
    ['no-store', 60],
    [undefined, 600],
  ] as const) {
    it(`refreshes after ${lifetime} s for Cache-Control ${header ?? '(none)'}`, async () => {
      cacheHeaders = header === undefined ? {} : { 'cache-control': header };
      const clock = manualClock();
      const { source, fetches, quiet, events } = remote({ now: clock.now });
      await source.ready();
      clock.advance(lifetime - 1);
      await source.getKey('key-a', 'ES256');
      expect(fetches()).toBe(1);
      clock.advance(2);
      await source.getKey('key-a', 'ES256');
      await quiet();
      expect(fetches()).toBe(2);
      expect(events.at(-1)).toMatchObject({ type: 'jwks_refreshed', trigger: 'max_age' });
    });
  }

  it('serves requests after max age from the current set while one background refresh runs', async () => {
    const clock = manualClock();
    const { source, fetches, quiet } = remote({ now: clock.now });
    await source.ready();
    server.route('/jwks', (_req, res) => void setTimeout(() => sendJson(res, { keys: [keyA.jwk] }), 500));
    clock.advance(601);
    const started = Date.now();
    await Promise.all(Array.from({ length: 20 }, () => source.getKey('key-a', 'ES256')));
    expect(Date.now() - started).toBeLessThan(250); // nobody waited for the 500 ms refresh
    await quiet();
    expect(fetches()).toBe(2);
  });

  it('an idle source past maxStale (no failure) fetches for the next request instead of failing', async () => {
    const clock = manualClock();
    const { source, fetches } = remote({ now: clock.now });
    await source.ready();
    clock.advance(600 + 3600 + 1);
    expect(source.health().ok).toBe(true);
    expect((await source.getKey('key-a', 'ES256')).kid).toBe('key-a');
    expect(fetches()).toBe(2);
  });
});

describe('RemoteKeySource: outages', () => {
  for (const fault of FAULTS) {
    it(`keeps the last good set when a refresh fails: ${fault.name}`, async () => {
      const clock = manualClock();
      const { source, events, logger } = remote({ now: clock.now, jwks: fault.jwks ?? {} });
      await source.ready();
      await injectFault(fault);
      clock.advance(601);
      const { value, ms } = await settle(source.getKey('key-a', 'ES256'));
      expect(value?.kid).toBe('key-a');
      expect(ms).toBeLessThan(200); // even a hung endpoint holds no request
      await until(() => events.length === 2);
      expect(events[1]).toMatchObject({ type: 'jwks_refresh_failed', issuer: ISSUER, stale: true });
      expect((events[1] as { error: string }).error).toMatch(fault.error);
      expect((await source.getKey('key-a', 'ES256')).kid).toBe('key-a');
      expect(source.health()).toMatchObject({ stale: true, ok: true, keys: 1 });
      expect(source.health().lastError).toMatch(fault.error);
      expect(logger.entries.some((entry) => entry.level === 'warn' && entry.msg?.includes('last good key set'))).toBe(true);
      expect(logger.text()).not.toContain(BODY_MARKER);
    });

    it(`fails closed with key_source_unavailable at a cold start: ${fault.name}`, async () => {
      await injectFault(fault);
      const timeout = fault.jwks?.timeout ?? DEFAULT_JWKS.timeout;
      const { source, logger } = remote({ jwks: fault.jwks ?? {} });
      const { error, ms } = await settle(source.getKey('key-a', 'ES256'));
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ reason: 'key_source_unavailable', status: 503 });
      expect((error as AuthError).detail).toMatch(fault.error);
      expect(ms).toBeLessThan(timeout * 1000 + 500);
      const ready = await settle(source.ready());
      expect((ready.error as Error).message).toContain(`cannot load the signing keys of issuer "${ISSUER}" from ${server.url('/jwks')}: `);
      expect((ready.error as Error).message).toMatch(fault.error);
      expect((ready.error as Error).message).not.toContain(BODY_MARKER);
      expect(logger.text()).not.toContain(BODY_MARKER);
    });
  }

  it('a hung endpoint never holds a request past the timeout, and a slow one under it works', async () => {
    server.route('/jwks', () => {});
    const hung = remote({ jwks: { timeout: 0.5 } });
    const { error, ms } = await settle(hung.source.getKey('key-a', 'ES256'));
    expect(error).toMatchObject({ reason: 'key_source_unavailable' });
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(1000);
    server.route('/jwks', (_req, res) => void setTimeout(() => sendJson(res, { keys: [keyA.jwk] }), 250));
    const slow = remote({ jwks: { timeout: 0.5 } });
    expect((await slow.source.getKey('key-a', 'ES256')).kid).toBe('key-a');
  });

  it('at a cold start against a failing endpoint, 50 requests make one fetch and the backoff answers the next ones', async () => {
    server.route('/jwks', (_req, res) => void setTimeout(() => res.writeHead(500).end(), 50));
    const { source, fetches } = remote();
    const errors = await Promise.all(Array.from({ length: 50 }, () => rejection(source.getKey('key-a', 'ES256'))));
    expect(errors.every((error) => error.reason === 'key_source_unavailable')).toBe(true);
    expect(fetches()).toBe(1);
    for (let i = 0; i < 20; i += 1) await rejection(source.getKey('key-a', 'ES256'));
    expect(fetches()).toBe(1);
  });

  it('serves the stale set within maxStale, backs off, fails closed past it, and recovers (fake clock)', async () => {
    const clock = manualClock();
    const { source, fetches, quiet, events } = remote({ now: clock.now, retry: { initialDelay: 1, maxDelay: 60 } });
    await source.ready();
    server.route('/jwks', (_req, res) => res.writeHead(500).end());
    clock.advance(601);
    // 3000 s of outage with a request every 10 s: every one is served from the stale set.
    for (let elapsed = 0; elapsed < 3000; elapsed += 10) {
      expect((await source.getKey('key-a', 'ES256')).kid).toBe('key-a');
      await quiet();
      clock.advance(10);
    }
    const outageFetches = fetches() - 1;
    // Backoff 1, 2, 4, ... capped at 60 s: about one fetch a minute, not one per request (300 requests).
    expect(outageFetches).toBeLessThanOrEqual(3000 / 60 + 8);
    expect(events.filter((event) => event.type === 'jwks_refresh_failed').every((event) => 'stale' in event && event.stale)).toBe(true);
    expect(source.health()).toMatchObject({ ok: true, stale: true });

    clock.advance(4200 - 3601 + 1); // past expiry (600) + maxStale (3600)
    expect(await rejection(source.getKey('key-a', 'ES256'))).toMatchObject({ reason: 'key_source_unavailable', status: 503 });
    await quiet();
    expect(source.health()).toMatchObject({ ok: false });

    published = [keyA];
    server.route(
      '/jwks',
      serveJwks(() => ({ keys: published.map((key) => key.jwk) })),
    );
    clock.advance(61); // past the longest backoff
    expect((await source.getKey('key-a', 'ES256')).kid).toBe('key-a');
    expect(events.at(-1)).toMatchObject({ type: 'jwks_refreshed', trigger: 'retry' });
    expect(source.health()).toMatchObject({ ok: true, stale: false, lastError: undefined });
  });

  it('rides out an outage on the stale set, fails closed past maxStale and recovers (real timers, real sockets)', async () => {
    const { source, events } = remote({
      jwks: { maxAge: 0.3, minAge: 0, maxStale: 0.5, timeout: 1 },
      retry: { initialDelay: 0.05, maxDelay: 0.2 },
    });
    await source.ready();
    const loadedAt = Date.now();
    await server.stop();
    await sleep(400);
    expect((await source.getKey('key-a', 'ES256')).kid).toBe('key-a'); // stale, within maxStale
    await until(() => events.some((event) => event.type === 'jwks_refresh_failed'));
    expect(events.find((event) => event.type === 'jwks_refresh_failed')).toMatchObject({ stale: true });
    await sleep(Math.max(0, loadedAt + 900 - Date.now()));
    expect(await rejection(source.getKey('key-a', 'ES256'))).toMatchObject({ reason: 'key_source_unavailable', status: 503 });
    await server.start();
    await sleep(250); // past the longest backoff
    expect((await source.getKey('key-a', 'ES256')).kid).toBe('key-a');
    expect(events.at(-1)).toMatchObject({ type: 'jwks_refreshed', trigger: 'retry' });
  });
});

describe('RemoteKeySource: configuration, visibility, close', () => {
  it('refuses a non-https JWKS URL outside loopback at construction', () => {
    const make = (jwksUri: string, allowInsecureHttp = false) =>
      new RemoteKeySource({
        issuer: ISSUER,
        jwksUri,
        jwks: DEFAULT_JWKS,
        allowInsecureHttp,
        logger: recordingLogger(),
        onEvent: () => {},
        realm: 'api',
      });
    expect(() => make('http://idp.example/jwks')).toThrow(AuthConfigError);
    expect(() => make('http://idp.example/jwks')).toThrow(/use https:/);
    expect(() => make('http://idp.example/jwks', true)).not.toThrow();
    expect(() => make('https://idp.example/jwks')).not.toThrow();
    expect(() => make('http://localhost:4000/jwks')).not.toThrow();
    expect(
      () =>
        new RemoteKeySource({
          issuer: ISSUER,
          jwks: DEFAULT_JWKS,
          allowInsecureHttp: false,
          logger: recordingLogger(),
          onEvent: () => {},
          realm: 'api',
        }),
    ).toThrow(/exactly one of jwksUri and discoverFrom/);
  });

  it('reports health, logs refreshes at info and refused keys (kid and why) at warn, once', async () => {
    server.route('/jwks', (_req, res) =>
      sendJson(res, { keys: [keyA.jwk, { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }, { ...keyB.jwk, use: 'enc' }] }),
    );
    const clock = manualClock();
    const { source, logger, quiet } = remote({ now: clock.now });
    expect(source.health()).toMatchObject({ issuer: ISSUER, kind: 'remote', uri: server.url('/jwks'), keys: 0, ok: false, stale: false });
    await source.ready();
    const health = source.health();
    expect(health).toMatchObject({ keys: 1, ok: true, stale: false, lastError: undefined });
    expect(health.lastRefresh?.getTime()).toBe(clock.now());
    const refused = logger.entries.filter((entry) => entry.level === 'warn');
    expect(refused.map((entry) => entry.obj)).toEqual([
      { issuer: ISSUER, uri: server.url('/jwks'), kid: 'hmac', why: 'holds private or symmetric key material' },
      { issuer: ISSUER, uri: server.url('/jwks'), kid: 'key-b', why: 'use is "enc", not "sig"' },
    ]);
    expect(logger.entries.some((entry) => entry.level === 'info' && entry.msg === 'authgate: JWKS refreshed')).toBe(true);
    clock.advance(601);
    await source.getKey('key-a', 'ES256');
    await quiet();
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toHaveLength(2); // not repeated for the same set
  });

  it('close() aborts a fetch in flight and starts no more', async () => {
    server.route('/jwks', () => {});
    const { source, fetches } = remote({ jwks: { timeout: 10 } });
    const pending = settle(source.getKey('key-a', 'ES256'));
    await until(() => fetches() === 1);
    source.close();
    const { error, ms } = await pending;
    expect(error).toMatchObject({ reason: 'key_source_unavailable', detail: 'key source closed' });
    expect(ms).toBeLessThan(1000);
    await rejection(source.getKey('key-a', 'ES256'));
    expect(fetches()).toBe(1);
    await expect(source.ready()).rejects.toThrow(/closed/);
  });

  it('ready() names the URL and the reason when nothing listens', async () => {
    const uri = await refusedUrl();
    const { source } = remote({ uri });
    await expect(source.ready()).rejects.toThrow(
      `authgate: cannot load the signing keys of issuer "${ISSUER}" from ${uri}: connection failed (ECONNREFUSED)`,
    );
  });
});
