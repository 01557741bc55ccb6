import autocannon from 'autocannon';
import { ROUTE } from './config.js';
import { foreignCpuShare, noiseSnapshot, processCpuShares } from './noise.js';

export interface LoadOptions {
  url: string;
  connections: number;
  warmup: number;
  duration: number;
  /** Our processes, load generator (this one) first, then the server: CPU time outside them counts as noise. */
  pids: readonly [number, number];
  /** Requests per second across all connections (autocannon's overallRate); unset: as fast as the server answers. */
  rate?: number;
  /** Called between warmup and measurement, and right after the measurement (e.g. to start and stop a profiler). */
  beforeMeasure?: () => Promise<void>;
  afterMeasure?: () => Promise<void>;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Share of all CPUs other processes used during the measurement (0..1), when known. */
  foreignCpu: number | undefined;
  /** CPU used by the load generator and by the server, in cores (1 = one core busy all the time), when known. */
  clientCpu: number | undefined;
  serverCpu: number | undefined;
}

/**
 * Warms up, then measures, the same way for every contender. With one token the header is static (no per-request
 * work in the client). With many, a shared counter hands out tokens in list order across all connections, so every
 * contender sees the same cyclic sequence: each token comes back only after every other token was sent once.
 */
export async function runLoad(options: LoadOptions, tokens: readonly string[]): Promise<LoadResult> {
  const base = {
    url: `${options.url}${ROUTE}`,
    connections: options.connections,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
  };
  let request: Partial<Parameters<typeof autocannon>[0]>;
  if (tokens.length === 1) {
    request = { headers: { authorization: `Bearer ${tokens[0]}` } };
  } else {
    // Built once: the per-request work in the client is one array read and one object.
    const headers = tokens.map((token) => `Bearer ${token}`);
    let next = 0;
    request = {
      requests: [
        {
          setupRequest: (raw) => {
            raw.headers = { authorization: headers[next] as string };
            next = next + 1 === headers.length ? 0 : next + 1;
            return raw;
          },
        },
      ],
    };
  }
  if (options.warmup > 0) await autocannon({ ...base, ...request, duration: options.warmup });
  await options.beforeMeasure?.();
  const before = noiseSnapshot(options.pids);
  const result = await autocannon({ ...base, ...request, duration: options.duration });
  const after = noiseSnapshot(options.pids);
  const foreignCpu = foreignCpuShare(before, after);
  const [clientCpu, serverCpu] = processCpuShares(before, after) ?? [];
  await options.afterMeasure?.();
  return {
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    foreignCpu,
    clientCpu,
    serverCpu,
  };
}
