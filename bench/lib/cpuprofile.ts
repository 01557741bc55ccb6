import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile this summary reads. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  /** file:line, shortened to the package-relative path. */
  where: string;
  group: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Busy time: total minus idle. Shares below are of busy time. */
  busyMs: number;
  byGroup: Array<{ group: string; selfMs: number; share: number }>;
  top: FunctionCost[];
  authgate: FunctionCost[];
}

/** Which bucket a frame's time belongs to: authgate's own packages, a dependency, Node, or V8 bookkeeping. */
export function groupOf(url: string, name: string): string {
  if (url === '') {
    if (name === '(idle)') return '(idle)';
    if (name === '(garbage collector)') return 'GC';
    if (name === '(program)') return 'V8/native (program)';
    return 'native';
  }
  const local = url.match(/\/packages\/([^/]+)\/(?:dist|src)\//);
  if (local !== null) return `@authgate/${local[1]}`;
  const dependency = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//);
  if (dependency !== null) return dependency[1] as string;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return 'bench server';
}

function shortPath(url: string): string {
  const local = url.match(/\/packages\/(.+)$/);
  if (local !== null) return `packages/${local[1]}`;
  const dependency = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.+)$/);
  if (dependency !== null) return dependency[1] as string;
  return url.replace(/^file:\/\//, '');
}

/** Self time per function (summed over every node of the same function), biggest first. */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byFunction = new Map<string, FunctionCost>();
  const byGroup = new Map<string, number>();
  let totalMicros = 0;
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = (nodes.get(id) as ProfileNode).callFrame;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const group = groupOf(url, name);
    const where = url === '' ? '' : `${shortPath(url)}:${lineNumber + 1}`;
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, group, selfMs: 0, share: 0 };
    entry.selfMs += micros / 1000;
    byFunction.set(key, entry);
    byGroup.set(group, (byGroup.get(group) ?? 0) + micros / 1000);
    totalMicros += micros;
  }
  const totalMs = totalMicros / 1000;
  const busyMs = totalMs - (byGroup.get('(idle)') ?? 0);
  const functions = [...byFunction.values()].filter((entry) => entry.group !== '(idle)');
  for (const entry of functions) entry.share = entry.selfMs / busyMs;
  functions.sort((a, b) => b.selfMs - a.selfMs);
  return {
    totalMs,
    busyMs,
    byGroup: [...byGroup.entries()]
      .filter(([group]) => group !== '(idle)')
      .map(([group, selfMs]) => ({ group, selfMs, share: selfMs / busyMs }))
      .sort((a, b) => b.selfMs - a.selfMs),
    top: functions.slice(0, top),
    authgate: functions.filter((entry) => entry.group.startsWith('@authgate/')),
  };
}
