import { fail } from '../config/validate.js';

/**
 * The asymmetric JWS algorithms authgate verifies, and the key each one must be verified with.
 * HMAC (HS*) is absent on purpose: with a public JWKS an HMAC "secret" would be public (algorithm confusion).
 */
export const SUPPORTED_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
] as const;

export type Algorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export interface KeyRequirement {
  kty: 'RSA' | 'EC' | 'OKP';
  /** Required curve for EC and OKP keys. EdDSA is verified over Ed25519 only. */
  crv?: readonly string[];
}

export const KEY_REQUIREMENTS: Readonly<Record<Algorithm, KeyRequirement>> = {
  RS256: { kty: 'RSA' }, RS384: { kty: 'RSA' }, RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' }, PS384: { kty: 'RSA' }, PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'] },
  ES384: { kty: 'EC', crv: ['P-384'] },
  ES512: { kty: 'EC', crv: ['P-521'] },
  EdDSA: { kty: 'OKP', crv: ['Ed25519'] },
  Ed25519: { kty: 'OKP', crv: ['Ed25519'] },
};

const SUPPORTED = new Set<string>(SUPPORTED_ALGORITHMS);

export function isSupportedAlgorithm(alg: unknown): alg is Algorithm {
  return typeof alg === 'string' && SUPPORTED.has(alg);
}

/** RSA keys below this modulus size are refused (NIST SP 800-131A). */
export const MIN_RSA_MODULUS_BITS = 2048;

/** The configured algorithm allowlist: asymmetric, supported, never `none`. */
export function normalizeAlgorithms(value: unknown): Set<Algorithm> {
  if (!Array.isArray(value) || value.length === 0) {
    fail("algorithms is required: list the signing algorithms your identity provider uses, e.g. ['RS256']");
  }
  const algorithms = new Set<Algorithm>();
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') fail('algorithms must not contain "none": unsigned tokens are never accepted');
    if (typeof alg === 'string' && /^HS\d+$/i.test(alg)) {
      fail(`algorithms must not contain ${alg}: HMAC with a public key set lets anyone forge tokens (algorithm confusion)`);
    }
    if (!isSupportedAlgorithm(alg)) fail(`unsupported algorithm ${JSON.stringify(alg)}; supported: ${SUPPORTED_ALGORITHMS.join(', ')}`);
    algorithms.add(alg);
  }
  return algorithms;
}
