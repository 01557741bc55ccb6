// `pnpm demo`: one local issuer, the Express and the Fastify example APIs, the same scripted requests through both.
// Exits 0 only if every answer is the expected one; everything is shut down either way.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import { createApp as createExpressApp } from '@authgate/example-express';
import { createApp as createFastifyApp } from '@authgate/example-fastify';
import { AUDIENCE, scenarios, type Expected, type Scenario } from './scenarios.js';
import { printTable, type Row } from './table.js';
import { printGatewayLines, runGatewayLines, type GatewayLine } from './gateway.js';

interface Answer {
  status: number;
  error: string;
}

/** The RFC 6750 error code an API answered with: from the challenge, `-` when the challenge carries none. */
function errorCode(response: Response): string {
  const challenge = response.headers.get('www-authenticate');
  if (challenge === null) return '';
  return /error="([^"]*)"/.exec(challenge)?.[1] ?? '-';
}

async function send(baseUrl: string, scenario: Scenario, authorization: string | undefined): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (scenario.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + scenario.path, {
    method: scenario.method ?? 'GET',
    headers,
    body: scenario.body === undefined ? undefined : JSON.stringify(scenario.body),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return { status: response.status, error: errorCode(response) };
}

function matches(answer: Answer, expected: Expected): boolean {
  return answer.status === expected.status && (expected.error === undefined || answer.error === expected.error);
}

const show = (answer: { status: number; error?: string }): string =>
  answer.error === undefined || answer.error === '' ? String(answer.status) : `${answer.status} ${answer.error}`;

async function main(): Promise<number> {
  const issuer: TestIssuer = await createTestIssuer({ algorithms: ['RS256'], defaultAudience: AUDIENCE });
  const config = { issuer: issuer.url, audience: AUDIENCE, jwksUri: issuer.jwksUri };
  const express = createExpressApp(config);
  const expressServer: Server = await new Promise((resolve) => {
    const server = express.listen(0, '127.0.0.1', () => resolve(server));
  });
  const fastify = await createFastifyApp(config);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const expressUrl = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;
  const fastifyUrl = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  process.stdout.write(`issuer ${issuer.url}\nExpress ${expressUrl}\nFastify ${fastifyUrl}\n\n`);

  const rows: Row[] = [];
  let gatewayLines: GatewayLine[] = [];
  try {
    for (const scenario of scenarios) {
      const authorization = await scenario.authorization?.(issuer);
      const viaExpress = await send(expressUrl, scenario, authorization);
      const viaFastify = await send(fastifyUrl, scenario, authorization);
      scenario.after?.(issuer);
      rows.push({
        request: `${scenario.method ?? 'GET'} ${scenario.path}: ${scenario.name}`,
        expected: show(scenario.expected),
        express: show(viaExpress),
        fastify: show(viaFastify),
        ok: matches(viaExpress, scenario.expected) && matches(viaFastify, scenario.expected),
      });
    }
    gatewayLines = await runGatewayLines(issuer);
  } finally {
    await new Promise((resolve) => expressServer.close(resolve));
    expressServer.closeAllConnections();
    await fastify.close();
    await issuer.close();
  }
  printTable(rows);
  printGatewayLines(gatewayLines);
  const failed = rows.filter((row) => !row.ok).length + gatewayLines.filter((line) => !line.ok).length;
  const total = rows.length + gatewayLines.length;
  process.stdout.write(failed === 0 ? `\nall ${total} answers as expected\n` : `\n${failed} of ${total} answers NOT as expected\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
