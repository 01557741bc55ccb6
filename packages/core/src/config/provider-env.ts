import { AuthConfigError } from '../errors.js';
import { presetOptions, PROVIDER_ARGUMENTS, providerNamed, providers, type ProviderName } from '../providers/index.js';
import type { ProviderOptions } from '../providers/common.js';
import { suggestKey } from './known-keys.js';
import { fail } from './validate.js';

/**
 * `AUTHGATE_PROVIDER=keycloak` and the preset's arguments, each in a variable named after the preset and the
 * argument: `AUTHGATE_KEYCLOAK_ISSUER`, `AUTHGATE_KEYCLOAK_CLIENT_ID`, `AUTHGATE_GITHUB_ACTIONS_AUDIENCE`. The names
 * come from the presets' declared argument records (`PROVIDER_ARGUMENTS`), never from a list kept here, so a new
 * argument is a new variable without anyone touching this file; so do the kinds (list, boolean, number, JSON).
 */
export const PROVIDER_VARIABLE = 'AUTHGATE_PROVIDER';

type Kind = 'string' | 'list' | 'boolean' | 'number' | 'json';

/** One argument of a preset as the environment gives it. */
export interface ProviderVariable {
  readonly argument: string;
  readonly variable: string;
  /** How the value is written: as it is, comma-separated, `true`/`false`, a number, or JSON. */
  readonly kind: Kind;
  readonly required: boolean;
}

/** `userPoolId` → `USER_POOL_ID`, `githubActions` → `GITHUB_ACTIONS`, `auth0` → `AUTH0`. */
function screamingSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The variables a preset reads: `AUTHGATE_<PRESET>_<ARGUMENT>`, derived from its argument record. */
export function providerVariables(provider: ProviderName): readonly ProviderVariable[] {
  const prefix = `AUTHGATE_${screamingSnake(provider)}_`;
  return Object.entries(PROVIDER_ARGUMENTS[provider] as Readonly<Record<string, string>>).map(([argument, declared]) => ({
    argument,
    variable: prefix + screamingSnake(argument),
    kind: declared.replace('?', '') as Kind,
    required: !declared.endsWith('?'),
  }));
}

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A variable's text as the preset's argument. Only booleans and numbers are quoted back: other values may be secrets. */
function parse(text: string, { variable, kind }: ProviderVariable): unknown {
  switch (kind) {
    case 'string':
      return text;
    case 'list': {
      // A lone `*` stays a string: Entra's `allowedTenants: '*'` (any tenant, on purpose).
      if (text === '*') return text;
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (items.length === 0) fail(`${variable} must list at least one value (comma-separated)`);
      return items;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') fail(`${variable} must be true or false (got ${JSON.stringify(text)})`);
      return text === 'true';
    case 'number':
      if (!/^-?\d+(\.\d+)?$/.test(text)) fail(`${variable} must be a number (got ${JSON.stringify(text)})`);
      return Number(text);
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        fail(`${variable} must be JSON (it is not valid JSON)`);
      }
  }
}

/** A variable under the preset's prefix that names no argument is a typo: refused, with the closest name. */
function rejectUnknownVariables(provider: ProviderName, variables: readonly ProviderVariable[], env: NodeJS.ProcessEnv): void {
  const prefix = `AUTHGATE_${screamingSnake(provider)}_`;
  const known = variables.map((entry) => entry.variable);
  for (const name of Object.keys(env)) {
    if (!name.startsWith(prefix) || known.includes(name) || read(env, name) === undefined) continue;
    const suggestion = suggestKey(name, known);
    fail(
      `${name} is not an argument of the ${provider} preset: ${suggestion === undefined ? `its variables are ${known.join(', ')}` : `did you mean ${suggestion}?`}`,
    );
  }
}

/** The preset `AUTHGATE_PROVIDER` names (`github-actions`, `githubActions`, `GITHUB_ACTIONS` are one), or a clear refusal. */
function providerFromEnv(text: string): ProviderName {
  const name = providerNamed(text);
  if (name !== undefined) return name;
  const suggestion = suggestKey(text, Object.keys(providers));
  return fail(
    `${PROVIDER_VARIABLE} ${JSON.stringify(text)} is not a provider preset${suggestion === undefined ? '' : `: did you mean ${suggestion}?`} (known: ${Object.keys(providers).join(', ')})`,
  );
}

/**
 * The preset `AUTHGATE_PROVIDER` names, called with its arguments from the environment; `undefined` when the
 * variable is not set. Every failure names the variable to set or fix.
 */
export function providerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderOptions | undefined {
  const text = read(env, PROVIDER_VARIABLE);
  if (text === undefined) return undefined;
  const provider = providerFromEnv(text);
  const variables = providerVariables(provider);
  rejectUnknownVariables(provider, variables, env);
  const missing = variables.filter((entry) => entry.required && read(env, entry.variable) === undefined).map((entry) => entry.variable);
  if (missing.length > 0) fail(`${PROVIDER_VARIABLE}=${provider} needs ${missing.join(' and ')} (the preset's required arguments)`);
  const args: Record<string, unknown> = {};
  for (const entry of variables) {
    const value = read(env, entry.variable);
    if (value !== undefined) args[entry.argument] = parse(value, entry);
  }
  try {
    return presetOptions(provider, args);
  } catch (error) {
    if (!(error instanceof AuthConfigError)) throw error;
    // The preset names its arguments; the reader of this message set variables: name those too.
    const mentioned = variables.filter((entry) => new RegExp(`\\b${entry.argument}\\b`).test(error.message)).map((entry) => entry.variable);
    const hint = mentioned.length === 0 ? '' : ` (from ${mentioned.join(', ')})`;
    return fail(`${PROVIDER_VARIABLE}=${provider}: ${error.message.replace(/^authgate: /, '')}${hint}`);
  }
}
