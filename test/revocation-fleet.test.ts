import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import { startRedis, type RedisServer } from '../packages/redis/test/helpers/redis-server.js';

// Two API instances in separate processes (Express, built packages) sharing one real redis-server.
const AUDIENCE = 'orders-api';
let redis: RedisServer;
let issuer: TestIssuer;
const children: ChildProcess[] = [];
let a: string;
let b: string;

async function startInstance(): Promise<string> {
  const child = fork(fileURLToPath(new URL('./helpers/fleet-instance.mjs', import.meta.url)), {
    env: {
      ...process.env,
      FLEET_CONFIG: JSON.stringify({ redisUrl: redis.url, keyPrefix: 'fleet:', issuer: issuer.url, audience: AUDIENCE, jwks: issuer.publicJwks() }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number }));
    child.once('exit', (code) => reject(new Error(`fleet instance exited with ${code}`)));
  });
  return `http://127.0.0.1:${port}`;
}

async function status(base: string, token: string): Promise<number> {
  const response = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

async function revoke(base: string, method: string, entry: object): Promise<void> {
  const response = await fetch(`${base}/admin/revocations/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(entry),
  });
  expect(response.status).toBe(204);
}

async function until(ms: number, check: () => Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const now = (): number => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  [redis, issuer] = await Promise.all([startRedis(), createTestIssuer({ defaultAudience: AUDIENCE })]);
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 30_000);

afterAll(async () => {
  for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  await Promise.all([redis?.destroy(), issuer?.close()]);
});

describe('a fleet of two processes sharing one Redis', () => {
  it('a token revoked through instance A is refused by B within 200 ms (B had it cached)', async () => {
    const token = await issuer.sign({ sub: 'user-1', jti: 'fleet-token-1' });
    for (let i = 0; i < 3; i += 1) expect(await status(b, token)).toBe(200);
    await revoke(a, 'revokeToken', { jti: 'fleet-token-1', exp: now() + 300 });
    // From A's confirmation (Redis holds the entry) to B's refusal, the poll's own HTTP round trips included.
    const took = await until(1000, async () => (await status(b, token)) === 401, 'B refuses');
    expect(took).toBeLessThan(200);
    expect(await status(a, token)).toBe(401);
    const response = await fetch(`${b}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.headers.get('www-authenticate')).toContain('The access token was revoked');
  });

  it('a subject revoked: all its older tokens refused on both, newer ones accepted', async () => {
    const t = now();
    const older = [await issuer.sign({ sub: 'bob' }, { issuedAt: t - 120 }), await issuer.sign({ sub: 'bob' }, { issuedAt: t - 1 })];
    const newer = await issuer.sign({ sub: 'bob' }, { issuedAt: t }); // iat >= before: issued after the cut-off
    const someoneElse = await issuer.sign({ sub: 'carol' }, { issuedAt: t - 120 });
    await revoke(a, 'revokeSubject', { sub: 'bob', before: t });
    await until(1000, async () => (await status(b, older[0] as string)) === 401, 'B refuses bob');
    for (const base of [a, b]) {
      for (const token of older) expect(await status(base, token)).toBe(401);
      expect(await status(base, newer)).toBe(200);
      expect(await status(base, someoneElse)).toBe(200);
    }
  });

  it('entries expire with their tokens (a short-lived token): gone from Redis and from both mirrors', async () => {
    const sizes = async (): Promise<number[]> =>
      Promise.all([a, b].map(async (base) => ((await (await fetch(`${base}/admin/revocations`)).json()) as { size: number }).size));
    const baseline = await sizes();
    const exp = now() + 2;
    const token = await issuer.sign({ sub: 'dave', jti: 'short-lived' }, { expiresIn: 2 });
    await revoke(b, 'revokeToken', { jti: 'short-lived', exp });
    await until(1000, async () => (await status(a, token)) === 401, 'A refuses');
    expect(await sizes()).toEqual(baseline.map((size) => size + 1));
    await until(
      6000,
      async () => {
        const current = await sizes();
        return current.every((size, i) => size === baseline[i]);
      },
      'both mirrors drop the entry once the token expired',
    );
    const { Redis } = await import('ioredis');
    const raw = new Redis(redis.url);
    try {
      expect(await raw.keys('fleet:entry:token:*short-lived')).toEqual([]);
    } finally {
      raw.disconnect();
    }
  });
});
