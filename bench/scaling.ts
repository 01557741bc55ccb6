/**
 * How cost grows (issue: performance against the physical limit), at the core, one process:
 *   tokens  1k, 100k and 1M distinct EdDSA tokens verified in rotation through one verifier with the default cache
 *           (10,000 identities): verifications/s, cache hit rate, and heap growth (the cache is bounded, so memory
 *           must stay flat however many tokens rotate);
 *   keys    1, 10 and 100 keys in the JWKS (static set), tokens signed by the last key: verifications/s with the
 *           cache off, so every call looks its key up and checks a signature.
 * EdDSA keeps minting 1M tokens affordable; the cache's behaviour does not depend on the algorithm.
 * Run with --expose-gc.
 */
import { generateKeyPairSync, createPrivateKey, type KeyObject } from 'node:crypto';
import { createVerifier } from '@authgate/core';
import { exportJWK, SignJWT, type JWK } from 'jose';
import { reportToParent } from './lib/child.js';
import { AUDIENCE, config } from './lib/config.js';
import { formatScaling } from './lib/report.js';
import type { ScalingResults } from './lib/results.js';
import { BENCH_CLAIMS } from './lib/tokens.js';

const ISSUER = 'https://issuer.bench.authgate.test/';

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

async function makeKeys(count: number): Promise<SigningKey[]> {
  const keys: SigningKey[] = [];
  for (let i = 0; i < count; i += 1) {
    const { privateKey } = generateKeyPairSync('ed25519');
    // Re-imported from PEM before any JWK export: exporting a fresh KeyObject can deadlock on Node 20.
    const reimported = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const kid = `key-${i}`;
    keys.push({ kid, privateKey: reimported, publicJwk: { ...(await exportJWK(reimported)), d: undefined, kid, alg: 'EdDSA', use: 'sig' } });
  }
  return keys.map((key) => ({ ...key, publicJwk: Object.fromEntries(Object.entries(key.publicJwk).filter(([, v]) => v !== undefined)) as JWK }));
}

async function mint(key: SigningKey, count: number): Promise<string[]> {
  const tokens: string[] = [];
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i += 1) {
    tokens.push(
      await new SignJWT({ ...BENCH_CLAIMS })
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setJti(`t-${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key.privateKey),
    );
  }
  return tokens;
}

async function rotate(verify: (token: string) => Promise<unknown>, tokens: readonly string[], total: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < total; i += 1) await verify(tokens[i % tokens.length] as string);
  return total / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  const [key] = (await makeKeys(1)) as [SigningKey];
  const sizes = config.scalingTokens;
  const largest = Math.max(...sizes);
  console.log(`minting ${largest.toLocaleString('en-US')} EdDSA tokens…`);
  const all = await mint(key, largest);
  const results: ScalingResults = { tokens: [], keys: [] };

  for (const size of sizes) {
    const tokens = all.slice(0, size);
    let verified = 0;
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['EdDSA'],
      jwks: { keys: [key.publicJwk] },
      onEvent: (event) => {
        if (event.type === 'token_rejected') throw new Error(`refused: ${event.reason}`);
      },
    });
    await verifier.verify(tokens[0] as string);
    const before = collect();
    // Two passes of at least 100,000 verifications (whole rotations up to 100k tokens): the first fills the cache,
    // the second is what counts. Past 100k tokens a pass is part of a rotation: every call misses either way.
    const total = 2 * Math.max(Math.min(size, 100_000), 100_000);
    await rotate(
      async (token) => {
        verified += 1;
        return verifier.verify(token);
      },
      tokens,
      total / 2,
    );
    const perSecond = await rotate((token) => verifier.verify(token), tokens, total / 2);
    const heapGrowth = collect() - before;
    // Cache hits take the synchronous path: `cached` answers only for tokens the cache holds.
    let hits = 0;
    for (let i = 0; i < Math.min(size, 10_000); i += 1) if (verifier.cached?.(tokens[(i * 7919) % size] as string) !== undefined) hits += 1;
    results.tokens.push({
      distinct: size,
      verifyPerSecond: perSecond,
      hitRate: hits / Math.min(size, 10_000),
      heapGrowthMb: heapGrowth / 1024 / 1024,
    });
    verifier.close();
    console.log(
      `  ${size.toLocaleString('en-US').padStart(9)} tokens in rotation: ${Math.round(perSecond).toLocaleString('en-US')} verifications/s, cache holds ${((100 * hits) / Math.min(size, 10_000)).toFixed(0)}% of them, heap +${(heapGrowth / 1024 / 1024).toFixed(1)} MB (${verified} warm-up calls)`,
    );
  }

  for (const count of [1, 10, 100]) {
    const keys = await makeKeys(count);
    const last = keys[keys.length - 1] as SigningKey;
    const tokens = await mint(last, 2000);
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['EdDSA'],
      jwks: { keys: keys.map((k) => k.publicJwk) },
      cache: false,
    });
    await rotate((token) => verifier.verify(token), tokens, 2000);
    const perSecond = await rotate((token) => verifier.verify(token), tokens, 20_000);
    results.keys.push({ keys: count, verifyPerSecond: perSecond });
    verifier.close();
    console.log(`  ${String(count).padStart(3)} keys in the JWKS: ${Math.round(perSecond).toLocaleString('en-US')} verifications/s (cache off)`);
  }
  console.log(formatScaling(results));
  reportToParent(results);
}

await main();
