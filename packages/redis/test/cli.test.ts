import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runRevokeCommand } from '../src/revoke-command.js';
import { freePort, startRedis, type RedisServer } from './helpers/redis-server.js';
import { listFactory, now, within } from './helpers/setup.js';

let redis: RedisServer;
const lists = listFactory({ keyPrefix: 'cli:' });
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(() => lists.closeAll(redis.url));
afterAll(() => redis?.destroy());

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runRevokeCommand(argv, { out: (line) => (out += line), err: (line) => (err += line) });
  return { code, out, err };
}

describe('authgate-revoke', () => {
  it('revokes a token, a subject (ISO 8601 --before) and a client; every list sees it; --unrevoke withdraws', async () => {
    const list = await lists.list(redis.url);
    const exp = String(now() + 300);
    expect(await run('--redis', redis.url, '--key-prefix', 'cli:', '--jti', 'j1', '--exp', exp)).toMatchObject({ code: 0 });
    const before = new Date((now() + 10) * 1000).toISOString();
    const sub = await run('--redis', redis.url, '--key-prefix', 'cli:', '--sub', 'alice', '--before', before, '--iss', 'https://idp.example.com/');
    expect(sub.code).toBe(0);
    expect(sub.out).toContain('revoked subject alice (issuer https://idp.example.com/)');
    expect((await run('--redis', redis.url, '--key-prefix', 'cli:', '--client', 'batch')).code).toBe(0);
    await within(500, () => list.size === 3, 'the list mirrors all three');
    expect(list.isRevoked({ jti: 'j1' })).toBe(true);
    expect(list.isRevoked({ iss: 'https://idp.example.com/', sub: 'alice', iat: now() + 5 })).toBe(true);
    expect(list.isRevoked({ iss: 'https://other.example.com/', sub: 'alice', iat: now() })).toBe(false);
    expect((await run('--redis', redis.url, '--key-prefix', 'cli:', '--jti', 'j1', '--unrevoke')).code).toBe(0);
    await within(500, () => !list.isRevoked({ jti: 'j1' }), 'unrevoked');
  });

  it('usage errors exit 2 and say what is wrong', async () => {
    expect(await run('--jti', 'x', '--exp', '1')).toMatchObject({ code: 2, err: expect.stringContaining('--redis') });
    expect(await run('--redis', redis.url, '--jti', 'x')).toMatchObject({ code: 2, err: expect.stringContaining('--exp') });
    expect(await run('--redis', redis.url, '--sub', 'a', '--client', 'b')).toMatchObject({ code: 2, err: expect.stringContaining('exactly one') });
    expect(await run('--redis', redis.url, '--sub', 'a', '--before', 'yesterday-ish')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--before'),
    });
    expect(await run('--redis', redis.url, '--bogus')).toMatchObject({ code: 2 });
    expect(await run('--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage') });
  });

  it('exits 1 within its timeout when Redis is unreachable (the revocation was not stored)', async () => {
    const port = await freePort();
    const started = performance.now();
    const result = await run('--redis', `redis://127.0.0.1:${port}`, '--sub', 'a', '--timeout', '1');
    expect(result.code).toBe(1);
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('the built bin runs as a program and sets its exit code', async () => {
    const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    expect(existsSync(bin)).toBe(true); // pnpm test builds first; run `pnpm build` when running vitest alone
    const { stdout } = await promisify(execFile)(bin, ['--redis', redis.url, '--key-prefix', 'cli:', '--client', 'svc']);
    expect(stdout).toContain('revoked client svc');
    const failed = await promisify(execFile)(bin, ['--sub']).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(failed).toBe(2);
  });
});
