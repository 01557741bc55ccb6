import { fail } from '../config/validate.js';
import { keysOf, rejectUnknownKeys, type ArgumentKeys } from '../config/known-keys.js';
import { AuthConfigError } from '../errors.js';
import type { TokenLocations } from '../http/request.js';
import { assertFetchableUrl } from '../net/url-policy.js';
import type { VerifierOptions } from '../options.js';

/**
 * What a preset returns: plain verifier options (plus, for AWS ALB, where the token is), to spread into `jwtAuth`
 * or `createVerifier`. Your own fields spread after it win.
 */
export type ProviderOptions = VerifierOptions & { tokenLocations?: TokenLocations };

/** Accepted by every preset: allow `http:` URLs outside loopback (tests against a local issuer only). */
export interface InsecureHttpArgument {
  allowInsecureHttp?: boolean;
}

/**
 * The arguments object itself, or a config error naming the preset and what it needs. `keys` is the preset's
 * declared argument record: an unknown argument (`isuer`) is refused with a suggestion (`did you mean issuer?`).
 */
export function argumentsOf<T extends object>(provider: string, args: T | undefined, needs: string, keys: ArgumentKeys<T>): T {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) fail(`providers.${provider} needs its arguments: ${needs}`);
  rejectUnknownKeys(args, keysOf(keys), '', `providers.${provider}`);
  if ((args as InsecureHttpArgument).allowInsecureHttp !== undefined && typeof (args as InsecureHttpArgument).allowInsecureHttp !== 'boolean') {
    fail(`providers.${provider}: allowInsecureHttp must be true or false`);
  }
  return args;
}

export function requiredString(provider: string, name: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`providers.${provider}: ${name} is required, e.g. ${example}`);
  if (value.trim() !== value) fail(`providers.${provider}: ${name} has leading or trailing spaces`);
  return value;
}

/** One non-empty string or a non-empty list of them, as an array. */
export function stringList(provider: string, name: string, value: unknown, example: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((item) => typeof item !== 'string' || item === '')) {
    fail(`providers.${provider}: ${name} must be a non-empty string or a non-empty array of them, e.g. ${example}`);
  }
  return [...list] as string[];
}

/** An issuer or key URL under core's URL policy (https; http only on loopback or with allowInsecureHttp). */
export function urlArgument(provider: string, name: string, value: unknown, args: InsecureHttpArgument, example: string): URL {
  const text = requiredString(provider, name, value, example);
  try {
    return assertFetchableUrl(text, args.allowInsecureHttp === true, `providers.${provider}: ${name}`);
  } catch (error) {
    if (error instanceof AuthConfigError) fail(error.message);
    throw error;
  }
}

/** `allowInsecureHttp` passes through only when asked for, so the preset stays minimal data. */
export function insecureHttp(args: InsecureHttpArgument): { allowInsecureHttp?: true } {
  return args.allowInsecureHttp === true ? { allowInsecureHttp: true } : {};
}

// A DNS name: labels of letters, digits and hyphens (Auth0 tenants, custom domains).
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function hostname(provider: string, name: string, value: unknown, example: string): string {
  const text = requiredString(provider, name, value, example);
  if (!HOSTNAME.test(text))
    fail(`providers.${provider}: ${name} must be a bare host name like ${example} (no scheme, port or path); got ${JSON.stringify(text)}`);
  return text.toLowerCase();
}

// AWS region names: us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-north-1 ...
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function awsRegion(provider: string, value: unknown): string {
  const region = requiredString(provider, 'region', value, "'eu-west-1'");
  if (!AWS_REGION.test(region)) fail(`providers.${provider}: region must be an AWS region name like 'eu-west-1'; got ${JSON.stringify(region)}`);
  return region;
}

/** A predicate for `claims`: a non-empty string (Firebase requires a non-empty `sub`). */
export function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
