/** Turns results into the console report, and decides which targets were met. */
import { int, mark, ms, percent, ratio, table } from './format.js';
import type { CoreResults, HttpResults, MemoryResults, Mode, Target } from './results.js';

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
    return [contender.framework, contender.label, ...cell('repeated'), ...cell('distinct'), ...cell('opaque'), int(failures), percent(noise), contender.probe.summary];
  });
  const lines = [
    `HTTP: GET /orders, ${settings.connections} connections; ${settings.rounds} interleaved rounds of ${settings.duration} s per contender and ` +
      `mode (after ${settings.warmup} s warmup), medians; pinning: ${settings.pinned}; distinct mode cycles ${int(settings.distinctTokens)} RS256 tokens`,
    table(
      ['framework', 'contender', 'repeated req/s', 'p99 ms', 'CPU µs/req', 'distinct req/s', 'p99 ms', 'CPU µs/req', 'opaque req/s', 'p99 ms', 'CPU µs/req', 'non-2xx', 'other CPU', 'probe (valid / bad tokens)'],
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
    const limit = entry.authgateVsReference === undefined || entry.mode !== 'distinct'
      ? ''
      : `; authgate/signature-only ${ratio(entry.authgateVsReference)} (signature-only/best peer ${ratio(entry.referenceVsBestPeer ?? Number.NaN)}: the most any verifier could reach)`;
    lines.push(`  ${entry.framework.padEnd(8)} ${entry.mode.padEnd(9)} authgate/no-auth ${ratio(entry.authgateVsNoAuth)}; ${peers.join('; ')}${limit}`);
    lines.push(`  ${''.padEnd(8)} ${''.padEnd(9)} same by server CPU per request: no-auth ${ratio(entry.byCpu.authgateVsNoAuth)}; ${cpuPeers.join('; ')}`);
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
    '      authgate (pool) = verifyInThreadPool: true, signatures on the libuv pool like jose\'s WebCrypto (concurrent only)',
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

export function evaluateTargets(http: HttpResults | undefined, core: CoreResults | undefined, memory: MemoryResults | undefined): Target[] {
  const targets: Target[] = [];
  for (const entry of http?.ratios ?? []) {
    if (entry.mode === 'opaque') {
      targets.push({
        name: `${entry.framework}: cached opaque token (introspection) ≥ 0.80x no-auth`,
        met: entry.authgateVsNoAuth >= 0.8,
        detail: ratio(entry.authgateVsNoAuth),
      });
    } else if (entry.mode === 'repeated') {
      targets.push({
        name: `${entry.framework}: repeated token ≥ 0.85x no-auth`,
        met: entry.authgateVsNoAuth >= 0.85,
        detail: ratio(entry.authgateVsNoAuth),
      });
    } else {
      const best = Object.entries(entry.authgateVsPeer).sort((a, b) => a[1] - b[1])[0];
      targets.push({
        name: `${entry.framework}: distinct tokens ≥ 1.5x the best peer`,
        met: entry.authgateVsBestPeer >= 1.5,
        detail:
          (best === undefined ? 'no peer measured' : `${ratio(best[1])} vs ${best[0]}`) +
          (entry.referenceVsBestPeer === undefined ? '' : `; signature-only limit ${ratio(entry.referenceVsBestPeer)}`),
      });
    }
  }
  if (core !== undefined) {
    // Each row is judged in the configuration meant for it: the default (signatures on the calling thread) where the
    // process has one core, as each HTTP server does; verifyInThreadPool where jose's WebCrypto jobs may spread over
    // every core through the libuv pool (the unpinned concurrent rows), since there authgate's default uses one.
    const judged = core.rows.map((row) => ({
      row,
      value: row.mode === 'concurrent' ? row.authgatePoolVsJose ?? row.authgateVsJose : row.authgateVsJose,
      label: `${row.alg} ${row.mode}${row.mode === 'concurrent' && row.authgatePoolVsJose !== undefined ? ' (pool)' : ''}`,
    }));
    const misses = judged.filter((entry) => entry.value < 0.8);
    const worst = [...judged].sort((a, b) => a.value - b.value)[0];
    targets.push({
      name: 'core: uncached verify within 20% of jose.jwtVerify (every alg and mode)',
      met: misses.length === 0,
      detail:
        misses.length === 0
          ? `worst ${worst === undefined ? 'n/a' : `${ratio(worst.value)} (${worst.label})`}`
          : `below 0.80x: ${misses.map((entry) => `${entry.label} ${ratio(entry.value)}`).join(', ')}`,
    });
  }
  if (memory !== undefined) {
    targets.push({ name: 'memory: 100k cached identities < 100 MB', met: memory.mbPer100k < 100, detail: `${memory.mbPer100k.toFixed(1)} MB` });
  }
  return targets;
}

export function formatTargets(targets: readonly Target[], http: HttpResults | undefined): string {
  const lines = ['Targets:', table(['target', 'result', 'measured'], targets.map((target) => [target.name, mark(target.met), target.detail]))];
  for (const contender of http?.contenders ?? []) {
    if (!contender.probe.accepts) lines.push(`WARNING: ${contender.id} refused a valid token: its numbers measure error answers`);
    if (contender.probe.failsOpen.length > 0) lines.push(`WARNING: ${contender.id} FAILS OPEN (answered 2xx) for: ${contender.probe.failsOpen.join(', ')}`);
    for (const [mode, load] of Object.entries(contender.modes)) {
      if (load.non2xx + load.errors + load.timeouts > 0) lines.push(`WARNING: ${contender.id} ${mode}: ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts while measured`);
      if ((load.foreignCpu ?? 0) > NOISY) lines.push(`NOISE: ${contender.id} ${mode} was measured while other processes used ${percent(load.foreignCpu ?? 0)} of the CPUs`);
    }
  }
  return lines.join('\n');
}
