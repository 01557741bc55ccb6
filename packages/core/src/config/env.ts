import type { Algorithm } from '../keys/algorithms.js';
import type { VerifierOptions } from '../options.js';
import type { ProviderOptions } from '../providers/common.js';
import { PROVIDER_VARIABLE, providerOptionsFromEnv } from './provider-env.js';
import { fail } from './validate.js';

/**
 * The environment variables an adapter reads when its options leave the verifier's basics out, as Auth0's
 * middleware reads its own: `jwtAuth()` / `app.register(authgate)` with no options then runs from the environment.
 * Explicit options always win, key by key. `AUTHGATE_PROVIDER` names a preset instead, whose arguments come from
 * `AUTHGATE_<PRESET>_<ARGUMENT>` variables (see `config/provider-env.ts`).
 */
export const ENV_VARIABLES = {
  issuer: 'AUTHGATE_ISSUER',
  audience: 'AUTHGATE_AUDIENCE',
  algorithms: 'AUTHGATE_ALGORITHMS',
  jwksUri: 'AUTHGATE_JWKS_URI',
  provider: PROVIDER_VARIABLE,
} as const;

const BASIC_OPTIONS = ['issuer', 'audience', 'algorithms', 'jwksUri'] as const;

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Explicit key sources replace the environment's: a variable left set in a shell must not redirect a configured verifier's keys. */
function hasOwnKeySource(explicit: Partial<VerifierOptions>): boolean {
  return (
    explicit.jwks !== undefined ||
    explicit.jwksUri !== undefined ||
    explicit.publicKeyUri !== undefined ||
    explicit.secret !== undefined ||
    (explicit.issuer !== undefined && typeof explicit.issuer !== 'string')
  );
}

/**
 * With `AUTHGATE_PROVIDER`: the preset's options from the environment, to be overridden key by key by explicit
 * ones (the preset's keys left out when explicit options bring their own). The four basic variables beside it are
 * refused: which of two sources should count would be a guess.
 */
function presetFromEnv(explicit: Partial<VerifierOptions>, env: NodeJS.ProcessEnv): Partial<ProviderOptions> | undefined {
  const preset = providerOptionsFromEnv(env);
  if (preset === undefined) return undefined;
  for (const key of BASIC_OPTIONS) {
    if (read(env, ENV_VARIABLES[key]) !== undefined) {
      fail(
        `${ENV_VARIABLES[key]} is set beside ${PROVIDER_VARIABLE}: give the preset's arguments as its own variables (see the README), or pass ${key} as an option; unset ${ENV_VARIABLES[key]}`,
      );
    }
  }
  if (!hasOwnKeySource(explicit)) return preset;
  const { jwks: _jwks, jwksUri: _jwksUri, publicKeyUri: _publicKeyUri, ...withoutKeys } = preset;
  return withoutKeys;
}

/**
 * The verifier options the environment gives for the keys `explicit` leaves undefined:
 * `AUTHGATE_ISSUER` (one issuer URL), `AUTHGATE_AUDIENCE` (comma-separated), `AUTHGATE_ALGORITHMS`
 * (comma-separated, e.g. `RS256,ES256`), `AUTHGATE_JWKS_URI` (else discovery). `AUTHGATE_JWKS_URI` is not applied
 * where it would conflict with explicit key sources (`jwks`, or issuers given as objects or a list): a variable
 * left set in a shell must not redirect a configured verifier's keys.
 *
 * With `AUTHGATE_PROVIDER`, the named preset's options instead (which may include `tokenLocations`, for AWS ALB):
 * spread explicit options after them.
 */
export function verifierOptionsFromEnv(explicit: Partial<VerifierOptions>, env: NodeJS.ProcessEnv = process.env): Partial<ProviderOptions> {
  const preset = presetFromEnv(explicit, env);
  if (preset !== undefined) return preset;
  const fromEnv: Partial<VerifierOptions> = {};
  const issuer = read(env, ENV_VARIABLES.issuer);
  if (explicit.issuer === undefined && issuer !== undefined) fromEnv.issuer = issuer;
  const audience = read(env, ENV_VARIABLES.audience);
  if (explicit.audience === undefined && audience !== undefined) {
    const audiences = list(audience);
    fromEnv.audience = audiences.length === 1 ? (audiences[0] as string) : audiences;
  }
  const algorithms = read(env, ENV_VARIABLES.algorithms);
  if (explicit.algorithms === undefined && algorithms !== undefined) fromEnv.algorithms = list(algorithms) as Algorithm[];
  const jwksUri = read(env, ENV_VARIABLES.jwksUri);
  if (!hasOwnKeySource(explicit) && jwksUri !== undefined) fromEnv.jwksUri = jwksUri;
  return fromEnv;
}
