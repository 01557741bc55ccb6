import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * How busy the machine was with *other* work while we measured: total CPU time (from /proc/stat) minus the CPU time
 * of our own processes (load generator and server). A shared machine running tests at the same time skews results;
 * this makes that visible instead of silent. Linux only; elsewhere it reports nothing.
 */
export interface NoiseSnapshot {
  busy: number;
  total: number;
  own: number;
  /** CPU ticks of each of our processes, in the order given. */
  perPid: readonly number[];
}

function readTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export function noiseSnapshot(pids: readonly number[]): NoiseSnapshot | undefined {
  const ticks = readTicks();
  if (ticks === undefined) return undefined;
  const perPid = pids.map(processTicks);
  return { ...ticks, own: perPid.reduce((sum, value) => sum + value, 0), perPid };
}

/** CPU used by each of our processes between two snapshots, as a share of one CPU (1 = one core fully busy). */
export function processCpuShares(before: NoiseSnapshot | undefined, after: NoiseSnapshot | undefined): number[] | undefined {
  if (before === undefined || after === undefined) return undefined;
  const perCpu = (after.total - before.total) / CPU_COUNT;
  if (perCpu <= 0) return undefined;
  return after.perPid.map((ticks, i) => (ticks - (before.perPid[i] ?? 0)) / perCpu);
}

/** Share of all CPUs used by other processes between two snapshots, 0..1 (undefined when unknown). */
export function foreignCpuShare(before: NoiseSnapshot | undefined, after: NoiseSnapshot | undefined): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  const total = after.total - before.total;
  if (total <= 0) return undefined;
  const foreign = after.busy - before.busy - (after.own - before.own);
  return Math.max(0, foreign / total);
}

/** Samples the machine for `ms` with nothing of ours running: how busy is it with other work? */
export async function idleCheck(ms = 1000): Promise<number | undefined> {
  const before = noiseSnapshot([process.pid]);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return foreignCpuShare(before, noiseSnapshot([process.pid]));
}

export const CPU_COUNT = availableParallelism();

/**
 * Waits (up to `maxSeconds`) until other processes use at most `threshold` of the machine, so a measurement does not
 * start in the middle of someone's test run. Returns the last share seen; the caller records it either way.
 */
export async function waitForQuiet(log: (line: string) => void, maxSeconds: number, threshold = 0.1): Promise<number | undefined> {
  const deadline = Date.now() + maxSeconds * 1000;
  let share = await idleCheck(500);
  let told = false;
  while (share !== undefined && share > threshold && Date.now() < deadline) {
    if (!told) log(`  (other processes use ${(share * 100).toFixed(0)}% of the CPUs; waiting up to ${maxSeconds} s for quiet)`);
    told = true;
    share = await idleCheck(1000);
  }
  if (told && share !== undefined && share > threshold) log(`  (still busy: ${(share * 100).toFixed(0)}%; measuring anyway, results flagged)`);
  return share;
}
