/**
 * DPoP throughput: requests per second with a DPoP-bound token and a fresh proof on every request (proof
 * verification + the token, cached after its second use), beside the same server with a Bearer token, on Express and
 * Fastify, and beside express-oauth2-jwt-bearer with DPoP on Express. Run alone with `pnpm --filter @authgate/bench
 * run dpop`, or as part of `pnpm bench` (BENCH_SKIP=dpop skips it).
 */
import autocannon from 'autocannon';
import { createTestIssuer } from '@authgate/testing';
import { AUDIENCE, ROUTE, SUBJECT, config } from './lib/config.js';
import { createProofMinter } from './lib/dpop-proofs.js';
import { int, ms } from './lib/format.js';
import { processCpuShares, noiseSnapshot } from './lib/noise.js';
import { median } from './lib/rounds.js';
import { pinningPlan, pinThisProcess, startServer, type RunningServer } from './lib/server-process.js';
import { BENCH_CLAIMS } from './lib/tokens.js';

interface DpopContender {
  id: string;
  label: string;
  framework: 'express' | 'fastify';
  dpop: boolean;
}

const CONTENDERS: readonly DpopContender[] = [
  { id: 'express-authgate', label: '@authgate/express, Bearer', framework: 'express', dpop: false },
  { id: 'express-authgate-dpop', label: '@authgate/express, DPoP', framework: 'express', dpop: true },
  { id: 'express-oauth2-jwt-bearer', label: 'express-oauth2-jwt-bearer, Bearer', framework: 'express', dpop: false },
  { id: 'express-oauth2-jwt-bearer-dpop', label: 'express-oauth2-jwt-bearer, DPoP (no replay check)', framework: 'express', dpop: true },
  { id: 'fastify-authgate', label: '@authgate/fastify, Bearer', framework: 'fastify', dpop: false },
  { id: 'fastify-authgate-dpop', label: '@authgate/fastify, DPoP', framework: 'fastify', dpop: true },
];

export interface DpopRow {
  id: string;
  label: string;
  framework: 'express' | 'fastify';
  dpop: boolean;
  requestsPerSecond: number;
  latencyP99: number;
  /** Server CPU microseconds per request (median), when known. */
  cpuMicrosPerRequest: number | undefined;
  non2xx: number;
  /** What the pre-measurement probe saw: a good proof accepted, a replayed one refused. */
  probe: { accepts: boolean; replayRefused: boolean | undefined };
  rounds: number[];
}

export interface DpopResults {
  rows: DpopRow[];
  /** DPoP req/s over Bearer req/s of the same server, per framework (median of paired rounds). */
  dpopVsBearer: Record<string, number>;
}

async function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}${ROUTE}`, { headers });
  return { status: response.status, body: await response.text() };
}

export async function runDpopBench(log: (line: string) => void): Promise<DpopResults> {
  const issuer = await createTestIssuer({ algorithms: ['RS256'], defaultAudience: AUDIENCE });
  const minter = createProofMinter();
  const running: Array<{ contender: DpopContender; server: RunningServer }> = [];
  try {
    const bearer = await issuer.sign(BENCH_CLAIMS, { audience: AUDIENCE, expiresIn: '1h' });
    const bound = await issuer.sign({ ...BENCH_CLAIMS, cnf: { jkt: minter.jkt } }, { audience: AUDIENCE, expiresIn: '1h' });
    const pins = pinningPlan(config.pin);
    if (pins !== undefined) pinThisProcess(pins.client);
    const env = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE };
    const chosen = CONTENDERS.filter((c) => config.only.length === 0 || config.only.some((part) => c.id.includes(part)));
    const probes = new Map<string, DpopRow['probe']>();
    for (const contender of chosen) {
      const server = await startServer(contender.id, env, pins === undefined ? {} : { cpu: pins.server });
      running.push({ contender, server });
      if (contender.dpop) {
        const [proof] = minter.mint(`${server.url}${ROUTE}`, bound, 1) as [string];
        const headers = { authorization: `DPoP ${bound}`, dpop: proof };
        const first = await get(server.url, headers);
        const replay = await get(server.url, headers);
        probes.set(contender.id, { accepts: first.status === 200 && first.body.includes(SUBJECT), replayRefused: replay.status === 401 });
      } else {
        const reply = await get(server.url, { authorization: `Bearer ${bearer}` });
        probes.set(contender.id, { accepts: reply.status === 200 && reply.body.includes(SUBJECT), replayRefused: undefined });
      }
    }
    // Proofs per measurement: 1.5x the rate last seen (first guess 20,000/s), minted just before the load.
    const expectedRate = new Map<string, number>();
    const loads = new Map<string, Array<{ rps: number; p99: number; cpu: number | undefined; non2xx: number }>>();
    for (let round = 0; round < config.rounds; round += 1) {
      for (let i = 0; i < running.length; i += 1) {
        const { contender, server } = running[(i + round) % running.length] as (typeof running)[number];
        const warmup = round === 0 ? config.warmup : 0.5;
        const seconds = warmup + config.duration;
        const base = { url: `${server.url}${ROUTE}`, connections: config.connections };
        let request: Partial<Parameters<typeof autocannon>[0]>;
        if (contender.dpop) {
          const count = Math.ceil((expectedRate.get(contender.id) ?? 20_000) * seconds * 1.5);
          const proofs = minter.mint(`${server.url}${ROUTE}`, bound, count);
          const authorization = `DPoP ${bound}`;
          let next = 0;
          request = {
            requests: [
              {
                setupRequest: (raw) => {
                  // Out of proofs: the rest are replays, counted as non-2xx (and the next budget grows).
                  raw.headers = { authorization, dpop: proofs[next % proofs.length] as string };
                  next += 1;
                  return raw;
                },
              },
            ],
          };
        } else {
          request = { headers: { authorization: `Bearer ${bearer}` } };
        }
        if (warmup > 0) await autocannon({ ...base, ...request, duration: warmup });
        const before = noiseSnapshot([process.pid, server.pid]);
        const result = await autocannon({ ...base, ...request, duration: config.duration });
        const after = noiseSnapshot([process.pid, server.pid]);
        const serverCpu = processCpuShares(before, after)?.[1];
        const rps = result.requests.average;
        expectedRate.set(contender.id, Math.max(rps, 1000));
        const entry = {
          rps,
          p99: result.latency.p99,
          cpu: serverCpu === undefined || rps === 0 ? undefined : (serverCpu * 1e6) / rps,
          non2xx: result.non2xx,
        };
        loads.set(contender.id, [...(loads.get(contender.id) ?? []), entry]);
        const flaw = result.non2xx > 0 ? `  (non-2xx ${result.non2xx})` : '';
        log(`  ${contender.id.padEnd(32)} #${round + 1}  ${int(rps).padStart(7)} req/s  p99 ${ms(result.latency.p99)} ms${flaw}`);
      }
    }
    const rows: DpopRow[] = running.map(({ contender }) => {
      const runs = loads.get(contender.id) ?? [];
      const cpus = runs.map((run) => run.cpu).filter((value): value is number => value !== undefined);
      return {
        ...contender,
        requestsPerSecond: median(runs.map((run) => run.rps)),
        latencyP99: median(runs.map((run) => run.p99)),
        cpuMicrosPerRequest: cpus.length === 0 ? undefined : median(cpus),
        non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
        probe: probes.get(contender.id) ?? { accepts: false, replayRefused: undefined },
        rounds: runs.map((run) => run.rps),
      };
    });
    const dpopVsBearer: Record<string, number> = {};
    for (const [dpopId, bearerId] of [
      ['express-authgate-dpop', 'express-authgate'],
      ['fastify-authgate-dpop', 'fastify-authgate'],
      ['express-oauth2-jwt-bearer-dpop', 'express-oauth2-jwt-bearer'],
    ]) {
      const ours = rows.find((row) => row.id === dpopId);
      const theirs = rows.find((row) => row.id === bearerId);
      if (ours === undefined || theirs === undefined) continue;
      dpopVsBearer[dpopId as string] = median(ours.rounds.map((rate, round) => rate / (theirs.rounds[round] ?? Number.NaN)));
    }
    return { rows, dpopVsBearer };
  } finally {
    await Promise.all(running.map(({ server }) => server.stop()));
    await issuer.close();
  }
}

export function formatDpop(results: DpopResults): string {
  const lines = ['DPoP: a fresh proof per request (proof + token), beside Bearer', ''];
  lines.push(`${'contender'.padEnd(60)} ${'req/s'.padStart(8)} ${'p99 ms'.padStart(7)} ${'CPU µs/req'.padStart(10)}  probe`);
  for (const row of results.rows) {
    const probe = !row.probe.accepts ? 'REFUSES VALID REQUEST' : row.probe.replayRefused === false ? 'accepts a replayed proof' : 'ok';
    const cpu = row.cpuMicrosPerRequest === undefined ? '-' : row.cpuMicrosPerRequest.toFixed(0);
    const flaw = row.non2xx > 0 ? `, non-2xx ${row.non2xx}` : '';
    lines.push(
      `${`${row.framework}: ${row.label}`.padEnd(60)} ${int(row.requestsPerSecond).padStart(8)} ${ms(row.latencyP99).padStart(7)} ${cpu.padStart(10)}  ${probe}${flaw}`,
    );
  }
  lines.push('');
  for (const [id, ratio] of Object.entries(results.dpopVsBearer)) lines.push(`${id}: ${ratio.toFixed(2)}x its Bearer rate`);
  return lines.join('\n');
}

// Run alone: `node --import tsx/esm dpop.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runDpopBench((line) => console.log(line));
  console.log(`\n${formatDpop(results)}`);
}
