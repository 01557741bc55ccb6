/** Many short measurements per contender, interleaved, summarized by medians (see `config.rounds`). */
import type { LoadResult } from './load.js';

/** One contender in one mode: the median of its rounds, and every round's requests/s (in round order). */
export interface ModeResult extends LoadResult {
  rounds: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const medianOf = (loads: readonly LoadResult[], pick: (load: LoadResult) => number | undefined): number | undefined => {
  const values = loads.map(pick).filter((value): value is number => value !== undefined);
  return values.length === 0 ? undefined : median(values);
};

/** Rates, latencies and CPU shares by median; failures summed (one failure anywhere counts); noise by its worst. */
export function summarize(loads: readonly LoadResult[]): ModeResult {
  const sum = (pick: (load: LoadResult) => number): number => loads.reduce((total, load) => total + pick(load), 0);
  const foreign = loads.map((load) => load.foreignCpu).filter((value): value is number => value !== undefined);
  return {
    requestsPerSecond: median(loads.map((load) => load.requestsPerSecond)),
    latencyP50: median(loads.map((load) => load.latencyP50)),
    latencyP99: median(loads.map((load) => load.latencyP99)),
    total: sum((load) => load.total),
    non2xx: sum((load) => load.non2xx),
    errors: sum((load) => load.errors),
    timeouts: sum((load) => load.timeouts),
    foreignCpu: foreign.length === 0 ? undefined : Math.max(...foreign),
    clientCpu: medianOf(loads, (load) => load.clientCpu),
    serverCpu: medianOf(loads, (load) => load.serverCpu),
    rounds: loads.map((load) => load.requestsPerSecond),
  };
}

/**
 * ours / theirs, round by round, then the median: both were measured within seconds of each other, so the drift
 * of the machine cancels out of each round's ratio.
 */
export function pairedRatio(ours: ModeResult, theirs: ModeResult): number {
  const count = Math.min(ours.rounds.length, theirs.rounds.length);
  const ratios: number[] = [];
  for (let round = 0; round < count; round += 1) ratios.push((ours.rounds[round] as number) / (theirs.rounds[round] as number));
  return median(ratios);
}
