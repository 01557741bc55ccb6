// The demo's gateway lines: the same issuer, @authgate/gateway deciding for a forward-auth proxy in front of a service
// that trusts identity headers (examples/gateway). Each line shows the status and, when the service answered, who it
// was told the caller is.
import { startGatewayExample } from '@authgate/example-gateway';
import type { TestIssuer } from '@authgate/testing';
import { AUDIENCE } from './scenarios.js';

export interface GatewayLine {
  request: string;
  expected: string;
  answer: string;
  ok: boolean;
}

interface GatewayScenario {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  /** Status, then the user the service saw (`-` when the service was not reached). */
  expected: string;
  headers: (issuer: TestIssuer) => Promise<Record<string, string>>;
}

const reader = { sub: 'alice', scope: 'orders:read' };
const spoof = { 'x-user-id': 'admin', x_user_id: 'admin' };

const GATEWAY_SCENARIOS: GatewayScenario[] = [
  { name: 'public path, no token', path: '/health', expected: '200 -', headers: async () => ({}) },
  {
    name: 'token with orders:read, spoofed X-User-Id',
    path: '/orders',
    expected: '200 alice',
    headers: async (i) => ({ authorization: `Bearer ${await i.sign(reader)}`, ...spoof }),
  },
  { name: 'no token, spoofed X-User-Id', path: '/orders', expected: '401 -', headers: async () => spoof },
  {
    name: 'missing scope (POST needs orders:write)',
    method: 'POST',
    path: '/orders',
    expected: '403 -',
    headers: async (i) => ({ authorization: `Bearer ${await i.sign(reader)}` }),
  },
  { name: 'dot segments to a protected path, no token', path: '/health/%2e%2e/orders', expected: '401 -', headers: async () => ({}) },
];

export async function runGatewayLines(issuer: TestIssuer): Promise<GatewayLine[]> {
  const example = await startGatewayExample({ issuer: issuer.url, audience: AUDIENCE, jwksUri: issuer.jwksUri });
  const lines: GatewayLine[] = [];
  try {
    for (const scenario of GATEWAY_SCENARIOS) {
      const response = await fetch(example.url + scenario.path, {
        method: scenario.method ?? 'GET',
        headers: await scenario.headers(issuer),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      const user = response.status === 200 && text.startsWith('{') ? ((JSON.parse(text) as { user?: string | null }).user ?? '-') : '-';
      const answer = `${response.status} ${user}`;
      lines.push({
        request: `${scenario.method ?? 'GET'} ${scenario.path}: ${scenario.name}`,
        expected: scenario.expected,
        answer,
        ok: answer === scenario.expected,
      });
    }
  } finally {
    await example.close();
  }
  return lines;
}

/** Same plain-text style as the main table. */
export function printGatewayLines(lines: readonly GatewayLine[]): void {
  const header = { request: 'gateway (proxy → @authgate/gateway → service)', expected: 'expected', answer: 'answer' };
  const columns = ['request', 'expected', 'answer'] as const;
  const widths = columns.map((column) => Math.max(header[column].length, ...lines.map((line) => line[column].length)));
  const line = (cells: readonly string[], mark: string) =>
    `${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ')}  ${mark}`.trimEnd();
  process.stdout.write(
    `\n${line(
      columns.map((column) => header[column]),
      '',
    )}\n`,
  );
  process.stdout.write(`${widths.map((width) => '-'.repeat(width)).join('  ')}\n`);
  for (const entry of lines)
    process.stdout.write(
      `${line(
        columns.map((column) => entry[column]),
        entry.ok ? 'ok' : 'FAIL',
      )}\n`,
    );
}
