/**
 * Core micro-benchmark: verifications per second of distinct tokens, per algorithm, for
 *   authgate  createVerifier(...) with the verified-token cache off, so every call verifies; in the concurrent
 *             modes also with `verifyInThreadPool: true` (signatures on the libuv pool, as jose's WebCrypto does);
 *   jose      jwtVerify(token, key, { issuer, audience, algorithms }) with the key imported once beforehand;
 *   crypto    node:crypto verify over the signing input, nothing else: the physical limit.
 * Sequential: one verification awaited at a time (crypto: the synchronous call). Concurrent: N in flight (crypto:
 * the callback form, which runs on the libuv pool like WebCrypto does).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { constants, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { createVerifier, type VerifierOptions } from '@authgate/core';
import { createTestIssuer, type SigningAlgorithm } from '@authgate/testing';
import { importJWK, jwtVerify } from 'jose';
import { reportToParent } from './lib/child.js';
import { pinThisProcess } from './lib/server-process.js';
import { AUDIENCE, config } from './lib/config.js';
import { foreignCpuShare, noiseSnapshot } from './lib/noise.js';
import { formatCore } from './lib/report.js';
import type { CoreResults, CoreRow } from './lib/results.js';
import { mintTokens } from './lib/tokens.js';

const ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const TOKENS_PER_ALGORITHM = 2000;

type Verify = (index: number) => Promise<unknown>;
type VerifySync = (index: number) => boolean;

async function sequential(verify: Verify, count: number, ms: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  const deadline = start + ms;
  while (performance.now() < deadline) {
    await verify(done % count);
    done += 1;
  }
  return done / ((performance.now() - start) / 1000);
}

function sequentialSync(verify: VerifySync, count: number, ms: number): number {
  let done = 0;
  const start = performance.now();
  const deadline = start + ms;
  while (performance.now() < deadline) {
    for (let i = 0; i < 16; i += 1) {
      if (!verify(done % count)) throw new Error('crypto.verify refused a valid signature');
      done += 1;
    }
  }
  return done / ((performance.now() - start) / 1000);
}

async function concurrent(verify: Verify, count: number, ms: number, inFlight: number): Promise<number> {
  let started = 0;
  let done = 0;
  const start = performance.now();
  const deadline = start + ms;
  async function worker(): Promise<void> {
    while (performance.now() < deadline) {
      const index = started % count;
      started += 1;
      await verify(index);
      done += 1;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - start) / 1000);
}

const ROUNDS = 3;

/**
 * Each contender is warmed up, then measured in ROUNDS short slices interleaved with the others (so drift of the
 * machine hits all alike), keeping the best slice: interference from other processes only ever slows a slice down.
 */
async function measureInterleaved(runs: ReadonlyArray<(ms: number) => Promise<number> | number>): Promise<number[]> {
  for (const run of runs) await run(config.coreMs / 4);
  const best = runs.map(() => 0);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [i, run] of runs.entries()) best[i] = Math.max(best[i] as number, await run(config.coreMs / ROUNDS));
  }
  return best;
}

function cryptoParams(alg: SigningAlgorithm, key: KeyObject): { digest: string | null; key: Parameters<typeof cryptoVerify>[2] } {
  switch (alg) {
    case 'RS256':
      return { digest: 'sha256', key };
    case 'PS256':
      return { digest: 'sha256', key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } };
    case 'ES256':
      return { digest: 'sha256', key: { key, dsaEncoding: 'ieee-p1363' } };
    case 'EdDSA':
      return { digest: null, key };
    default:
      throw new Error(`no crypto parameters for ${alg}`);
  }
}

async function benchAlgorithm(alg: SigningAlgorithm, issuerUrl: string, jwk: object, tokens: readonly string[]): Promise<CoreRow[]> {
  const options: VerifierOptions = { issuer: issuerUrl, audience: AUDIENCE, algorithms: [alg as 'RS256'], jwks: { keys: [jwk] }, cache: false };
  const verifier = createVerifier(options);
  const poolVerifier = createVerifier({ ...options, verifyInThreadPool: true });
  const joseKey = await importJWK(jwk, alg);
  const joseOptions = { issuer: issuerUrl, audience: AUDIENCE, algorithms: [alg] };
  const { digest, key } = cryptoParams(alg, createPublicKey({ key: jwk as never, format: 'jwk' }));
  const inputs = tokens.map((token) => {
    const lastDot = token.lastIndexOf('.');
    return { data: Buffer.from(token.slice(0, lastDot)), signature: Buffer.from(token.slice(lastDot + 1), 'base64url') };
  });

  const viaAuthgate: Verify = (i) => verifier.verify(tokens[i] as string);
  const viaAuthgatePool: Verify = (i) => poolVerifier.verify(tokens[i] as string);
  const viaJose: Verify = (i) => jwtVerify(tokens[i] as string, joseKey, joseOptions);
  const viaCryptoSync: VerifySync = (i) => cryptoVerify(digest, inputs[i]!.data, key, inputs[i]!.signature);
  const viaCryptoAsync: Verify = (i) =>
    new Promise((resolve, reject) => {
      cryptoVerify(digest, inputs[i]!.data, key, inputs[i]!.signature, (error, ok) =>
        error ? reject(error) : ok ? resolve(ok) : reject(new Error('refused')),
      );
    });

  // Every contender must accept the tokens before being timed.
  await viaAuthgate(0);
  await viaAuthgatePool(0);
  await viaJose(0);
  if (!viaCryptoSync(0)) throw new Error(`${alg}: crypto.verify refused a valid token`);

  const n = tokens.length;
  const c = config.coreConcurrency;
  const rows: CoreRow[] = [];
  const [seqAuthgate, seqJose, seqCrypto] = (await measureInterleaved([
    (ms) => sequential(viaAuthgate, n, ms),
    (ms) => sequential(viaJose, n, ms),
    (ms) => sequentialSync(viaCryptoSync, n, ms),
  ])) as [number, number, number];
  rows.push({
    alg,
    mode: 'sequential',
    authgate: seqAuthgate,
    jose: seqJose,
    crypto: seqCrypto,
    authgateVsJose: seqAuthgate / seqJose,
    joseVsCrypto: seqJose / seqCrypto,
  });
  const measureConcurrent = async (): Promise<[number, number, number, number]> =>
    (await measureInterleaved([
      (ms) => concurrent(viaAuthgate, n, ms, c),
      (ms) => concurrent(viaAuthgatePool, n, ms, c),
      (ms) => concurrent(viaJose, n, ms, c),
      (ms) => concurrent(viaCryptoAsync, n, ms, c),
    ])) as [number, number, number, number];
  const concurrentRow = (mode: CoreRow['mode'], [ours, pool, jose, crypto]: [number, number, number, number]): CoreRow => ({
    alg,
    mode,
    authgate: ours,
    authgatePool: pool,
    jose,
    crypto,
    authgateVsJose: ours / jose,
    authgatePoolVsJose: pool / jose,
    joseVsCrypto: jose / crypto,
  });
  rows.push(concurrentRow('concurrent', await measureConcurrent()));
  // Again with the whole process (libuv pool threads too) on one CPU, the way each HTTP server runs.
  const cpus = availableParallelism();
  if (config.pin && cpus > 1) {
    pinThisProcess(cpus - 1);
    try {
      rows.push(concurrentRow('concurrent-one-core', await measureConcurrent()));
    } finally {
      execFileSync('taskset', ['-a', '-p', '-c', `0-${cpus - 1}`, String(process.pid)], { stdio: 'ignore' });
    }
  }
  verifier.close();
  poolVerifier.close();
  return rows;
}

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ algorithms: ALGORITHMS, defaultAudience: AUDIENCE });
  const rows: CoreRow[] = [];
  const before = noiseSnapshot([process.pid]);
  try {
    for (const alg of ALGORITHMS) {
      const tokens = await mintTokens(issuer, TOKENS_PER_ALGORITHM, alg);
      const jwk = issuer.publicJwks().keys.find((key) => key.alg === alg);
      if (jwk === undefined) throw new Error(`no published key for ${alg}`);
      rows.push(...(await benchAlgorithm(alg, issuer.url, jwk, tokens)));
    }
  } finally {
    await issuer.close();
  }
  const foreignCpu = foreignCpuShare(before, noiseSnapshot([process.pid]));
  const results: CoreResults = { durationMs: config.coreMs, concurrency: config.coreConcurrency, rows, foreignCpu };
  console.log(formatCore(results));
  reportToParent(results);
}

await main();
