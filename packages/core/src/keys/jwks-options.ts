import type { JwksOptions } from '../options.js';
import { fail, nonNegativeSeconds, positiveInteger } from '../config/validate.js';

export const JWKS_DEFAULTS: Required<JwksOptions> = {
  timeout: 5,
  maxResponseBytes: 256 * 1024,
  maxAge: 600,
  minAge: 60,
  maxStale: 3600,
  burst: 3,
  cooldown: 30,
  negativeCacheTtl: 5,
};

export function normalizeJwksOptions(value: JwksOptions | undefined): Required<JwksOptions> {
  const given = value ?? {};
  const jwks: Required<JwksOptions> = {
    timeout: nonNegativeSeconds('jwksOptions.timeout', given.timeout, JWKS_DEFAULTS.timeout),
    maxResponseBytes: positiveInteger('jwksOptions.maxResponseBytes', given.maxResponseBytes, JWKS_DEFAULTS.maxResponseBytes),
    maxAge: nonNegativeSeconds('jwksOptions.maxAge', given.maxAge, JWKS_DEFAULTS.maxAge),
    minAge: nonNegativeSeconds('jwksOptions.minAge', given.minAge, JWKS_DEFAULTS.minAge),
    maxStale: nonNegativeSeconds('jwksOptions.maxStale', given.maxStale, JWKS_DEFAULTS.maxStale),
    burst: positiveInteger('jwksOptions.burst', given.burst, JWKS_DEFAULTS.burst),
    cooldown: nonNegativeSeconds('jwksOptions.cooldown', given.cooldown, JWKS_DEFAULTS.cooldown),
    negativeCacheTtl: nonNegativeSeconds('jwksOptions.negativeCacheTtl', given.negativeCacheTtl, JWKS_DEFAULTS.negativeCacheTtl),
  };
  if (jwks.timeout === 0) fail('jwksOptions.timeout must be above 0 seconds');
  // A zero cooldown would let a flood of unknown kids refetch without limit: the provider becomes the victim.
  if (jwks.cooldown === 0) fail('jwksOptions.cooldown must be above 0 seconds');
  if (jwks.minAge > jwks.maxAge) fail('jwksOptions.minAge must not exceed jwksOptions.maxAge');
  return jwks;
}
