import { fail } from '../config/validate.js';

/**
 * The asymmetric JWS algorithms authgate verifies with key sets, and the key each one must be verified with.
 * HMAC (HS*) is absent on purpose: with a public JWKS an HMAC "secret" would be public (algorithm confusion). HMAC is
 * verified only with a configured shared `secret`, and then nothing else is (see HMAC_ALGORITHMS).
 */
export const SUPPORTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** The asymmetric algorithms: verified with keys from a JWKS. */
export type AsymmetricAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** HMAC with a shared `secret` (RFC 7518 §3.2), for services that trust each other; never with a key set. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

export type Algorithm = AsymmetricAlgorithm | HmacAlgorithm;

export interface KeyRequirement {
  kty: 'RSA' | 'EC' | 'OKP';
  /** Required curve for EC and OKP keys. EdDSA is verified over Ed25519 only. */
  crv?: readonly string[];
}

export const KEY_REQUIREMENTS: Readonly<Record<AsymmetricAlgorithm, KeyRequirement>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'] },
  ES384: { kty: 'EC', crv: ['P-384'] },
  ES512: { kty: 'EC', crv: ['P-521'] },
  EdDSA: { kty: 'OKP', crv: ['Ed25519'] },
  Ed25519: { kty: 'OKP', crv: ['Ed25519'] },
};

const SUPPORTED = new Set<string>(SUPPORTED_ALGORITHMS);

export function isSupportedAlgorithm(alg: unknown): alg is AsymmetricAlgorithm {
  return typeof alg === 'string' && SUPPORTED.has(alg);
}

/** RSA keys below this modulus size are refused (NIST SP 800-131A). */
export const MIN_RSA_MODULUS_BITS = 2048;

const HMAC = new Set<string>(HMAC_ALGORITHMS);

export function isHmacAlgorithm(alg: unknown): alg is HmacAlgorithm {
  return typeof alg === 'string' && HMAC.has(alg);
}

/**
 * The configured algorithm allowlist, never `none`: asymmetric and supported with key sets; HS256/384/512 only, and
 * only those, with a shared secret (`withSecret`).
 */
export function normalizeAlgorithms(value: unknown, withSecret = false): Set<Algorithm> {
  if (!Array.isArray(value) || value.length === 0) {
    fail("algorithms is required: list the signing algorithms your identity provider uses, e.g. ['RS256']");
  }
  const algorithms = new Set<Algorithm>();
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') fail('algorithms must not contain "none": unsigned tokens are never accepted');
    if (withSecret) {
      if (!isHmacAlgorithm(alg)) {
        fail(
          `with a secret, algorithms may list only ${HMAC_ALGORITHMS.join(', ')} (got ${JSON.stringify(alg)}): a shared secret never verifies another algorithm's tokens`,
        );
      }
      algorithms.add(alg);
      continue;
    }
    if (typeof alg === 'string' && /^HS\d+$/i.test(alg)) {
      fail(
        `algorithms must not contain ${alg} without a secret: HMAC with a public key set lets anyone forge tokens (algorithm confusion); give secret (and no jwks, jwksUri or discovery) for a shared key`,
      );
    }
    if (!isSupportedAlgorithm(alg)) fail(`unsupported algorithm ${JSON.stringify(alg)}; supported: ${SUPPORTED_ALGORITHMS.join(', ')}`);
    algorithms.add(alg);
  }
  return algorithms;
}
