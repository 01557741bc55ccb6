import type { Algorithm } from '../keys/algorithms.js';
import type { VerifierOptions } from '../options.js';

/**
 * The environment variables an adapter reads when its options leave the verifier's basics out, as Auth0's
 * middleware reads its own: `jwtAuth()` / `app.register(authgate)` with no options then runs from the environment.
 * Explicit options always win, key by key.
 */
export const ENV_VARIABLES = {
  issuer: 'AUTHGATE_ISSUER',
  audience: 'AUTHGATE_AUDIENCE',
  algorithms: 'AUTHGATE_ALGORITHMS',
  jwksUri: 'AUTHGATE_JWKS_URI',
} as const;

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

/**
 * The verifier options the environment gives for the keys `explicit` leaves undefined:
 * `AUTHGATE_ISSUER` (one issuer URL), `AUTHGATE_AUDIENCE` (comma-separated), `AUTHGATE_ALGORITHMS`
 * (comma-separated, e.g. `RS256,ES256`), `AUTHGATE_JWKS_URI` (else discovery). `AUTHGATE_JWKS_URI` is not applied
 * where it would conflict with explicit key sources (`jwks`, or issuers given as objects or a list): a variable
 * left set in a shell must not redirect a configured verifier's keys.
 */
export function verifierOptionsFromEnv(explicit: Partial<VerifierOptions>, env: NodeJS.ProcessEnv = process.env): Partial<VerifierOptions> {
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
  const explicitKeys =
    explicit.jwks !== undefined ||
    explicit.publicKeyUri !== undefined ||
    explicit.secret !== undefined ||
    (explicit.issuer !== undefined && typeof explicit.issuer !== 'string');
  if (explicit.jwksUri === undefined && !explicitKeys && jwksUri !== undefined) fromEnv.jwksUri = jwksUri;
  return fromEnv;
}
