/** The shapes of every result, as printed and as written to results/latest.json. */
import type { Contender, Framework } from './contenders.js';
import type { ModeResult } from './rounds.js';
import type { ProbeReport } from './probe.js';

export type Mode = 'repeated' | 'distinct';
export const MODES: readonly Mode[] = ['repeated', 'distinct'];

export interface ContenderResult extends Contender {
  probe: ProbeReport;
  /** Share of the CPUs other processes used just before this contender started (0..1). */
  foreignCpuBefore: number | undefined;
  modes: Partial<Record<Mode, ModeResult>>;
}

export interface FrameworkRatios {
  framework: Framework;
  mode: Mode;
  authgateVsNoAuth: number;
  /** authgate req/s divided by each peer's. */
  authgateVsPeer: Record<string, number>;
  /** authgate divided by the fastest peer: the smallest of the ratios above. */
  authgateVsBestPeer: number;
  /** The signature-only reference divided by the fastest peer: the most any verifier could reach here. */
  referenceVsBestPeer: number | undefined;
  /** authgate divided by the signature-only reference (at most ~1). */
  authgateVsReference: number | undefined;
  /** By CPU per request: the one-hook reference vs no auth, the most any auth plugin can reach with a repeated token. */
  hookVsNoAuth: number | undefined;
  /** The same ratios from server CPU time per request (other's µs / authgate's µs): robust to a busy machine. */
  byCpu: { authgateVsNoAuth: number; authgateVsPeer: Record<string, number>; authgateVsReference: number; authgateVsBestPeer: number };
}

export interface HttpResults {
  settings: { connections: number; warmup: number; duration: number; rounds: number; distinctTokens: number; pinned: string };
  contenders: ContenderResult[];
  ratios: FrameworkRatios[];
  extras?: ExtrasResults;
}

export interface CoreRow {
  alg: string;
  /** `concurrent-one-core`: the same as `concurrent` with the whole process (libuv pool included) on one CPU. */
  mode: 'sequential' | 'concurrent' | 'concurrent-one-core';
  authgate: number;
  /** With `verifyInThreadPool: true` (concurrent modes only). */
  authgatePool?: number;
  jose: number;
  crypto: number;
  authgateVsJose: number;
  authgatePoolVsJose?: number;
  joseVsCrypto: number;
}

export interface CoreResults {
  durationMs: number;
  concurrency: number;
  rows: CoreRow[];
  /** Share of the CPUs other processes used during the whole micro-benchmark (0..1). */
  foreignCpu: number | undefined;
}

export interface MemoryResults {
  entries: number;
  heapDeltaBytes: number;
  bytesPerEntry: number;
  mbPer100k: number;
  rssDeltaBytes: number;
  /** Verifications/s when every token is a cache hit (second pass over the same tokens, 64 in flight). */
  cachedVerifyPerSecond: number;
}

export interface Target {
  name: string;
  met: boolean;
  detail: string;
  /** The stretch goal, where the issue names one, and whether it was reached. */
  stretch?: { name: string; met: boolean };
}

export interface ScalingResults {
  /** Distinct tokens in rotation through one verifier with the default cache. */
  tokens: Array<{ distinct: number; verifyPerSecond: number; hitRate: number; heapGrowthMb: number }>;
  /** Keys in the JWKS, cache off. */
  keys: Array<{ keys: number; verifyPerSecond: number }>;
}

export interface ExtrasResults {
  /** p99 latencies (ms) at a fixed rate of half no-auth's peak. */
  latency: Array<{ framework: Framework; rate: number; noAuthP99: number; cachedP99: number; verifyingP99: number }>;
  /** Distinct tokens, nothing pinned: req/s ratios. */
  cores: Array<{ framework: Framework; clusterVsOne: number; poolVsDefault: number }>;
}
