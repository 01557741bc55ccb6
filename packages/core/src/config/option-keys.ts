import type { IssuerConfig, JwksOptions, TokenCacheOptions, VerifierOptions } from '../options.js';
import type { RequestAuthOptions, TokenLocations } from '../http/request.js';
import { fail } from './validate.js';
import type { ProxiedCertificate } from '../binding/mtls.js';
import type { WorkloadCertificateOptions } from '../workload/certificate.js';
import type { WorkloadTokenOptions } from '../workload/authenticator.js';
import { describeType, expectBoolean, expectFunction, expectObject, keysOf, rejectUnknownKeys, type OptionKeys } from './known-keys.js';

// THE place where every options object of @authgate/core declares its keys. Adding an option to one of these types
// without adding it here (or the other way round) fails the build: `OptionKeys<T>` must list exactly T's keys.
// A new options object gets its own record here (or next to its type, exported) and one `rejectUnknownKeys` call
// where it is validated.

export const VERIFIER_OPTION_KEYS: OptionKeys<VerifierOptions> = {
  issuer: true,
  audience: true,
  algorithms: true,
  jwksUri: true,
  jwks: true,
  secret: true,
  clockTolerance: true,
  maxTokenAge: true,
  typ: true,
  requiredClaims: true,
  scopeClaims: true,
  rolesClaims: true,
  claims: true,
  refuseHeaders: true,
  requireHeaders: true,
  paddedSegments: true,
  publicKeyUri: true,
  maxTokenLength: true,
  realm: true,
  allowInsecureHttp: true,
  jwksOptions: true,
  cache: true,
  verifyInThreadPool: true,
  introspection: true,
  decryption: true,
  revocation: true,
  logger: true,
  onEvent: true,
  tokenKind: true,
  keyUse: true,
  trustDomain: true,
};

export const ISSUER_CONFIG_KEYS: OptionKeys<IssuerConfig> = { issuer: true, jwksUri: true, jwks: true };

export const JWKS_OPTION_KEYS: OptionKeys<JwksOptions> = {
  timeout: true,
  maxResponseBytes: true,
  maxAge: true,
  minAge: true,
  maxStale: true,
  burst: true,
  cooldown: true,
  negativeCacheTtl: true,
};

export const TOKEN_CACHE_OPTION_KEYS: OptionKeys<TokenCacheOptions> = { maxEntries: true };

export const TOKEN_LOCATION_KEYS: OptionKeys<TokenLocations> = { header: true, cookie: true, query: true, body: true };

/** `mtls.certificate` / `workload.certificate` behind a TLS-terminating proxy. */
export const PROXIED_CERTIFICATE_KEYS: OptionKeys<ProxiedCertificate> = { header: true, trustedProxies: true };

/** The adapters' `workload` option in its certificate form (the token form is the verifier's options and `header`). */
export const WORKLOAD_CERTIFICATE_OPTION_KEYS: OptionKeys<WorkloadCertificateOptions> = { certificate: true, trustDomain: true, realm: true };

/** What every adapter accepts besides the verifier's options (adapters add their own record to these). */
export const REQUEST_AUTH_OPTION_KEYS: OptionKeys<RequestAuthOptions> = {
  optional: true,
  tokenLocations: true,
  dpop: true,
  mtls: true,
  tokenExchange: true,
};

/**
 * Names and shapes of the verifier's options, before any value is read: unknown keys at every level (with a
 * suggestion), and objects, booleans and functions of the wrong type (saying what was expected). An adapter checks
 * its whole options object first (`checkAdapterOptionNames`), so a typo of its own options is caught there. `path`
 * names where these options sit (`workload` for the workload verifier's); empty at the top level.
 */
export function checkVerifierOptionNames(options: VerifierOptions, path = '', extraKeys: readonly string[] = []): void {
  const at = (name: string): string => (path === '' ? name : `${path}.${name}`);
  rejectUnknownKeys(options, [...keysOf(VERIFIER_OPTION_KEYS), ...extraKeys], path);
  if (Array.isArray(options.issuer)) {
    options.issuer.forEach((entry, index) => {
      if (typeof entry === 'object') rejectUnknownKeys(entry, keysOf(ISSUER_CONFIG_KEYS), `${at('issuer')}[${index}]`);
    });
  } else if (typeof options.issuer === 'object') {
    rejectUnknownKeys(options.issuer, keysOf(ISSUER_CONFIG_KEYS), at('issuer'));
  }
  if (options.jwksOptions !== undefined) {
    expectObject(at('jwksOptions'), options.jwksOptions);
    rejectUnknownKeys(options.jwksOptions, keysOf(JWKS_OPTION_KEYS), at('jwksOptions'));
  }
  if (options.cache !== undefined && options.cache !== false) {
    if (options.cache === null || typeof options.cache !== 'object' || Array.isArray(options.cache)) {
      fail(`${at('cache')} must be an object ({ maxEntries }) or false to turn it off (got ${describeType(options.cache)})`);
    }
    rejectUnknownKeys(options.cache, keysOf(TOKEN_CACHE_OPTION_KEYS), at('cache'));
  }
  if (options.algorithms !== undefined && !Array.isArray(options.algorithms)) {
    fail(`${at('algorithms')} must be an array of algorithm names, e.g. ['RS256'] (got ${describeType(options.algorithms)})`);
  }
  for (const name of ['allowInsecureHttp', 'verifyInThreadPool'] as const) expectBoolean(at(name), options[name]);
  expectFunction(at('onEvent'), options.onEvent);
  const logger = options.logger as unknown;
  if (logger !== undefined && logger !== false) {
    const methods = ['debug', 'info', 'warn', 'error'] as const;
    if (logger === null || typeof logger !== 'object' || methods.some((m) => typeof (logger as Record<string, unknown>)[m] !== 'function')) {
      fail(`${at('logger')} must be a pino logger (or any object with debug, info, warn and error methods), or false to silence authgate`);
    }
  }
}

/** The workload verifier's own keys, beside the verifier's options it also takes. */
export const WORKLOAD_OPTION_KEYS: OptionKeys<Omit<WorkloadTokenOptions, keyof VerifierOptions>> = { header: true, certificate: true };

/**
 * `workload` (an adapter option): its own keys and the workload verifier's options, every message naming
 * `workload.…`. Checked with the adapter's options, before the workload verifier exists.
 */
export function checkWorkloadOptionNames(value: unknown): void {
  if (value === undefined) return;
  expectObject('workload', value);
  // The certificate form has keys of its own, checked where it is built (workload/certificate.ts).
  if ((value as { certificate?: unknown }).certificate !== undefined) {
    rejectUnknownKeys(value, keysOf(WORKLOAD_CERTIFICATE_OPTION_KEYS), 'workload');
    return;
  }
  checkVerifierOptionNames(value as VerifierOptions, 'workload', keysOf(WORKLOAD_OPTION_KEYS));
}

/** `createRequestAuthenticator`'s options (what every adapter hands it): their names, `optional`'s type. */
export function checkRequestAuthOptionNames(options: RequestAuthOptions): void {
  expectObject('request authenticator options', options);
  rejectUnknownKeys(options, keysOf(REQUEST_AUTH_OPTION_KEYS), '');
  expectBoolean('optional', options.optional);
}

/** `tokenLocations`: its keys and shape. */
export function checkTokenLocationNames(value: unknown, path = 'tokenLocations'): void {
  if (value === undefined) return;
  expectObject(path, value);
  rejectUnknownKeys(value, keysOf(TOKEN_LOCATION_KEYS), path);
}

/**
 * An adapter's options (its own keys, `verifier`, and the verifier's options) before it splits them: a typo of an
 * adapter option (`optinal`) gets a suggestion among all of them.
 */
export function checkAdapterOptionNames(options: object, adapterKeys: readonly string[]): void {
  rejectUnknownKeys(options, [...keysOf(VERIFIER_OPTION_KEYS, REQUEST_AUTH_OPTION_KEYS), ...adapterKeys, 'verifier'], '');
  checkTokenLocationNames((options as { tokenLocations?: unknown }).tokenLocations);
  expectBoolean('optional', (options as { optional?: unknown }).optional);
  checkWorkloadOptionNames((options as { workload?: unknown }).workload);
}
