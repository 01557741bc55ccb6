import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import {
  keysOf,
  presetOptions,
  PROVIDER_ARGUMENTS,
  providerNamed,
  providers,
  suggestKey,
  type ForwardIdentityOptions,
  type OptionKeys,
  type VerifierOptions,
} from '@authgate/core';
import { parse as parseYaml } from 'yaml';
import { configError, rejectUnknownSettings } from './errors.js';
import type { GatewayRule } from './rules.js';

/** A provider preset by name, with its arguments beside it: `{ "provider": "entra", "tenant": "...", "audience": "..." }`. */
export type PresetVerifierConfig = { provider: string } & Record<string, unknown>;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The gateway's configuration, as the config file (JSON or YAML) holds it. */
export interface GatewayConfig {
  /** How tokens are verified: core `VerifierOptions`, or a provider preset by name. */
  verifier: VerifierOptions | PresetVerifierConfig;
  /** Ordered access rules; the first match decides; no match means a valid token is required (fail closed). */
  rules?: GatewayRule[];
  /** Which identity headers an allowed answer carries (always on; this changes them), and the signed assertion. */
  forwardIdentity?: true | ForwardIdentityOptions;
  /**
   * Addresses (IPs or CIDR ranges) of the proxies allowed to ask for decisions: their `X-Forwarded-*` /
   * `X-Original-*` headers pick the rule, so nobody else may. Default: loopback (`127.0.0.0/8`, `::1`).
   */
  trustedProxies?: string[];
  /** Envoy `ext_authz` `path_prefix`: requests under it carry the original path after it (and the original method). */
  pathPrefix?: string;
  /** pino log level. Default `info`. */
  logLevel?: LogLevel;
}

/** The gateway's settings: an unknown one (`logLevl`) is refused with a suggestion. */
const GATEWAY_CONFIG_KEYS: OptionKeys<GatewayConfig> = {
  verifier: true,
  rules: true,
  forwardIdentity: true,
  trustedProxies: true,
  pathPrefix: true,
  logLevel: true,
};
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
// VerifierOptions a user may set beside a preset's arguments, to override what the preset returned (issuer and
// audience are preset arguments, which the preset normalizes: they are not overridden).
const VERIFIER_OVERRIDES: ReadonlyArray<keyof VerifierOptions> = [
  'algorithms',
  'jwksUri',
  'jwks',
  'clockTolerance',
  'maxTokenAge',
  'typ',
  'requiredClaims',
  'scopeClaims',
  'maxTokenLength',
  'realm',
  'allowInsecureHttp',
  'jwksOptions',
  'cache',
  'verifyInThreadPool',
];

/** Reads a config file: `.yaml`/`.yml` as YAML, anything else as JSON. Errors name the file. */
export function loadConfigFile(path: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    configError(`file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const yaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  try {
    return (yaml ? parseYaml(text) : JSON.parse(text)) as GatewayConfig;
  } catch (error) {
    configError(`file ${path} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Checks the top level; the verifier, rules and forwardIdentity are checked by the code that uses them. */
export function validateConfig(config: unknown): asserts config is GatewayConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    configError('must be an object { verifier, rules?, forwardIdentity?, ... }');
  const given = config as Record<string, unknown>;
  rejectUnknownSettings(given, keysOf(GATEWAY_CONFIG_KEYS), '');
  if (given.verifier === null || typeof given.verifier !== 'object' || Array.isArray(given.verifier)) {
    configError('verifier is required: { issuer, audience, algorithms, jwksUri | jwks } or { provider: "<preset>", ...its arguments }');
  }
  if (
    given.forwardIdentity !== undefined &&
    given.forwardIdentity !== true &&
    (given.forwardIdentity === null || typeof given.forwardIdentity !== 'object')
  ) {
    configError('forwardIdentity must be an object { headers?, sign? } (identity headers are always sent; this changes them)');
  }
  if (given.pathPrefix !== undefined && (typeof given.pathPrefix !== 'string' || !/^\/[^?#*]*[^/]$/.test(given.pathPrefix))) {
    configError('pathPrefix must be a path such as "/envoy-authz" (leading "/", no trailing "/")');
  }
  if (given.logLevel !== undefined && !LOG_LEVELS.has(given.logLevel as string)) configError(`logLevel must be one of ${[...LOG_LEVELS].join(', ')}`);
}

/** The verifier's options: given as they are, or built by the named provider preset from the arguments beside it. */
export function verifierOptionsOf(verifier: GatewayConfig['verifier']): VerifierOptions {
  if (!('provider' in verifier)) return verifier;
  const { provider, ...given } = verifier;
  const name = typeof provider === 'string' ? providerNamed(provider) : undefined;
  if (name === undefined) {
    const suggestion = typeof provider === 'string' ? suggestKey(provider, Object.keys(providers)) : undefined;
    configError(
      `verifier.provider ${JSON.stringify(provider)} is not a preset (${Object.keys(providers).join(', ')})${suggestion === undefined ? '' : `: did you mean ${suggestion}?`}`,
    );
  }
  const argumentKeys = keysOf(PROVIDER_ARGUMENTS[name]);
  rejectUnknownSettings(given, ['provider', ...argumentKeys, ...VERIFIER_OVERRIDES], 'verifier');
  const args = Object.fromEntries(Object.entries(given).filter(([key]) => argumentKeys.includes(key)));
  let options: VerifierOptions;
  try {
    options = presetOptions(name, args);
  } catch (error) {
    configError(`verifier (provider ${name}): ${(error as Error).message.replace(/^authgate: /, '')}`);
  }
  const overrides = Object.fromEntries(Object.entries(given).filter(([key]) => (VERIFIER_OVERRIDES as readonly string[]).includes(key)));
  return { ...options, ...overrides } as VerifierOptions;
}
