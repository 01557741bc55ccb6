/** Turns results into the console report, and decides which targets were met. */
import { int, mark, ms, percent, ratio, table } from './format.js';
import type { CoreResults, ExtrasResults, HttpResults, MemoryResults, Mode, ScalingResults, Target } from './results.js';

const NOISY = 0.1;
/** autocannon busier than this (in cores) may be what limits the request rate, not the server. */
const CLIENT_BOUND = 0.9;

function clientBound(load: { clientCpu: number | undefined; serverCpu: number | undefined }): boolean {
  return (load.clientCpu ?? 0) >= CLIENT_BOUND && (load.serverCpu ?? 1) < (load.clientCpu ?? 0);
}

export function formatHttp(results: HttpResults): string {
  const { settings } = results;
  const rows = results.contenders.map((contender) => {
    const cell = (mode: Mode): [string, string, string] => {
      const load = contender.modes[mode];
      if (load === undefined) return ['-', '-', '-'];
      const cpu = load.serverCpu === undefined ? '-' : int((load.serverCpu * 1e6) / load.requestsPerSecond);
      return [`${int(load.requestsPerSecond)}${clientBound(load) ? '*' : ''}`, ms(load.latencyP99), cpu];
    };
    const loads = Object.values(contender.modes);
    const failures = loads.reduce((sum, load) => sum + load.non2xx + load.errors + load.timeouts, 0);
    const noise = Math.max(0, ...loads.map((load) => load.foreignCpu ?? 0));
    return [
      contender.framework,
      contender.label,
      ...cell('repeated'),
      ...cell('distinct'),
      ...cell('opaque'),
      int(failures),
      percent(noise),
      contender.probe.summary,
    ];
  });
  const lines = [
    `HTTP: GET /orders, ${settings.connections} connections; ${settings.rounds} interleaved rounds of ${settings.duration} s per contender and ` +
      `mode (after ${settings.warmup} s warmup), medians; pinning: ${settings.pinned}; distinct mode cycles ${int(settings.distinctTokens)} RS256 tokens`,
    table(
      [
        'framework',
        'contender',
        'repeated req/s',
        'p99 ms',
        'CPU µs/req',
        'distinct req/s',
        'p99 ms',
        'CPU µs/req',
        'opaque req/s',
        'p99 ms',
        'CPU µs/req',
        'non-2xx',
        'other CPU',
        'probe (valid / bad tokens)',
      ],
      rows,
      new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    ),
    'CPU µs/req: server process CPU time per answered request (less sensitive to a busy machine than req/s)',
    ...(results.contenders.some((contender) => Object.values(contender.modes).some(clientBound))
      ? [`* autocannon used ≥ ${CLIENT_BOUND * 100}% of its CPU and more than the server: the load generator may be the limit here`]
      : []),
    '',
    'Ratios (requests/s, median of the per-round ratios):',
  ];
  for (const entry of results.ratios) {
    const peers = Object.entries(entry.authgateVsPeer).map(([label, value]) => `authgate/${label} ${ratio(value)}`);
    const cpuPeers = Object.entries(entry.byCpu.authgateVsPeer).map(([label, value]) => `${label} ${ratio(value)}`);
    const limit =
      entry.authgateVsReference === undefined || entry.mode !== 'distinct'
        ? ''
        : `; authgate/signature-only ${ratio(entry.authgateVsReference)} (signature-only/best peer ${ratio(entry.referenceVsBestPeer ?? Number.NaN)}: the most any verifier could reach)`;
    lines.push(
      `  ${entry.framework.padEnd(8)} ${entry.mode.padEnd(9)} authgate/no-auth ${ratio(entry.authgateVsNoAuth)}; ${peers.join('; ')}${limit}`,
    );
    lines.push(
      `  ${''.padEnd(8)} ${''.padEnd(9)} same by server CPU per request: no-auth ${ratio(entry.byCpu.authgateVsNoAuth)}; ${cpuPeers.join('; ')}`,
    );
  }
  return lines.join('\n');
}

export function formatCore(results: CoreResults): string {
  const rows = results.rows.map((row) => [
    row.alg,
    row.mode === 'sequential' ? 'sequential' : `${results.concurrency} in flight${row.mode === 'concurrent-one-core' ? ', 1 core' : ', all cores'}`,
    int(row.authgate),
    row.authgatePool === undefined ? '-' : int(row.authgatePool),
    int(row.jose),
    int(row.crypto),
    ratio(row.authgateVsJose),
    row.authgatePoolVsJose === undefined ? '-' : ratio(row.authgatePoolVsJose),
    ratio(row.joseVsCrypto),
  ]);
  const noise = results.foreignCpu === undefined ? '' : `; other processes used ${percent(results.foreignCpu)} of the CPUs meanwhile`;
  return [
    `Core: verifications/s of distinct tokens, authgate cache off (${results.durationMs} ms per cell in 3 interleaved slices, best slice kept; not pinned${noise})`,
    '      crypto.verify = node:crypto over the signing input only: synchronous when sequential, libuv pool when concurrent',
    "      authgate (pool) = verifyInThreadPool: true, signatures on the libuv pool like jose's WebCrypto (concurrent only)",
    table(
      ['alg', 'mode', 'authgate', 'authgate (pool)', 'jose.jwtVerify', 'crypto.verify', 'authgate/jose', '(pool)/jose', 'jose/crypto'],
      rows,
      new Set([2, 3, 4, 5, 6, 7, 8]),
    ),
  ].join('\n');
}

export function formatMemory(results: MemoryResults): string {
  return [
    `Memory: ${int(results.entries)} cached identities (EdDSA, distinct jti): heap +${(results.heapDeltaBytes / 1024 / 1024).toFixed(1)} MB ` +
      `= ${int(results.bytesPerEntry)} bytes/entry = ${results.mbPer100k.toFixed(1)} MB per 100k (RSS +${(results.rssDeltaBytes / 1024 / 1024).toFixed(0)} MB)`,
    `        second pass, all cache hits: ${int(results.cachedVerifyPerSecond)} verifications/s (64 in flight)`,
  ].join('\n');
}

export function formatExtras(results: ExtrasResults): string {
  return [
    "Latency at half of no-auth's peak rate (fixed rate, server pinned; p99 in ms, medians of 3 rounds):",
    table(
      ['framework', 'rate', 'no auth', 'cached', 'verifying', 'added (cached)', 'added (verifying)'],
      results.latency.map((row) => [
        row.framework,
        int(row.rate),
        ms(row.noAuthP99),
        ms(row.cachedP99),
        ms(row.verifyingP99),
        ms(row.cachedP99 - row.noAuthP99),
        ms(row.verifyingP99 - row.noAuthP99),
      ]),
      new Set([1, 2, 3, 4, 5, 6]),
    ),
    'Scaling with cores, distinct tokens, nothing pinned (autocannon shares the same 2 cores, so 2x is out of reach):',
    table(
      ['framework', 'cluster 2 workers / 1 process', 'verifyInThreadPool / default'],
      results.cores.map((row) => [row.framework, ratio(row.clusterVsOne), ratio(row.poolVsDefault)]),
      new Set([1, 2]),
    ),
  ].join('\n');
}

export function formatScaling(results: ScalingResults): string {
  return [
    'Scaling (core, one process, EdDSA): distinct tokens in rotation with the default cache (10,000 identities)',
    table(
      ['tokens in rotation', 'verifications/s', 'held by the cache', 'heap growth'],
      results.tokens.map((row) => [int(row.distinct), int(row.verifyPerSecond), percent(row.hitRate), `${row.heapGrowthMb.toFixed(1)} MB`]),
      new Set([0, 1, 2, 3]),
    ),
    'Keys in the JWKS (tokens signed by the last key, cache off):',
    table(
      ['keys', 'verifications/s'],
      results.keys.map((row) => [String(row.keys), int(row.verifyPerSecond)]),
      new Set([0, 1]),
    ),
  ].join('\n');
}

/** A ratio target judged by server CPU per request (the steadier figure here) and shown with the req/s figure beside. */
function ratioTarget(name: string, byCpu: number, byRate: number | undefined, target: number, stretch?: number): Target {
  const detail = `${ratio(byCpu)} by CPU/request${byRate === undefined ? '' : `, ${ratio(byRate)} by req/s`}`;
  return {
    name: `${name} ≥ ${target.toFixed(2)}x`,
    met: byCpu >= target,
    detail,
    ...(stretch === undefined ? {} : { stretch: { name: `≥ ${stretch.toFixed(2)}x`, met: byCpu >= stretch } }),
  };
}

/**
 * The targets of the performance issue, each judged by server CPU per request (req/s shown beside): on a shared
 * virtual machine a server's CPU time per request is far steadier than its rate.
 */
export function evaluateTargets(
  http: HttpResults | undefined,
  core: CoreResults | undefined,
  memory: MemoryResults | undefined,
  extra: { variants?: VariantTarget[] } = {},
): Target[] {
  const targets: Target[] = [];
  for (const entry of http?.ratios ?? []) {
    const fw = entry.framework;
    if (entry.mode === 'opaque') {
      targets.push(
        ratioTarget(`${fw}: one cached opaque token (introspection), vs no auth`, entry.byCpu.authgateVsNoAuth, entry.authgateVsNoAuth, 0.8),
      );
    } else if (entry.mode === 'distinct') {
      targets.push(
        ratioTarget(`${fw}: every request verifies, vs signature only`, entry.byCpu.authgateVsReference, entry.authgateVsReference, 0.9, 0.95),
      );
      const peerTarget = fw === 'express' ? 1.05 : 1.5;
      const best = Object.entries(entry.byCpu.authgateVsPeer).sort((a, b) => a[1] - b[1])[0];
      const t = ratioTarget(`${fw}: every request verifies, vs the best peer`, entry.byCpu.authgateVsBestPeer, entry.authgateVsBestPeer, peerTarget);
      targets.push({ ...t, detail: `${t.detail}${best === undefined ? '' : ` (${best[0]})`}` });
    } else {
      const t = ratioTarget(`${fw}: one repeated token, vs no auth`, entry.byCpu.authgateVsNoAuth, entry.authgateVsNoAuth, 0.85, 0.9);
      targets.push(
        entry.hookVsNoAuth === undefined
          ? t
          : { ...t, detail: `${t.detail}; a bare ${fw === 'express' ? 'middleware' : 'hook'} alone: ${ratio(entry.hookVsNoAuth)}` },
      );
    }
  }
  for (const variant of extra.variants ?? []) targets.push(variant.evaluate());
  for (const row of http?.extras?.latency ?? []) {
    const cached = row.cachedP99 - row.noAuthP99;
    const verifying = row.verifyingP99 - row.noAuthP99;
    targets.push({
      name: `${row.framework}: p99 added at half of no-auth's peak, cached ≤ 1 ms`,
      met: cached <= 1,
      detail: `${ms(cached)} ms at ${int(row.rate)} req/s`,
    });
    targets.push({
      name: `${row.framework}: p99 added at half of no-auth's peak, verifying ≤ 2 ms`,
      met: verifying <= 2,
      detail: `${ms(verifying)} ms at ${int(row.rate)} req/s`,
    });
  }
  if (memory !== undefined) {
    targets.push({
      name: 'memory per cached identity ≤ 400 bytes',
      met: memory.bytesPerEntry <= 400,
      detail: `${int(memory.bytesPerEntry)} bytes (${memory.mbPer100k.toFixed(1)} MB per 100k)`,
    });
  }
  if (core !== undefined) {
    const worst = [...core.rows].sort((a, b) => a.authgateVsJose - b.authgateVsJose)[0];
    targets.push({
      name: 'core: uncached verify at least as fast as jose.jwtVerify (info)',
      met: worst === undefined || worst.authgateVsJose >= 1,
      detail: worst === undefined ? 'n/a' : `worst ${ratio(worst.authgateVsJose)} (${worst.alg} ${worst.mode})`,
    });
  }
  return targets;
}

/** A target computed from a variant's own bench (introspection, revocation, DPoP...), added by that bench. */
export interface VariantTarget {
  evaluate(): Target;
}

export function formatTargets(targets: readonly Target[], http: HttpResults | undefined): string {
  const lines = [
    'Targets (judged by server CPU per request; req/s beside):',
    table(
      ['target', 'result', 'stretch', 'measured'],
      targets.map((target) => [
        target.name,
        target.met ? 'met' : 'missed',
        target.stretch === undefined ? '' : `${target.stretch.name} ${target.stretch.met ? 'met' : 'missed'}`,
        target.detail,
      ]),
    ),
  ];
  for (const contender of http?.contenders ?? []) {
    if (!contender.probe.accepts) lines.push(`WARNING: ${contender.id} refused a valid token: its numbers measure error answers`);
    if (contender.probe.failsOpen.length > 0)
      lines.push(`WARNING: ${contender.id} FAILS OPEN (answered 2xx) for: ${contender.probe.failsOpen.join(', ')}`);
    for (const [mode, load] of Object.entries(contender.modes)) {
      if (load.non2xx + load.errors + load.timeouts > 0)
        lines.push(`WARNING: ${contender.id} ${mode}: ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts while measured`);
      if ((load.foreignCpu ?? 0) > NOISY)
        lines.push(`NOISE: ${contender.id} ${mode} was measured while other processes used ${percent(load.foreignCpu ?? 0)} of the CPUs`);
    }
  }
  return lines.join('\n');
}
