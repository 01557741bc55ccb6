import type { SigningAlgorithm, TestIssuer } from '@authgate/testing';
import { AUDIENCE, SUBJECT } from './config.js';

/** The claims every benchmark token carries: a typical access token, not a minimal one. */
export const BENCH_CLAIMS = { sub: SUBJECT, scope: 'orders:read orders:write', client_id: 'bench-client' };

/**
 * Mints `count` valid tokens, each with its own `jti` (the issuer sets a random one), so no two are the same string.
 * Signing runs in batches: WebCrypto signs on the libuv pool, so batches use every core.
 */
export async function mintTokens(issuer: TestIssuer, count: number, algorithm?: SigningAlgorithm): Promise<string[]> {
  const tokens: string[] = [];
  const batch = 256;
  while (tokens.length < count) {
    const size = Math.min(batch, count - tokens.length);
    const signed = await Promise.all(
      Array.from({ length: size }, () => issuer.sign(BENCH_CLAIMS, { audience: AUDIENCE, expiresIn: '1h', ...(algorithm ? { algorithm } : {}) })),
    );
    tokens.push(...signed);
  }
  if (new Set(tokens).size !== tokens.length) throw new Error('minted tokens are not all distinct');
  return tokens;
}

/** Tokens every contender must refuse (401). Each has exactly one thing wrong. */
export async function mintBadTokens(issuer: TestIssuer): Promise<Record<string, string>> {
  const good = await issuer.sign(BENCH_CLAIMS, { audience: AUDIENCE, expiresIn: '1h' });
  const [header, payload, signature] = good.split('.') as [string, string, string];
  // Flip a character in the middle of the signature: the last one may only carry unused bits.
  const middle = Math.floor(signature.length / 2);
  const flipped = signature[middle] === 'A' ? 'B' : 'A';
  const badSignature = `${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
  return {
    'bad signature': `${header}.${payload}.${badSignature}`,
    'tampered payload': await issuer.bad.tampered(BENCH_CLAIMS, { audience: AUDIENCE }),
    'wrong audience': await issuer.bad.wrongAudience(BENCH_CLAIMS),
    'wrong issuer': await issuer.bad.wrongIssuer(BENCH_CLAIMS, { audience: AUDIENCE }),
    expired: await issuer.bad.expired(BENCH_CLAIMS, { audience: AUDIENCE }),
    'alg none': await issuer.bad.algNone(BENCH_CLAIMS, { audience: AUDIENCE }),
    'unknown kid': await issuer.bad.unknownKid(BENCH_CLAIMS, { audience: AUDIENCE }),
  };
}
