/**
 * Profiles the authgate servers under load: V8's sampling profiler (the one `node --cpu-prof` uses) runs in the
 * server during the measured part of each mode only (no module loading, no warmup); then self time is summed per
 * function and per package. Open the .cpuprofile files in Chrome DevTools or speedscope for the call trees.
 * Usage: pnpm --filter @authgate/bench run profile   (profiles land in bench/results/profiles/)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer } from '@authgate/testing';
import { AUDIENCE, config } from './lib/config.js';
import { summarizeProfile, type ProfileSummary } from './lib/cpuprofile.js';
import { int, ms, percent, table } from './lib/format.js';
import { runLoad } from './lib/load.js';
import { pinningPlan, pinThisProcess, startServer } from './lib/server-process.js';
import { BENCH_CLAIMS, mintTokens } from './lib/tokens.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const PROFILES = join(RESULTS, 'profiles');
// BENCH_PROFILE_SERVERS=fastify-none,fastify-authgate profiles others too (e.g. a baseline to compare with).
const SERVERS = (process.env.BENCH_PROFILE_SERVERS ?? 'express-authgate,fastify-authgate').split(',').map((id) => id.trim());
const MODES = (process.env.BENCH_PROFILE_MODES ?? 'repeated,distinct').split(',').map((mode) => mode.trim()) as Array<
  'repeated' | 'distinct' | 'opaque'
>;
const SECONDS = Number(process.env.BENCH_PROFILE_DURATION ?? 6);
const INTERVAL_MICROS = 200;

function format(title: string, summary: ProfileSummary, requestsPerSecond: number): string {
  const groups = summary.byGroup.slice(0, 10).map((entry) => [entry.group, `${int(entry.selfMs)} ms`, percent(entry.share)]);
  const top = summary.top.slice(0, 15).map((entry) => [entry.name, entry.where, entry.group, percent(entry.share)]);
  const ours = summary.authgate.slice(0, 12).map((entry) => [entry.name, entry.where, `${(entry.share * 100).toFixed(1)}%`]);
  const authgateShare = summary.authgate.reduce((sum, entry) => sum + entry.share, 0);
  return [
    `== ${title}: ${int(requestsPerSecond)} req/s; busy ${int(summary.busyMs)} of ${int(summary.totalMs)} ms sampled; authgate code self time ${(authgateShare * 100).toFixed(1)}% of busy`,
    table(['package / bucket', 'self', 'share'], groups, new Set([1, 2])),
    '',
    table(['top functions (self time)', 'where', 'package', 'share'], top, new Set([3])),
    '',
    ours.length === 0 ? '(no authgate function sampled)' : table(['authgate functions', 'where', 'share of busy'], ours, new Set([2])),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  rmSync(PROFILES, { recursive: true, force: true });
  mkdirSync(PROFILES, { recursive: true });
  const issuer = await createTestIssuer({ algorithms: ['RS256'], defaultAudience: AUDIENCE });
  const report: Record<string, { requestsPerSecond: number; latencyP99: number; summary: ProfileSummary }> = {};
  try {
    const tokens = {
      repeated: await mintTokens(issuer, 1),
      distinct: await mintTokens(issuer, config.distinctTokens),
      opaque: [issuer.opaqueToken(BENCH_CLAIMS, { audience: AUDIENCE, expiresIn: '1h' })],
    };
    const pins = pinningPlan(config.pin);
    if (pins !== undefined) pinThisProcess(pins.client);
    const env = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE, introspectionEndpoint: issuer.introspectionEndpoint };
    for (const id of SERVERS) {
      for (const mode of MODES) {
        const name = `${id}-${mode}`;
        const file = join(PROFILES, `${name}.cpuprofile`);
        const server = await startServer(id, env, pins === undefined ? {} : { cpu: pins.server });
        let load;
        try {
          load = await runLoad(
            {
              url: server.url,
              connections: config.connections,
              warmup: config.warmup,
              duration: SECONDS,
              pids: [process.pid, server.pid],
              beforeMeasure: () => server.startProfile(INTERVAL_MICROS),
              afterMeasure: () => server.stopProfile(file),
            },
            tokens[mode],
          );
        } finally {
          await server.stop();
        }
        const summary = summarizeProfile(file);
        report[name] = { requestsPerSecond: load.requestsPerSecond, latencyP99: load.latencyP99, summary };
        console.log(format(`${name} (p99 ${ms(load.latencyP99)} ms)`, summary, load.requestsPerSecond));
      }
    }
  } finally {
    await issuer.close();
  }
  writeFileSync(join(RESULTS, 'profile.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`profiles: ${PROFILES}; summary: ${join(RESULTS, 'profile.json')}`);
}

await main();
