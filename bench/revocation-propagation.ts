/**
 * Propagation delay, not a test: 20 processes each keep a Redis revocation list (a real redis-server started here);
 * one more revokes tokens one at a time, and each process reports when its mirror first refuses the token. Prints
 * p50 / p99 over every (revocation, process) pair. BENCH_SMOKE=1: 4 processes, 5 revocations.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRedisRevocationList } from '@authgate/redis';
import { startRedis } from '../packages/redis/test/helpers/redis-server.js';

const smoke = process.env.BENCH_SMOKE === '1';
const PROCESSES = smoke ? 4 : 20;
const REVOCATIONS = smoke ? 5 : 200;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const children: ChildProcess[] = [];
  try {
    const childScript = fileURLToPath(new URL('./lib/revocation-child.ts', import.meta.url));
    const seen = new Map<string, number[]>();
    await Promise.all(
      Array.from(
        { length: PROCESSES },
        () =>
          new Promise<void>((resolve, reject) => {
            const child = fork(childScript, {
              execArgv: ['--import', 'tsx/esm'],
              env: { ...process.env, REDIS_URL: redis.url },
              stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
            });
            children.push(child);
            child.on('message', (message: { type: string; jti?: string; at?: number }) => {
              if (message.type === 'ready') resolve();
              if (message.type === 'seen') seen.get(message.jti as string)?.push(message.at as number);
            });
            child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`child exited with ${code}`))));
          }),
      ),
    );
    const writer = createRedisRevocationList({ redis: redis.url, keyPrefix: 'bench:' });
    await writer.ready();
    const delays: number[] = [];
    const exp = Math.floor(Date.now() / 1000) + 3600;
    for (let i = 0; i < REVOCATIONS; i += 1) {
      const jti = `propagation-${i}`;
      seen.set(jti, []);
      for (const child of children) child.send({ type: 'expect', jti });
      await new Promise((resolve) => setTimeout(resolve, 20)); // every child is polling before the write
      const started = performance.timeOrigin + performance.now();
      await writer.revokeToken({ jti, exp });
      const deadline = Date.now() + 5000;
      while ((seen.get(jti)?.length ?? 0) < PROCESSES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      const times = seen.get(jti) ?? [];
      if (times.length < PROCESSES) throw new Error(`${jti}: only ${times.length} of ${PROCESSES} processes saw it within 5 s`);
      for (const at of times) delays.push(Math.max(0, at - started));
    }
    await writer.close();
    delays.sort((a, b) => a - b);
    const result = {
      smoke,
      processes: PROCESSES,
      revocations: REVOCATIONS,
      p50Ms: Number(percentile(delays, 50).toFixed(2)),
      p99Ms: Number(percentile(delays, 99).toFixed(2)),
      maxMs: Number((delays.at(-1) as number).toFixed(2)),
    };
    console.log(
      `propagation across ${PROCESSES} processes (${REVOCATIONS} revocations): p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (from the write's start, write included)`,
    );
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(new URL(`./results/revocation-propagation${smoke ? '-smoke' : ''}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const child of children) child.send({ type: 'stop' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const child of children) if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await redis.destroy();
  }
}

await main();
