/**
 * The denylist's cost, not a test (run with --expose-gc):
 * 1. HTTP: fastify-authgate against the same server with a list of 100,000 entries (tokens, subjects and clients;
 *    the request's token is not on it, the usual case), one repeated token (the cached request path), autocannon,
 *    interleaved rounds, medians of req/s and server CPU per request: target ≤ 3 % fewer requests/s;
 * 2. in process: the adapters' synchronous fast path (`createRequestAuthenticator`, 100 hot tokens) with and
 *    without the list: the nanoseconds the check adds per request (with no HTTP around it to hide them);
 * 3. heap bytes per entry (token entries with a UUID jti, subject cut-offs).
 * BENCH_SMOKE=1 runs a few short rounds over 10,000 entries, to prove the script works.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createMemoryRevocationList, createRequestAuthenticator, createVerifier, type RevocationList } from '@authgate/core';
import { createTestIssuer } from '@authgate/testing';
import { reportToParent } from './lib/child.js';
import { AUDIENCE, config } from './lib/config.js';
import { runLoad } from './lib/load.js';
import { fillRevocationList } from './lib/revocation-entries.js';
import { pinningPlan, pinThisProcess, startServer } from './lib/server-process.js';
import { median } from './lib/rounds.js';
import { mintTokens } from './lib/tokens.js';

const smoke = process.env.BENCH_SMOKE === '1';
const ENTRIES = smoke ? 10_000 : 100_000;
const ROUNDS = smoke ? 3 : 15;
const ROUND_MS = smoke ? 100 : 500;
const HOT_TOKENS = 100;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
}

/** req/s and server CPU µs per request of fastify-authgate without and with the list, interleaved, medians. */
async function http(): Promise<Record<string, { requestsPerSecond: number; cpuMicrosPerRequest: number | undefined }>> {
  const issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  try {
    const [token] = await mintTokens(issuer, 1);
    const env = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE, introspectionEndpoint: issuer.introspectionEndpoint };
    process.env.BENCH_REVOCATION_ENTRIES = String(ENTRIES);
    const ids = ['fastify-authgate', 'fastify-authgate-revocation'];
    // Pinned as in the main bench (server on one CPU, load generator on the other): unpinned, the two servers'
    // figures moved by ±20 % between runs, far more than the list can cost.
    const pins = pinningPlan(config.pin);
    if (pins !== undefined) pinThisProcess(pins.client);
    const servers = await Promise.all(ids.map((id) => startServer(id, env, pins === undefined ? {} : { cpu: pins.server })));
    const rates = ids.map(() => [] as number[]);
    const cpu = ids.map(() => [] as number[]);
    try {
      for (let round = 0; round < (smoke ? 2 : config.rounds); round += 1) {
        for (const index of round % 2 === 0 ? [0, 1] : [1, 0]) {
          const server = servers[index]!;
          const load = await runLoad(
            {
              url: server.url,
              connections: config.connections,
              warmup: smoke ? 0.5 : config.warmup,
              duration: smoke ? 1 : config.duration,
              pids: [process.pid, server.pid],
            },
            [token as string],
          );
          if (load.non2xx > 0 || load.errors > 0) throw new Error(`${ids[index]}: ${load.non2xx} non-2xx, ${load.errors} errors`);
          rates[index]!.push(load.requestsPerSecond);
          if (load.serverCpu !== undefined) cpu[index]!.push((load.serverCpu * 1e6) / load.requestsPerSecond);
        }
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
    return Object.fromEntries(
      ids.map((id, i) => [
        id,
        {
          requestsPerSecond: Math.round(median(rates[i]!)),
          cpuMicrosPerRequest: cpu[i]!.length > 0 ? Number(median(cpu[i]!).toFixed(2)) : undefined,
        },
      ]),
    );
  } finally {
    await issuer.close();
  }
}

async function main(): Promise<void> {
  const httpResults = await http();
  const plain = httpResults['fastify-authgate']!;
  const listed = httpResults['fastify-authgate-revocation']!;
  const httpCost = (1 - listed.requestsPerSecond / plain.requestsPerSecond) * 100;
  // The target is CPU: the server's CPU per request with the list against without it (steadier than req/s).
  const cpuCost =
    plain.cpuMicrosPerRequest === undefined || listed.cpuMicrosPerRequest === undefined
      ? undefined
      : (listed.cpuMicrosPerRequest / plain.cpuMicrosPerRequest - 1) * 100;
  console.log(
    `HTTP, cached token: ${plain.requestsPerSecond.toLocaleString('en')} req/s without a list, ${listed.requestsPerSecond.toLocaleString('en')} with ${ENTRIES.toLocaleString('en')} entries: cost ${httpCost.toFixed(2)} % (target ≤ 3 %: ${httpCost <= 3 ? 'MET' : 'NOT MET'})`,
  );

  const issuer = await createTestIssuer({ algorithms: ['ES256'], defaultAudience: AUDIENCE });
  const tokens = await mintTokens(issuer, HOT_TOKENS);
  const jwks = issuer.publicJwks();
  await issuer.close();

  const list = createMemoryRevocationList();
  fillRevocationList(list, ENTRIES);
  const paths = new Map<string, (request: { headers: { authorization: string } }) => unknown>();
  for (const [name, revocation] of [
    ['no list', undefined],
    [`${ENTRIES.toLocaleString('en')} entries`, list],
  ] as const) {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks,
      ...(revocation ? { revocation: revocation as RevocationList } : {}),
    });
    for (let i = 0; i < 3; i += 1) for (const token of tokens) await verifier.verify(token); // hot in the cache
    paths.set(name, createRequestAuthenticator(verifier));
  }
  const requests = tokens.map((token) => ({ headers: { authorization: `Bearer ${token}` } }));
  const rates = new Map<string, number[]>([...paths.keys()].map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? [...paths] : [...paths].reverse();
    for (const [name, authenticate] of order) {
      let done = 0;
      const until = performance.now() + ROUND_MS;
      while (performance.now() < until) {
        for (const request of requests) if (authenticate(request) instanceof Promise) throw new Error('left the fast path');
        done += requests.length;
      }
      rates.get(name)?.push(done / (ROUND_MS / 1000));
    }
  }
  const [base, withList] = [...rates.values()].map(median) as [number, number];
  const addedNanos = (1 / withList - 1 / base) * 1e9;

  // Memory: a fresh list per kind, heap before and after.
  const memory: Record<string, number> = {};
  const keep: unknown[] = []; // every list stays alive, so no collection during one measurement frees another's
  for (const kind of ['token', 'subject'] as const) {
    const ids = Array.from({ length: ENTRIES }, () => randomUUID()); // the ids exist before: only the list is counted
    const exp = Math.floor(Date.now() / 1000) + 3600;
    collect();
    const before = process.memoryUsage().heapUsed;
    const fresh = createMemoryRevocationList();
    for (const id of ids) kind === 'token' ? fresh.revokeToken({ jti: id, exp }) : fresh.revokeSubject({ sub: id });
    collect();
    memory[kind] = Math.round((process.memoryUsage().heapUsed - before) / ENTRIES);
    if (fresh.size !== ENTRIES) throw new Error('entries lost');
    keep.push(fresh, ids);
  }

  const result = {
    smoke,
    entries: ENTRIES,
    http: {
      ...httpResults,
      costPercent: Number(httpCost.toFixed(2)),
      cpuCostPercent: cpuCost === undefined ? undefined : Number(cpuCost.toFixed(2)),
    },
    inProcessFastPath: {
      requestsPerSecond: Object.fromEntries([...rates].map(([name, values]) => [name, Math.round(median(values))])),
      addedNanosPerRequest: Math.round(addedNanos),
    },
    bytesPerEntry: memory,
    idBytesIncluded: 'the list holds its own id strings (36-character UUIDs here); their heap size is part of the figure',
  };
  console.log(
    `in-process fast path: ${Math.round(base).toLocaleString('en')} /s without a list, ${Math.round(withList).toLocaleString('en')} with ${ENTRIES.toLocaleString('en')} entries: ${Math.round(addedNanos)} ns added per request`,
  );
  console.log(`memory per entry: token ${memory.token} B, subject ${memory.subject} B (heap, id string included)`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/revocation${smoke ? '-smoke' : ''}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  reportToParent(result);
}

await main();
