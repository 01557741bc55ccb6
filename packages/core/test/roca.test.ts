import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasRocaFingerprint } from '../src/keys/roca.js';

// The ROCA key of Wycheproof's JWK vectors (test group of tc7), read from the suite's copy of the vectors.
const vectors = JSON.parse(readFileSync(new URL('../../../test/security/vectors/wycheproof/json_web_key_test.json', import.meta.url), 'utf8')) as {
  testGroups: Array<{ public?: { keys?: Array<{ kid?: string; n?: string }> } }>;
};
const roca = vectors.testGroups.flatMap((group) => group.public?.keys ?? []).find((key) => key.kid === 'kid-rsa-roca-sign');

describe('ROCA fingerprint (CVE-2017-15361)', () => {
  it('flags the Wycheproof ROCA key', () => {
    expect(roca?.n).toBeTypeOf('string');
    expect(hasRocaFingerprint(Buffer.from(roca?.n as string, 'base64url'))).toBe(true);
  });

  it('does not flag freshly generated RSA keys', () => {
    for (let i = 0; i < 10; i += 1) {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const n = publicKey.export({ format: 'jwk' }).n as string;
      expect(hasRocaFingerprint(Buffer.from(n, 'base64url'))).toBe(false);
    }
  });

  it('flags a modulus built the ROCA way, and not its neighbour', () => {
    // n ≡ 65537^a (mod r) for every fingerprint prime: the product of two such "primes" keeps the property.
    const M = [
      3n,
      5n,
      7n,
      11n,
      13n,
      17n,
      19n,
      23n,
      29n,
      31n,
      37n,
      41n,
      43n,
      47n,
      53n,
      59n,
      61n,
      67n,
      71n,
      73n,
      79n,
      83n,
      89n,
      97n,
      101n,
      103n,
      107n,
      109n,
      113n,
      127n,
      131n,
      137n,
      139n,
      149n,
      151n,
      157n,
      163n,
      167n,
    ].reduce((a, b) => a * b, 1n);
    const power = (base: bigint, exp: bigint, mod: bigint): bigint => {
      let result = 1n;
      for (let b = base % mod, e = exp; e > 0n; e >>= 1n, b = (b * b) % mod) if (e & 1n) result = (result * b) % mod;
      return result;
    };
    const p = 12345n * M + power(65537n, 101n, M);
    const q = 67890n * M + power(65537n, 202n, M);
    const toBytes = (n: bigint) => Buffer.from(n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, '0'), 'hex');
    expect(hasRocaFingerprint(toBytes(p * q))).toBe(true);
    expect(hasRocaFingerprint(toBytes(p * q + 2n))).toBe(false);
  });
});
