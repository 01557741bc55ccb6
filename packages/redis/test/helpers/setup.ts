import { Redis } from 'ioredis';
import { createVerifier, type AuthError, type RevocationList, type Verifier } from '@authgate/core';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import { createRedisRevocationList, type RedisRevocationList, type RedisRevocationListOptions } from '@authgate/redis';

export const AUDIENCE = 'orders-api';

export async function startIssuer(): Promise<TestIssuer> {
  return createTestIssuer({ defaultAudience: AUDIENCE });
}

/** A verifier with a fixed key set (no JWKS fetches), consulting `revocation`. */
export function verifierFor(issuer: TestIssuer, revocation: RevocationList, clockTolerance = 5): Verifier {
  return createVerifier({
    issuer: issuer.url,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwks: issuer.publicJwks() as never,
    revocation,
    clockTolerance,
  });
}

export async function outcome(verifier: Verifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    return (error as AuthError).reason;
  }
}

/** Polls `check` until it is true, or fails after `ms`; resolves the milliseconds it took. */
export async function within(ms: number, check: () => boolean | Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lists made here are closed by `closeAll`; each test file uses its own key prefix. */
export function listFactory(defaults: Omit<RedisRevocationListOptions, 'redis'>) {
  const made: RedisRevocationList[] = [];
  const raw: Redis[] = [];
  return {
    async list(url: string, options: Omit<RedisRevocationListOptions, 'redis'> = {}): Promise<RedisRevocationList> {
      const list = createRedisRevocationList({ redis: url, commandTimeout: 1, ...defaults, ...options });
      made.push(list);
      await list.ready(10);
      return list;
    },
    client(url: string): Redis {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      raw.push(client);
      return client;
    },
    /** Closes every list and client made here; `flushUrl`: empties that Redis too, so tests start from nothing. */
    async closeAll(flushUrl?: string): Promise<void> {
      await Promise.all(made.splice(0).map((list) => list.close()));
      for (const client of raw.splice(0)) client.disconnect();
      if (flushUrl === undefined) return;
      const client = new Redis(flushUrl, { maxRetriesPerRequest: 1 });
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
  };
}

export const now = (): number => Math.floor(Date.now() / 1000);
