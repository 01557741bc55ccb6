import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError } from '@authgate/core';
import { createRedisRevocationList, type RedisRevocationEvent } from '@authgate/redis';
import type { TestIssuer } from '@authgate/testing';
import { startRedis, type RedisServer } from './helpers/redis-server.js';
import { listFactory, now, outcome, startIssuer, verifierFor, within } from './helpers/setup.js';

let redis: RedisServer;
let issuer: TestIssuer;
const lists = listFactory({ keyPrefix: 'list-test:' });

beforeAll(async () => {
  [redis, issuer] = await Promise.all([startRedis(), startIssuer()]);
});
afterEach(() => lists.closeAll(redis.url));
afterAll(async () => {
  await Promise.all([redis?.destroy(), issuer?.close()]);
});

describe('createRedisRevocationList', () => {
  it('a token revoked through one list is refused by another (its own connection) within 200 ms, and unrevoked likewise', async () => {
    const [a, b] = [await lists.list(redis.url), await lists.list(redis.url)];
    const verifierB = verifierFor(issuer, b);
    const token = await issuer.sign({ jti: 'leaked-1' });
    const exp = now() + 300;
    expect(await outcome(verifierB, token)).toBe('accepted');
    expect(await outcome(verifierB, token)).toBe('accepted'); // now cached
    await a.revokeToken({ jti: 'leaked-1', exp });
    // The writer's own mirror has it the moment the promise resolves.
    expect(a.isRevoked({ jti: 'leaked-1' })).toBe(true);
    const took = await within(200, async () => (await outcome(verifierB, token)) === 'revoked', 'B refuses the revoked token');
    expect(took).toBeLessThan(200);
    await a.unrevokeToken({ jti: 'leaked-1' });
    await within(200, async () => (await outcome(verifierB, token)) === 'accepted', 'B accepts the unrevoked token');
  });

  it('subject and client cut-offs: older tokens refused on every instance, newer ones accepted', async () => {
    const [a, b] = [await lists.list(redis.url), await lists.list(redis.url)];
    const [verifierA, verifierB] = [verifierFor(issuer, a), verifierFor(issuer, b)];
    const t = now();
    const older = await issuer.sign({ sub: 'alice' }, { issuedAt: t - 60 });
    const newer = await issuer.sign({ sub: 'alice' }, { issuedAt: t + 1 });
    const clientOld = await issuer.sign({ sub: 'svc', client_id: 'batch' }, { issuedAt: t - 60 });
    await a.revokeSubject({ sub: 'alice', before: t });
    await a.revokeClient({ clientId: 'batch', before: t, iss: issuer.url });
    await within(200, () => b.size === 2, 'B mirrors both entries');
    for (const verifier of [verifierA, verifierB]) {
      expect(await outcome(verifier, older)).toBe('revoked');
      expect(await outcome(verifier, newer)).toBe('accepted');
      expect(await outcome(verifier, clientOld)).toBe('revoked');
    }
  });

  it('entries expire with their tokens: the Redis key carries the TTL and the mirrors drop the entry', async () => {
    const a = await lists.list(redis.url, { retainPastExpiry: 0 });
    const b = await lists.list(redis.url, { retainPastExpiry: 0, resyncInterval: 0.5 });
    verifierFor(issuer, a, 0);
    verifierFor(issuer, b, 0);
    const raw = lists.client(redis.url);
    const exp = now() + 2;
    await a.revokeToken({ jti: 'short-lived', exp });
    const keys = await raw.keys('list-test:entry:*');
    expect(keys).toHaveLength(1);
    const ttl = await raw.ttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3);
    await within(200, () => b.size === 1, 'B has the entry');
    await within(6000, async () => (await raw.exists(keys[0] as string)) === 0, 'Redis drops the key after exp');
    await within(2000, () => a.size === 0 && b.size === 0, 'the mirrors drop the entry after exp');
  });

  it('health(): connected, not stale, mirror age 0, entries counted; ready() resolves after the first load', async () => {
    const a = await lists.list(redis.url);
    await a.revokeSubject({ sub: 'h' });
    const fresh = await lists.list(redis.url);
    expect(fresh.health()).toEqual({ connected: true, stale: false, mirrorAgeSeconds: 0, entries: 1 });
  });

  it('keyPrefix separates deployments: keys and channel', async () => {
    const a = await lists.list(redis.url, { keyPrefix: 'tenant-a:' });
    const b = await lists.list(redis.url, { keyPrefix: 'tenant-b:' });
    await a.revokeSubject({ sub: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(b.size).toBe(0);
    expect(b.isRevoked({ sub: 'x', iat: 1 })).toBe(false);
    expect(a.isRevoked({ sub: 'x', iat: 1 })).toBe(true);
  });

  it('ignores malformed keys and messages a stranger put in its key space', async () => {
    const raw = lists.client(redis.url);
    await raw.set('list-test:entry:token::%E0%A4%A', '1');
    await raw.set('list-test:entry:bogus::x', '1');
    await raw.set('list-test:entry:subject::y', 'not-a-number');
    const a = await lists.list(redis.url);
    await raw.publish('list-test:events', '{"op":"add","kind":"subject","id":"z"}');
    await raw.publish('list-test:events', 'not json');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.size).toBe(0);
    await raw.del('list-test:entry:token::%E0%A4%A', 'list-test:entry:bogus::x', 'list-test:entry:subject::y');
  });

  it('validates options and arguments, naming the field', async () => {
    expect(() => createRedisRevocationList({ redis: 'http://x' })).toThrow(AuthConfigError);
    expect(() => createRedisRevocationList({ redis: {} as never })).toThrow(/ioredis client/);
    expect(() => createRedisRevocationList({ redis: redis.url, failMode: 'maybe' as never })).toThrow(/failMode/);
    expect(() => createRedisRevocationList({ redis: redis.url, maxStaleness: -1 })).toThrow(/maxStaleness/);
    expect(() => createRedisRevocationList({ redis: redis.url, commandTimeout: Number.POSITIVE_INFINITY })).toThrow(/commandTimeout/);
    const a = await lists.list(redis.url);
    await expect(a.revokeToken({ jti: 'x' } as never)).rejects.toThrow(/exp/);
    await expect(a.revokeSubject({ sub: '' })).rejects.toThrow(/sub/);
  });

  it('an onEvent hook hears resyncs, and one that throws changes nothing', async () => {
    const events: RedisRevocationEvent['type'][] = [];
    const a = await lists.list(redis.url, { onEvent: (event) => events.push(event.type) });
    expect(events).toContain('revocation_resynced');
    const b = await lists.list(redis.url, {
      onEvent: () => {
        throw new Error('hook bug');
      },
    });
    await a.revokeSubject({ sub: 'e' });
    await within(200, () => b.size === 1, 'B still mirrors');
  });
});
