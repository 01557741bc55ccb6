/**
 * Beyond the throughput table (issue: performance against the physical limit):
 *   latency  p99 added by authgate at half of no-auth's peak rate (a fixed request rate, server pinned): once with
 *            one repeated token (cached), once with distinct tokens (every request verifies);
 *   cores    distinct tokens, servers not pinned (the load generator shares the same two cores): node:cluster with 2
 *            workers vs 1 process, and verifyInThreadPool vs the default, each as interleaved rounds' median ratio.
 */
import { config } from './lib/config.js';
import { int, ms } from './lib/format.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { median } from './lib/rounds.js';
import type { ExtrasResults } from './lib/results.js';
import { startServer, type RunningServer, type ServerEnv } from './lib/server-process.js';

type Log = (line: string) => void;
type Tokens = { repeated: string[]; distinct: string[] };

async function load(server: RunningServer, tokens: readonly string[], rate?: number, seconds = config.duration): Promise<LoadResult> {
  return runLoad(
    {
      url: server.url,
      connections: config.connections,
      warmup: 1,
      duration: seconds,
      pids: [process.pid, server.pid],
      ...(rate === undefined ? {} : { rate }),
    },
    tokens,
  );
}

async function latency(
  framework: 'express' | 'fastify',
  env: ServerEnv,
  tokens: Tokens,
  cpu: number | undefined,
  log: Log,
): Promise<ExtrasResults['latency'][number]> {
  const pin = cpu === undefined ? {} : { cpu };
  const none = await startServer(`${framework}-none`, env, pin);
  const authgate = await startServer(`${framework}-authgate`, env, pin);
  try {
    const peaks: number[] = [];
    for (let i = 0; i < 3; i += 1) peaks.push((await load(none, tokens.repeated)).requestsPerSecond);
    const rate = Math.round(median(peaks) / 2);
    const seconds = Math.max(config.duration, 5);
    const rows = { none: [] as number[], cached: [] as number[], verifying: [] as number[] };
    for (let round = 0; round < 3; round += 1) {
      rows.none.push((await load(none, tokens.repeated, rate, seconds)).latencyP99);
      rows.cached.push((await load(authgate, tokens.repeated, rate, seconds)).latencyP99);
      rows.verifying.push((await load(authgate, tokens.distinct, rate, seconds)).latencyP99);
    }
    const result = { framework, rate, noAuthP99: median(rows.none), cachedP99: median(rows.cached), verifyingP99: median(rows.verifying) };
    log(
      `  ${framework}: ${int(rate)} req/s (half of no-auth's ${int(median(peaks))}): p99 no-auth ${ms(result.noAuthP99)} ms, cached ${ms(result.cachedP99)} ms, verifying ${ms(result.verifyingP99)} ms`,
    );
    return result;
  } finally {
    await Promise.all([none.stop(), authgate.stop()]);
  }
}

/** ours / base over interleaved rounds (distinct tokens, nothing pinned). */
async function pairedRounds(ours: RunningServer, base: RunningServer, tokens: readonly string[]): Promise<number> {
  const ratios: number[] = [];
  for (let round = 0; round < Math.min(config.rounds, 5); round += 1) {
    const [first, second] = round % 2 === 0 ? [ours, base] : [base, ours];
    const a = await load(first, tokens);
    const b = await load(second, tokens);
    const [mine, theirs] = round % 2 === 0 ? [a, b] : [b, a];
    ratios.push(mine.requestsPerSecond / theirs.requestsPerSecond);
  }
  return median(ratios);
}

async function cores(framework: 'express' | 'fastify', env: ServerEnv, tokens: Tokens, log: Log): Promise<ExtrasResults['cores'][number]> {
  const single = await startServer(`${framework}-authgate`, env);
  const clustered = await startServer('cluster', env, { env: { BENCH_CLUSTER_TARGET: `${framework}-authgate`, BENCH_CLUSTER_WORKERS: '2' } });
  const pooled = await startServer(`${framework}-authgate`, env, { env: { BENCH_POOL: '1' } });
  try {
    const clusterVsOne = await pairedRounds(clustered, single, tokens.distinct);
    const poolVsDefault = await pairedRounds(pooled, single, tokens.distinct);
    log(
      `  ${framework}, distinct tokens, nothing pinned: cluster of 2 / 1 process ${clusterVsOne.toFixed(2)}x; verifyInThreadPool / default ${poolVsDefault.toFixed(2)}x`,
    );
    return { framework, clusterVsOne, poolVsDefault };
  } finally {
    await Promise.all([single.stop(), clustered.stop(), pooled.stop()]);
  }
}

export async function runExtras(env: ServerEnv, tokens: Tokens, pins: { server: number } | undefined, log: Log): Promise<ExtrasResults> {
  const results: ExtrasResults = { latency: [], cores: [] };
  log("  latency at half of no-auth's peak rate (fixed rate, server pinned):");
  for (const framework of ['express', 'fastify'] as const) results.latency.push(await latency(framework, env, tokens, pins?.server, log));
  log('  scaling with cores (the load generator shares the two cores, so the ceiling is well under 2x):');
  for (const framework of ['express', 'fastify'] as const) results.cores.push(await cores(framework, env, tokens, log));
  return results;
}
