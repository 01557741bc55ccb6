/**
 * Memory per cached identity: fill one verifier's verified-token cache with N distinct, verified tokens and measure
 * the heap before and after (forced GC both times). Run with --expose-gc. EdDSA keeps minting and verifying cheap;
 * the entry size does not depend on the algorithm. The tokens themselves exist before the first measurement, so
 * only what the cache holds is counted: key (SHA-256, base64url), identity, claims, LRU bookkeeping.
 */
import { createVerifier } from '@authgate/core';
import { createTestIssuer } from '@authgate/testing';
import { reportToParent } from './lib/child.js';
import { AUDIENCE, config } from './lib/config.js';
import { formatMemory } from './lib/report.js';
import type { MemoryResults } from './lib/results.js';
import { mintTokens } from './lib/tokens.js';

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
}

async function verifyAll(verify: (token: string) => Promise<unknown>, tokens: readonly string[], inFlight = 64): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < tokens.length) await verify(tokens[next++] as string);
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function main(): Promise<void> {
  const entries = config.memoryEntries;
  const issuer = await createTestIssuer({ algorithms: ['EdDSA'], defaultAudience: AUDIENCE });
  let tokens: string[];
  let jwks: ReturnType<typeof issuer.publicJwks>;
  try {
    // Flat strings, as a server's HTTP parser hands them over: a minted token is a tree of concatenated strings
    // that V8 flattens on first use, which would free memory during the measurement and hide what the cache holds.
    tokens = (await mintTokens(issuer, entries + 1)).map((token) => Buffer.from(token, 'latin1').toString('latin1'));
    jwks = issuer.publicJwks();
  } finally {
    await issuer.close();
  }
  const verifier = createVerifier({ issuer: issuer.url, audience: AUDIENCE, algorithms: ['EdDSA'], jwks, cache: { maxEntries: entries * 2 } });
  // The key import and first-call JIT work happen before the baseline (the extra token is never measured).
  await verifier.verify(tokens.pop() as string);

  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  // Twice: the cache admits a token on its second verification (its doorkeeper, counted here too).
  await verifyAll((token) => verifier.verify(token), tokens);
  await verifyAll((token) => verifier.verify(token), tokens);
  collect();
  const heapAfter = process.memoryUsage().heapUsed;
  const rssAfter = process.memoryUsage().rss;

  const start = performance.now();
  await verifyAll((token) => verifier.verify(token), tokens);
  const cachedVerifyPerSecond = tokens.length / ((performance.now() - start) / 1000);

  const heapDeltaBytes = heapAfter - heapBefore;
  const results: MemoryResults = {
    entries: tokens.length,
    heapDeltaBytes,
    bytesPerEntry: heapDeltaBytes / tokens.length,
    mbPer100k: ((heapDeltaBytes / tokens.length) * 100_000) / 1024 / 1024,
    rssDeltaBytes: rssAfter - rssBefore,
    cachedVerifyPerSecond,
  };
  verifier.close();
  console.log(formatMemory(results));
  reportToParent(results);
}

await main();
