/**
 * pnpm bench: the whole benchmark in one run, printed side by side and written to results/latest.json.
 *   1. core micro-benchmark (core.ts, own process)   2. memory per cached identity (memory.ts, own process)
 *   3. HTTP throughput of every contender (http.ts: one server process each, pinned to its own CPU), then latency at a
 *      fixed rate and scaling with cores (extras.ts)   4. how cost grows with tokens and keys (scaling.ts, own process)
 *   5. DPoP throughput beside Bearer (dpop.ts)
 * Knobs (environment): BENCH_DURATION, BENCH_WARMUP, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_TOKENS, BENCH_CORE_MS, BENCH_PIN=0,
 * BENCH_ONLY=<id part>, BENCH_SKIP=core,memory,http,extras,scaling,dpop, BENCH_QUIET_WAIT (see README.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runChildScript } from './lib/child.js';
import { config } from './lib/config.js';
import { waitForQuiet } from './lib/noise.js';
import type { NginxGatewayResults } from './nginx-gateway.js';
import { int } from './lib/format.js';
import { revocationTarget, type RevocationResults } from './lib/revocation-target.js';
import { evaluateTargets, formatCore, formatExtras, formatHttp, formatMemory, formatScaling, formatTargets } from './lib/report.js';
import type { CoreResults, HttpResults, MemoryResults, ScalingResults } from './lib/results.js';
import { runHttpBench } from './http.js';
import { formatDpop, runDpopBench, type DpopResults } from './dpop.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const log = (line: string): void => console.log(line);

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const meta = {
    date: startedAt.toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    settings: config,
  };
  log(`authgate bench: Node ${meta.node}, ${meta.cpus} x ${meta.cpu}${meta.commit ? `, commit ${meta.commit}` : ''}`);

  let core: CoreResults | undefined;
  let memory: MemoryResults | undefined;
  let http: HttpResults | undefined;
  let scaling: ScalingResults | undefined;
  let dpop: DpopResults | undefined;
  let revocation: RevocationResults | undefined;
  let nginx: NginxGatewayResults | undefined;
  if (!config.skip.has('core')) {
    log('\n[1/7] core micro-benchmark');
    if (config.quietWait > 0) await waitForQuiet(log, config.quietWait);
    core = await runChildScript<CoreResults>('core.ts');
  }
  if (!config.skip.has('memory')) {
    log('\n[2/7] memory per cached identity');
    memory = await runChildScript<MemoryResults>('memory.ts', ['--expose-gc']);
  }
  if (!config.skip.has('http')) {
    log('\n[3/7] HTTP throughput');
    http = await runHttpBench(log);
  }
  if (!config.skip.has('scaling')) {
    log('\n[4/7] how cost grows with tokens and keys');
    scaling = await runChildScript<ScalingResults>('scaling.ts', ['--expose-gc']);
  }
  if (!config.skip.has('dpop')) {
    log('\n[5/7] DPoP throughput');
    dpop = await runDpopBench(log);
  }
  if (!config.skip.has('revocation')) {
    log('\n[6/7] revocation list of 100,000 entries');
    revocation = await runChildScript<RevocationResults>('revocation.ts', ['--expose-gc']);
  }
  if (!config.skip.has('nginx')) {
    log('\n[7/7] nginx + gateway vs nginx alone');
    nginx = await runChildScript<NginxGatewayResults>('nginx-gateway.ts');
  }

  const targets = [...evaluateTargets(http, core, memory), ...(revocation === undefined ? [] : [revocationTarget(revocation)])];
  log(`\n${'='.repeat(100)}`);
  if (http !== undefined) log(`${formatHttp(http)}\n`);
  if (core !== undefined) log(`${formatCore(core)}\n`);
  if (memory !== undefined) log(`${formatMemory(memory)}\n`);
  if (http?.extras !== undefined) log(`${formatExtras(http.extras)}\n`);
  if (scaling !== undefined) log(`${formatScaling(scaling)}\n`);
  if (dpop !== undefined) log(`${formatDpop(dpop)}\n`);
  if (nginx !== undefined) {
    log(
      `nginx + @authgate/gateway (auth_request): ${int(nginx.nginxWithGateway)} req/s vs nginx alone ${int(nginx.nginxAlone)}: ${nginx.ratio.toFixed(2)}x\n`,
    );
  }
  log(formatTargets(targets, http));

  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}latest.json`;
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeFileSync(
    file,
    `${JSON.stringify({ meta: { ...meta, seconds }, http, core, memory, scaling, dpop, revocation, nginx, targets }, (key, value) => (value instanceof Set ? [...value] : value), 2)}\n`,
  );
  log(`\nwritten: ${file} (${seconds.toFixed(0)} s)`);
}

await main();
