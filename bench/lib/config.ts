/** Every knob of the benchmark, read once from the environment. Durations in seconds unless named otherwise. */

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got ${raw})`);
  return value;
}

function numberFromEnvOrZero(name: string, fallback: number): number {
  return process.env[name] === '0' ? 0 : numberFromEnv(name, fallback);
}

function listFromEnv(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export const AUDIENCE = 'https://orders.bench.authgate.test';
export const SUBJECT = 'bench-user';
export const ROUTE = '/orders';

export const config = {
  /** Measured seconds per contender, mode and round. */
  duration: numberFromEnv('BENCH_DURATION', 2),
  /** Unmeasured seconds before a contender's first measurement in a mode (JIT, JWKS fetch, key import). */
  warmup: numberFromEnv('BENCH_WARMUP', 2),
  /**
   * Rounds: every contender of a framework is measured once per round, in rotating order, and the medians count.
   * A virtual machine's speed drifts by ±10 % within seconds; interleaving puts every contender under the same drift.
   */
  rounds: numberFromEnv('BENCH_ROUNDS', 10),
  connections: numberFromEnv('BENCH_CONNECTIONS', 32),
  /**
   * Distinct tokens, cycled in one fixed order. Must exceed the largest verified-token cache under test (authgate's
   * default 10,000): cycling N > capacity through an LRU misses on every request, so every request verifies.
   */
  distinctTokens: numberFromEnv('BENCH_TOKENS', 20_000),
  /** Milliseconds per cell of the core micro-benchmark (after a short warmup). */
  coreMs: numberFromEnv('BENCH_CORE_MS', 1000),
  /** In-flight verifications in the concurrent micro-benchmark. */
  coreConcurrency: numberFromEnv('BENCH_CORE_CONCURRENCY', 64),
  /** Identities put in the cache by the memory benchmark. */
  memoryEntries: numberFromEnv('BENCH_MEMORY_ENTRIES', 100_000),
  /** Distinct tokens in rotation for the scaling section (BENCH_SCALING_TOKENS=1000,100000 for a quick run). */
  scalingTokens: listFromEnv('BENCH_SCALING_TOKENS').length > 0 ? listFromEnv('BENCH_SCALING_TOKENS').map(Number) : [1_000, 100_000, 1_000_000],
  /** Pin each server to one CPU and the load generator to another (BENCH_PIN=0 turns it off). */
  pin: process.env.BENCH_PIN !== '0',
  /** Seconds to wait for other processes to go quiet before each measurement (0: do not wait). */
  quietWait: numberFromEnvOrZero('BENCH_QUIET_WAIT', 30),
  /** Also run the opt-in contenders (peers tuned beyond their documented setup). */
  extra: process.env.BENCH_EXTRA === '1',
  /** Only contenders whose id contains one of these strings (e.g. BENCH_ONLY=fastify). */
  only: listFromEnv('BENCH_ONLY'),
  /** Sections to skip: core, memory, http, extras, scaling, dpop, revocation, nginx (e.g. BENCH_SKIP=core,memory). */
  skip: new Set(listFromEnv('BENCH_SKIP')),
};
