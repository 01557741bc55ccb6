import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthError } from '@authgate/core';
import type { TestIssuer } from '@authgate/testing';
import { startRedis, type RedisServer } from './helpers/redis-server.js';
import { startProxy, type CuttableProxy } from './helpers/tcp-proxy.js';
import { listFactory, now, outcome, startIssuer, verifierFor, within } from './helpers/setup.js';

// Each fault against real redis-server processes: killed, restarted from its AOF, one instance cut off, a lost
// pub/sub message, a paused (slow) server, and fail-closed staleness.
let issuer: TestIssuer;
const lists = listFactory({ keyPrefix: 'faults:' });
const servers: RedisServer[] = [];
const proxies: CuttableProxy[] = [];

async function redisServer(options: Parameters<typeof startRedis>[0] = {}): Promise<RedisServer> {
  const server = await startRedis(options);
  servers.push(server);
  return server;
}

async function proxyTo(server: RedisServer): Promise<CuttableProxy> {
  const proxy = await startProxy(server.port);
  proxies.push(proxy);
  return proxy;
}

beforeAll(async () => {
  issuer = await startIssuer();
});
afterEach(async () => {
  await lists.closeAll();
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(servers.splice(0).map((server) => server.destroy()));
});
afterAll(() => issuer?.close());

describe('Redis faults', () => {
  it('Redis killed while instances serve: they keep answering from the mirror; a revoke rejects within commandTimeout', async () => {
    const server = await redisServer();
    const [a, b] = [await lists.list(server.url), await lists.list(server.url)];
    const verifierB = verifierFor(issuer, b);
    const revoked = await issuer.sign({ jti: 'before-crash' });
    const good = await issuer.sign({ jti: 'good' });
    await a.revokeToken({ jti: 'before-crash', exp: now() + 300 });
    await within(200, () => b.size === 1, 'B has the entry');

    await server.stop('SIGKILL');
    await within(2000, () => !b.health().connected, 'B notices the loss');
    for (let i = 0; i < 20; i += 1) {
      expect(await outcome(verifierB, revoked)).toBe('revoked');
      expect(await outcome(verifierB, good)).toBe('accepted');
    }
    const started = performance.now();
    await expect(a.revokeToken({ jti: 'during-outage', exp: now() + 300 })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1000 + 1500); // commandTimeout 1 s, and generous slack
    expect(b.health()).toMatchObject({ connected: false, stale: false });
    expect(b.health().mirrorAgeSeconds).toBeGreaterThan(0);
  });

  it('Redis restarted with AOF: the entries are still there, and the mirrors resync', async () => {
    const server = await redisServer({ appendOnly: true });
    const [a, b] = [await lists.list(server.url), await lists.list(server.url)];
    await a.revokeToken({ jti: 'persisted', exp: now() + 300 });
    await a.revokeSubject({ sub: 'mallory' });
    await server.stop('SIGKILL');
    await within(2000, () => !a.health().connected && !b.health().connected, 'both notice');
    const restarted = await redisServer({ appendOnly: true, dir: server.dir, port: server.port });
    await within(8000, () => a.health().connected && b.health().connected, 'both reconnect and resync');
    const fresh = await lists.list(restarted.url);
    expect(fresh.size).toBe(2);
    expect(fresh.isRevoked({ jti: 'persisted' })).toBe(true);
    expect(b.isRevoked({ jti: 'persisted' })).toBe(true);
    await a.revokeToken({ jti: 'after-restart', exp: now() + 300 });
    await within(200, () => b.isRevoked({ jti: 'after-restart' }), 'pub/sub works again');
  });

  it('a revocation written while instance B was cut off reaches B after it reconnects', async () => {
    const server = await redisServer();
    const proxy = await proxyTo(server);
    const a = await lists.list(server.url);
    const b = await lists.list(proxy.url, { resyncInterval: 3600 }); // only the reconnect can bring it
    const verifierB = verifierFor(issuer, b);
    const token = await issuer.sign({ jti: 'while-cut' });
    proxy.cut();
    await within(2000, () => !b.health().connected, 'B is cut off');
    await a.revokeToken({ jti: 'while-cut', exp: now() + 300 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await outcome(verifierB, token)).toBe('accepted'); // B cannot know yet (failMode open)
    proxy.restore();
    await within(8000, async () => (await outcome(verifierB, token)) === 'revoked', 'B catches up after reconnecting');
    expect(b.health().connected).toBe(true);
  });

  it('a lost pub/sub message (an entry written behind its back) is caught by the periodic resync, deletions too', async () => {
    const server = await redisServer();
    const b = await lists.list(server.url, { resyncInterval: 0.5 });
    const raw = lists.client(server.url);
    await raw.set('faults:entry:token::silent', String(now() + 300), 'EX', 300);
    await within(3000, () => b.isRevoked({ jti: 'silent' }), 'resync finds the unannounced entry');
    await raw.del('faults:entry:token::silent');
    await within(3000, () => !b.isRevoked({ jti: 'silent' }), 'resync drops the entry deleted elsewhere');
  });

  it('Redis slow (paused): the request path is unaffected, since no request calls Redis', async () => {
    const server = await redisServer();
    const b = await lists.list(server.url);
    const verifierB = verifierFor(issuer, b);
    await b.revokeSubject({ sub: 'paused-out', before: now() });
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => issuer.sign({ sub: `user-${i}` })));
    const refused = await issuer.sign({ sub: 'paused-out' }, { issuedAt: now() - 10 });
    const raw = lists.client(server.url);
    await raw.call('CLIENT', 'PAUSE', '3000', 'ALL');
    const started = performance.now();
    for (const token of tokens) expect(await outcome(verifierB, token)).toBe('accepted');
    expect(await outcome(verifierB, refused)).toBe('revoked');
    // 21 verifications while every Redis command would wait 3 s.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("failMode 'closed': 503 revocation_unavailable with Retry-After past maxStaleness, and back once Redis returns", async () => {
    const server = await redisServer();
    const proxy = await proxyTo(server);
    const b = await lists.list(proxy.url, { failMode: 'closed', maxStaleness: 0.5 });
    const verifierB = verifierFor(issuer, b);
    const token = await issuer.sign({ sub: 'u' });
    expect(await outcome(verifierB, token)).toBe('accepted');
    proxy.cut();
    await within(2000, () => !b.health().connected, 'B is cut off');
    expect(await outcome(verifierB, token)).toBe('accepted'); // within maxStaleness
    await within(3000, async () => (await outcome(verifierB, token)) === 'revocation_unavailable', 'past maxStaleness');
    const error = (await verifierB.verify(token).catch((e: unknown) => e)) as AuthError;
    expect(error.status).toBe(503);
    expect(error.headers['retry-after']).toBeDefined();
    expect(b.health()).toMatchObject({ connected: false, stale: true });
    proxy.restore();
    await within(8000, async () => (await outcome(verifierB, token)) === 'accepted', 'serving again after reconnect');
  });

  it("failMode 'open' (the default) keeps serving past maxStaleness, with an event", async () => {
    const server = await redisServer();
    const proxy = await proxyTo(server);
    const events: string[] = [];
    const b = await lists.list(proxy.url, { maxStaleness: 0.3, onEvent: (event) => events.push(event.type) });
    const verifierB = verifierFor(issuer, b);
    const token = await issuer.sign({ sub: 'u' });
    proxy.cut();
    await within(3000, () => events.includes('revocation_stale'), 'the stale event');
    expect(b.health().stale).toBe(true);
    expect(await outcome(verifierB, token)).toBe('accepted');
  });
});
