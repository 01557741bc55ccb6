import { createTestIssuer } from '@authgate/testing';
import { AUDIENCE, config } from './lib/config.js';
import { CONTENDERS, type Contender } from './lib/contenders.js';
import { int, ms, percent } from './lib/format.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { waitForQuiet } from './lib/noise.js';
import { probe } from './lib/probe.js';
import { MODES, type ContenderResult, type FrameworkRatios, type HttpResults, type Mode } from './lib/results.js';
import { pinningPlan, pinThisProcess, startServer } from './lib/server-process.js';
import { mintBadTokens, mintTokens } from './lib/tokens.js';

function selected(): Contender[] {
  const available = CONTENDERS.filter((contender) => config.extra || contender.extra !== true);
  if (config.only.length === 0) return available;
  return available.filter((contender) => config.only.some((part) => contender.id.includes(part)));
}

/** Share of the CPUs used by other processes above which a measurement counts as disturbed. */
const NOISY = 0.1;

function logLoad(log: (line: string) => void, id: string, mode: Mode, load: LoadResult, note = ''): void {
  const flaws = load.non2xx + load.errors + load.timeouts > 0 ? `  (non-2xx ${load.non2xx}, errors ${load.errors}, timeouts ${load.timeouts})` : '';
  const cpu = load.foreignCpu === undefined
    ? ''
    : `  cpu: server ${percent(load.serverCpu ?? 0)}, autocannon ${percent(load.clientCpu ?? 0)}, others ${percent(load.foreignCpu)} of all`;
  log(`  ${id.padEnd(28)} ${`${mode} ${note}`.padEnd(15)} ${int(load.requestsPerSecond).padStart(7)} req/s  p99 ${ms(load.latencyP99)} ms${cpu}${flaws}`);
}

/** Server CPU time per request in microseconds, when known. */
function cpuPerRequest(load: LoadResult | undefined): number {
  return load?.serverCpu === undefined ? Number.NaN : (load.serverCpu * 1e6) / load.requestsPerSecond;
}

export function computeRatios(contenders: readonly ContenderResult[]): FrameworkRatios[] {
  const ratios: FrameworkRatios[] = [];
  for (const framework of ['express', 'fastify'] as const) {
    const group = contenders.filter((contender) => contender.framework === framework);
    const authgate = group.find((contender) => contender.role === 'authgate');
    const baseline = group.find((contender) => contender.role === 'baseline');
    if (authgate === undefined) continue;
    for (const mode of MODES) {
      const ours = authgate.modes[mode];
      if (ours === undefined) continue;
      const authgateVsPeer: Record<string, number> = {};
      const cpuVsPeer: Record<string, number> = {};
      for (const peer of group.filter((contender) => contender.role === 'peer')) {
        const theirs = peer.modes[mode];
        if (theirs === undefined) continue;
        authgateVsPeer[peer.label] = ours.requestsPerSecond / theirs.requestsPerSecond;
        cpuVsPeer[peer.label] = cpuPerRequest(theirs) / cpuPerRequest(ours);
      }
      const peerRatios = Object.values(authgateVsPeer);
      const base = baseline?.modes[mode];
      ratios.push({
        framework,
        mode,
        authgateVsNoAuth: base === undefined ? Number.NaN : ours.requestsPerSecond / base.requestsPerSecond,
        authgateVsPeer,
        authgateVsBestPeer: peerRatios.length === 0 ? Number.NaN : Math.min(...peerRatios),
        byCpu: { authgateVsNoAuth: cpuPerRequest(base) / cpuPerRequest(ours), authgateVsPeer: cpuVsPeer },
      });
    }
  }
  return ratios;
}

export async function runHttpBench(log: (line: string) => void): Promise<HttpResults> {
  const issuer = await createTestIssuer({ algorithms: ['RS256'], defaultAudience: AUDIENCE });
  try {
    log(`minting 1 + ${int(config.distinctTokens)} RS256 tokens (distinct jti) and the bad-token set…`);
    const [repeated] = await mintTokens(issuer, 1);
    const distinct = await mintTokens(issuer, config.distinctTokens);
    const bad = await mintBadTokens(issuer);
    const tokens: Record<Mode, string[]> = { repeated: [repeated as string], distinct };

    const pins = pinningPlan(config.pin);
    if (pins !== undefined) pinThisProcess(pins.client);
    const pinned = pins === undefined ? 'off' : `server on CPU ${pins.server}, autocannon on CPU ${pins.client}`;
    const env = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE };
    const contenders: ContenderResult[] = [];

    for (const contender of selected()) {
      const foreignCpuBefore = config.quietWait > 0 ? await waitForQuiet(log, config.quietWait) : undefined;
      const server = await startServer(contender.id, env, pins === undefined ? {} : { cpu: pins.server });
      try {
        const samples = [repeated as string, distinct[0] as string, distinct[distinct.length - 1] as string];
        const report = await probe(server.url, samples, contender.role === 'baseline' ? undefined : bad);
        const result: ContenderResult = { ...contender, probe: report, foreignCpuBefore, modes: {} };
        for (const mode of MODES) {
          const options = { url: server.url, connections: config.connections, warmup: config.warmup, duration: config.duration, pids: [process.pid, server.pid] as const };
          let load = await runLoad(options, tokens[mode]);
          logLoad(log, contender.id, mode, load);
          // A measurement other processes cut into is repeated (after waiting for quiet); the least disturbed one counts.
          for (let retry = 0; retry < config.retries && (load.foreignCpu ?? 0) > NOISY; retry += 1) {
            if (config.quietWait > 0) await waitForQuiet(log, config.quietWait);
            const again = await runLoad(options, tokens[mode]);
            logLoad(log, contender.id, mode, again, 'again');
            if ((again.foreignCpu ?? 0) < (load.foreignCpu ?? 0)) load = again;
          }
          result.modes[mode] = load;
        }
        contenders.push(result);
      } finally {
        await server.stop();
      }
    }
    return {
      settings: { connections: config.connections, warmup: config.warmup, duration: config.duration, distinctTokens: config.distinctTokens, pinned },
      contenders,
      ratios: computeRatios(contenders),
    };
  } finally {
    await issuer.close();
  }
}
