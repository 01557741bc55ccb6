import { ROUTE, SUBJECT } from './config.js';

export interface ProbeReport {
  /** The valid tokens were answered 200 with the token's subject in the body. */
  accepts: boolean;
  /** Status per bad token (and for no token at all). */
  refusals: Record<string, number>;
  /** Bad tokens answered 2xx: the contender failed open. */
  failsOpen: string[];
  /** Bad tokens answered 5xx: refused, but blamed on the server. */
  serverErrors: string[];
  /** One line for the table. */
  summary: string;
}

async function get(url: string, token: string | undefined): Promise<{ status: number; body: string; userId: string | null }> {
  const response = await fetch(`${url}${ROUTE}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  // A gateway answers a decision with the subject in x-user-id (for the proxy) rather than in a body.
  return { status: response.status, body: await response.text(), userId: response.headers.get('x-user-id') };
}

/**
 * Before any measurement: every valid token sample must get 200 with the right subject, and every bad token a 4xx.
 * A baseline (no auth) is only checked for the 200.
 */
export async function probe(
  url: string,
  validSamples: readonly string[],
  badTokens: Readonly<Record<string, string>> | undefined,
): Promise<ProbeReport> {
  let accepts = true;
  for (const token of validSamples) {
    const { status, body, userId } = await get(url, token);
    if (status !== 200 || !(body.includes(`"subject":"${SUBJECT}"`) || userId === SUBJECT)) accepts = false;
  }
  const refusals: Record<string, number> = {};
  if (badTokens !== undefined) {
    refusals['no token'] = (await get(url, undefined)).status;
    for (const [name, token] of Object.entries(badTokens)) refusals[name] = (await get(url, token)).status;
  }
  const failsOpen = Object.keys(refusals).filter((name) => (refusals[name] as number) < 400);
  const serverErrors = Object.keys(refusals).filter((name) => (refusals[name] as number) >= 500);
  const parts: string[] = [];
  if (!accepts) parts.push('REFUSES VALID TOKEN');
  if (failsOpen.length > 0) parts.push(`FAILS OPEN: ${failsOpen.join(', ')}`);
  if (serverErrors.length > 0) parts.push(`5xx for: ${serverErrors.map((name) => `${name} (${refusals[name]})`).join(', ')}`);
  const summary =
    badTokens === undefined
      ? accepts
        ? '200 (no auth)'
        : 'REFUSES REQUEST'
      : parts.length === 0
        ? `200 / all ${Object.keys(refusals).length} bad → 4xx`
        : parts.join('; ');
  return { accepts, refusals, failsOpen, serverErrors, summary };
}
