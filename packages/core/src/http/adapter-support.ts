import { AuthConfigError } from '../errors.js';
import { verifierOptionsFromEnv } from '../config/env.js';
import type { VerifierOptions } from '../options.js';
import type { TokenLocations } from './request.js';
import { createVerifier } from '../verifier.js';
import type { Verifier } from '../verifier-types.js';

/** The verifier an adapter uses, and whether the adapter created it (then it also closes it). */
export interface ResolvedVerifier<C extends object> {
  verifier: Verifier<C>;
  owned: boolean;
  /**
   * Where tokens come from when the environment's preset says (`AUTHGATE_PROVIDER=aws-alb`: `x-amzn-oidc-data`):
   * the adapter uses it unless its own `tokenLocations` option is given.
   */
  tokenLocations?: TokenLocations;
}

/**
 * Adapters take either the verifier's options or an existing `verifier` to share, never both: a shared verifier
 * with ignored options would look configured and not be. `defaults` fill options the user left out (e.g. the
 * framework's logger) when a verifier is created here. `adapter` names the package in messages.
 */
export function resolveVerifier<C extends object>(
  given: Verifier<C> | undefined,
  verifierOptions: Partial<VerifierOptions>,
  adapter: string,
  defaults: Partial<VerifierOptions> = {},
): ResolvedVerifier<C> {
  if (given === undefined) {
    const explicit = withoutUndefined(verifierOptions);
    // Explicit options win over AUTHGATE_* variables (or AUTHGATE_PROVIDER's preset), which win over the adapter's defaults.
    const { tokenLocations, ...fromEnv } = verifierOptionsFromEnv(explicit);
    const options = { ...defaults, ...fromEnv, ...explicit } as VerifierOptions;
    return { verifier: createVerifier<C>(options), owned: true, ...(tokenLocations === undefined ? {} : { tokenLocations }) };
  }
  if (given === null || typeof given.verify !== 'function' || typeof given.realm !== 'string') {
    throw new AuthConfigError(`authgate: ${adapter}: verifier must be a Verifier, as createVerifier() returns`);
  }
  const ignored = Object.keys(withoutUndefined(verifierOptions));
  if (ignored.length > 0) {
    throw new AuthConfigError(
      `authgate: ${adapter}: give either verifier or the verifier's options, not both (got ${ignored.join(', ')}): configure the shared verifier instead`,
    );
  }
  return { verifier: given, owned: false };
}

function withoutUndefined(options: Partial<VerifierOptions>): Partial<VerifierOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<VerifierOptions>;
}

/**
 * The answer to a wiring bug (a scope check on a request no authentication saw): 500, never a silent pass, and
 * nothing about the cause in the body — that goes to the log.
 */
export const MISCONFIGURED_RESPONSE = Object.freeze({
  status: 500 as const,
  headers: Object.freeze({ 'cache-control': 'no-store' }),
  body: Object.freeze({ error: 'server_error', error_description: 'Authentication is misconfigured' }),
});
