/**
 * A simulation, not a test: 1,000 verifier instances (each its own createVerifier: its own key source and cache)
 * against one JWKS server (@authgate/testing's issuer), through a steady phase, a key rotation and an IdP outage.
 * Counts the JWKS requests the server receives per phase and the requests that failed. What should hold: about one
 * fetch per instance at start and per rotation (not per request), none in steady state, and zero failed requests
 * during the outage (the last good key set keeps serving). BENCH_SMOKE=1: 50 instances, short phases.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createVerifier, type Verifier } from '@authgate/core';
import { createTestIssuer } from '@authgate/testing';
import { AUDIENCE } from './lib/config.js';

const smoke = process.env.BENCH_SMOKE === '1';
const INSTANCES = smoke ? 50 : 1000;
const REQUESTS_PER_INSTANCE = 5;
const OUTAGE_SECONDS = smoke ? 3 : 10;

interface Phase {
  phase: string;
  requests: number;
  failed: number;
  jwksFetches: number;
}

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ algorithms: ['ES256'], defaultAudience: AUDIENCE });
  // Refreshes come due within seconds, so the outage really has refreshes fail (the default max age is 10 min).
  issuer.jwks.cacheControl('max-age=1');
  const verifiers: Verifier[] = Array.from({ length: INSTANCES }, () =>
    createVerifier({ issuer: issuer.url, audience: AUDIENCE, algorithms: ['ES256'], jwksUri: issuer.jwksUri, jwksOptions: { minAge: 1, maxAge: 2 } }),
  );
  const phases: Phase[] = [];

  async function phase(name: string, tokens: readonly string[], rounds = 1, pauseMs = 0): Promise<void> {
    issuer.jwks.resetCount();
    let requests = 0;
    let failed = 0;
    for (let round = 0; round < rounds; round += 1) {
      // Every instance receives its requests at once (concurrently), as a fleet behind a load balancer does.
      const results = await Promise.allSettled(verifiers.flatMap((verifier) => tokens.map((token) => verifier.verify(token))));
      requests += results.length;
      failed += results.filter((result) => result.status === 'rejected').length;
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    phases.push({ phase: name, requests, failed, jwksFetches: issuer.jwks.requests });
  }

  const sign = (): Promise<string[]> => Promise.all(Array.from({ length: REQUESTS_PER_INSTANCE }, (_, i) => issuer.sign({ sub: `user-${i}` })));
  try {
    const first = await sign();
    await phase('start (cold caches)', first);
    await phase('steady', first, 3);
    await issuer.rotate();
    const rotated = await sign();
    await phase('key rotation (tokens from the new key)', rotated);
    issuer.jwks.status(503);
    await new Promise((resolve) => setTimeout(resolve, 2100)); // past maxAge: every refresh is due, and fails
    await phase(`IdP outage (JWKS answers 503 for ${OUTAGE_SECONDS} s)`, [...first.slice(0, 2), ...rotated.slice(0, 3)], OUTAGE_SECONDS, 1000);
    issuer.jwks.recover();
  } finally {
    for (const verifier of verifiers) verifier.close();
    await issuer.close();
  }
  console.table(phases.map((p) => ({ ...p, 'fetches per instance': (p.jwksFetches / INSTANCES).toFixed(2) })));
  const rotation = phases[2] as Phase;
  const outage = phases[3] as Phase;
  console.log(
    `rotation: ${rotation.jwksFetches} JWKS fetches for ${INSTANCES} instances and ${rotation.requests} requests; outage: ${outage.failed} failed of ${outage.requests}`,
  );
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL(`./results/jwks-fleet${smoke ? '-smoke' : ''}.json`, import.meta.url),
    `${JSON.stringify({ smoke, instances: INSTANCES, phases }, null, 2)}\n`,
  );
}

await main();
