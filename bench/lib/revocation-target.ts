import type { Target } from './results.js';

/** What revocation.ts reports to `pnpm bench` (the fields the target reads; the full result is in its JSON). */
export interface RevocationResults {
  entries: number;
  http: { costPercent: number; cpuCostPercent: number | undefined };
  inProcessFastPath: { addedNanosPerRequest: number };
}

/** "A revocation list with 100,000 entries, repeated token: ≤ 3 % more CPU than the same run without it." */
export function revocationTarget(result: RevocationResults): Target {
  const { cpuCostPercent, costPercent } = result.http;
  const cpu = cpuCostPercent === undefined ? 'n/a' : `${cpuCostPercent.toFixed(1)} %`;
  return {
    name: `revocation list of ${result.entries.toLocaleString('en')} entries, repeated token: ≤ 3 % more CPU`,
    met: cpuCostPercent !== undefined && cpuCostPercent <= 3,
    detail: `${cpu} by CPU/request, ${costPercent.toFixed(1)} % fewer req/s; ${result.inProcessFastPath.addedNanosPerRequest} ns per request in process`,
  };
}
