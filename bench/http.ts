import { createTestIssuer } from '@authgate/testing';
import { AUDIENCE, config } from './lib/config.js';
import { CONTENDERS, modesOf, type Contender } from './lib/contenders.js';
import { int, ms, percent } from './lib/format.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { waitForQuiet } from './lib/noise.js';
import { probe } from './lib/probe.js';
import { MODES, type ContenderResult, type FrameworkRatios, type HttpResults, type Mode } from './lib/results.js';
import { pairedRatio, summarize } from './lib/rounds.js';
import { pinningPlan, pinThisProcess, startServer, type RunningServer, type ServerEnv } from './lib/server-process.js';
import { BENCH_CLAIMS, mintBadTokens, mintTokens } from './lib/tokens.js';
import { runExtras } from './extras.js';

function selected(): Contender[] {
  const available = CONTENDERS.filter((contender) => config.extra || contender.extra !== true);
  if (config.only.length === 0) return available;
  return available.filter((contender) => config.only.some((part) => contender.id.includes(part)));
}

function logLoad(log: (line: string) => void, id: string, mode: Mode, round: number, load: LoadResult): void {
  const flaws = load.non2xx + load.errors + load.timeouts > 0 ? `  (non-2xx ${load.non2xx}, errors ${load.errors}, timeouts ${load.timeouts})` : '';
  const cpu =
    load.foreignCpu === undefined
      ? ''
      : `  cpu: server ${percent(load.serverCpu ?? 0)}, autocannon ${percent(load.clientCpu ?? 0)}, others ${percent(load.foreignCpu)} of all`;
  log(
    `  ${id.padEnd(28)} ${`${mode} #${round + 1}`.padEnd(13)} ${int(load.requestsPerSecond).padStart(7)} req/s  p99 ${ms(load.latencyP99)} ms${cpu}${flaws}`,
  );
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
    const introspection = group.find((contender) => contender.role === 'introspection');
    const baseline = group.find((contender) => contender.role === 'baseline');
    const reference = group.find((contender) => contender.role === 'reference');
    const hook = group.find((contender) => contender.role === 'hook');
    for (const mode of MODES) {
      const ours = (mode === 'opaque' ? introspection : authgate)?.modes[mode];
      if (ours === undefined) continue;
      const authgateVsPeer: Record<string, number> = {};
      const cpuVsPeer: Record<string, number> = {};
      const peerRates: number[] = [];
      for (const peer of group.filter((contender) => contender.role === 'peer')) {
        const theirs = peer.modes[mode];
        if (theirs === undefined) continue;
        authgateVsPeer[peer.label] = pairedRatio(ours, theirs);
        cpuVsPeer[peer.label] = cpuPerRequest(theirs) / cpuPerRequest(ours);
        peerRates.push(theirs.requestsPerSecond);
      }
      const peerRatios = Object.values(authgateVsPeer);
      const base = baseline?.modes[mode];
      const limit = reference?.modes[mode];
      const bestPeer = group.find((contender) => contender.role === 'peer' && contender.modes[mode]?.requestsPerSecond === Math.max(...peerRates));
      const bestPeerMode = bestPeer?.modes[mode];
      ratios.push({
        framework,
        mode,
        authgateVsNoAuth: base === undefined ? Number.NaN : pairedRatio(ours, base),
        authgateVsPeer,
        authgateVsBestPeer: peerRatios.length === 0 ? Number.NaN : Math.min(...peerRatios),
        referenceVsBestPeer: limit === undefined || bestPeerMode === undefined ? undefined : pairedRatio(limit, bestPeerMode),
        authgateVsReference: limit === undefined ? undefined : pairedRatio(ours, limit),
        hookVsNoAuth: hook?.modes[mode] === undefined || base === undefined ? undefined : cpuPerRequest(base) / cpuPerRequest(hook.modes[mode]),
        byCpu: {
          authgateVsNoAuth: cpuPerRequest(base) / cpuPerRequest(ours),
          authgateVsPeer: cpuVsPeer,
          authgateVsReference: cpuPerRequest(limit) / cpuPerRequest(ours),
          authgateVsBestPeer: Math.min(...Object.values(cpuVsPeer)),
        },
      });
    }
  }
  return ratios;
}

interface RunningContender {
  contender: Contender;
  server: RunningServer;
  result: ContenderResult;
  loads: Record<Mode, LoadResult[]>;
}

/** Every contender of one framework, all servers up at once (idle ones use no CPU), measured in interleaved rounds. */
async function measureFramework(
  group: readonly Contender[],
  env: ServerEnv,
  tokens: Record<Mode, string[]>,
  bad: Record<string, string>,
  pins: { server: number } | undefined,
  log: (line: string) => void,
): Promise<ContenderResult[]> {
  const foreignCpuBefore = config.quietWait > 0 ? await waitForQuiet(log, config.quietWait) : undefined;
  const running: RunningContender[] = [];
  try {
    for (const contender of group) {
      const server = await startServer(contender.id, env, pins === undefined ? {} : { cpu: pins.server });
      const samples = [tokens.repeated[0] as string, tokens.distinct[0] as string, tokens.distinct[tokens.distinct.length - 1] as string];
      if (modesOf(contender).includes('opaque')) samples.push(tokens.opaque[0] as string);
      // The baseline and the reference check no claims: only the valid tokens are put to them.
      const judged = contender.role === 'authgate' || contender.role === 'peer' || contender.role === 'edge' || contender.role === 'introspection';
      const badSet = contender.role === 'introspection' ? { ...bad, 'unknown opaque token': 'opaque_bench_unknown_token_0123456789' } : bad;
      const report = await probe(server.url, samples, judged ? badSet : undefined);
      running.push({
        contender,
        server,
        result: { ...contender, probe: report, foreignCpuBefore, modes: {} },
        loads: { repeated: [], distinct: [], opaque: [] },
      });
    }
    for (let round = 0; round < config.rounds; round += 1) {
      for (const mode of MODES) {
        // Rotating order: no contender always goes first (right after another's load) or last.
        for (let i = 0; i < running.length; i += 1) {
          const entry = running[(i + round) % running.length] as RunningContender;
          if (!modesOf(entry.contender).includes(mode)) continue;
          const load = await runLoad(
            {
              url: entry.server.url,
              connections: config.connections,
              warmup: round === 0 ? config.warmup : 0.5,
              duration: config.duration,
              pids: [process.pid, entry.server.pid],
            },
            tokens[mode],
          );
          logLoad(log, entry.contender.id, mode, round, load);
          entry.loads[mode].push(load);
        }
      }
    }
    for (const entry of running) for (const mode of modesOf(entry.contender)) entry.result.modes[mode] = summarize(entry.loads[mode]);
    return running.map((entry) => entry.result);
  } finally {
    await Promise.all(running.map((entry) => entry.server.stop()));
  }
}

export async function runHttpBench(log: (line: string) => void): Promise<HttpResults> {
  const issuer = await createTestIssuer({ algorithms: ['RS256'], defaultAudience: AUDIENCE });
  try {
    log(`minting 1 + ${int(config.distinctTokens)} RS256 tokens (distinct jti) and the bad-token set…`);
    const [repeated] = await mintTokens(issuer, 1);
    const distinct = await mintTokens(issuer, config.distinctTokens);
    const bad = await mintBadTokens(issuer);
    const opaque = issuer.opaqueToken(BENCH_CLAIMS, { audience: AUDIENCE, expiresIn: '1h' });
    const tokens: Record<Mode, string[]> = { repeated: [repeated as string], distinct, opaque: [opaque] };

    const pins = pinningPlan(config.pin);
    if (pins !== undefined) pinThisProcess(pins.client);
    const pinned = pins === undefined ? 'off' : `servers on CPU ${pins.server}, autocannon on CPU ${pins.client}`;
    const env = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE, introspectionEndpoint: issuer.introspectionEndpoint };
    const contenders: ContenderResult[] = [];
    const chosen = selected();
    for (const framework of ['express', 'fastify'] as const) {
      const group = chosen.filter((contender) => contender.framework === framework);
      if (group.length > 0) contenders.push(...(await measureFramework(group, env, tokens, bad, pins, log)));
    }
    const extras = config.skip.has('extras') || config.only.length > 0 ? undefined : await runExtras(env, tokens, pins, log);
    return {
      settings: {
        connections: config.connections,
        warmup: config.warmup,
        duration: config.duration,
        rounds: config.rounds,
        distinctTokens: config.distinctTokens,
        pinned,
      },
      contenders,
      ratios: computeRatios(contenders),
      ...(extras === undefined ? {} : { extras }),
    };
  } finally {
    await issuer.close();
  }
}
