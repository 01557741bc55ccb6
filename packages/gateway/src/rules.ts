import { createRoleGuard, createScopeGuard, keysOf, type Guard, type Identity, type OptionKeys } from '@authgate/core';
import { configError, rejectUnknownSettings } from './errors.js';
import { matchesPath, parsePathPattern, type PathPattern } from './paths.js';

/** One access rule. Rules are ordered; the first that matches a request decides; none matching means `required`. */
export interface GatewayRule {
  /** HTTP methods this rule applies to (a `GET` rule also covers `HEAD`). Default: every method. */
  methods?: string[];
  /** An exact path (`/health`), or a prefix ending in `/*` (`/orders/*` matches `/orders` and everything under it). */
  path: string;
  /** `public`: no token needed (a token that is sent must still be valid). `required`: a valid token is needed. */
  auth: 'public' | 'required';
  /** Every one of these scopes is needed (403 otherwise). Only with `auth: 'required'`. */
  scopes?: string[];
  /** At least one of these scopes is needed. */
  anyScopes?: string[];
  /** Every one of these roles is needed (`identity.roles`, read from the verifier's `rolesClaims`). */
  roles?: string[];
}

export interface CompiledRule {
  readonly index: number;
  readonly methods: ReadonlySet<string> | undefined;
  readonly pattern: PathPattern;
  /** The same pattern lower-cased, for servers that route case-insensitively (Express's default). */
  readonly folded: PathPattern;
  readonly required: boolean;
  /** Throws the 403 `AuthError` when an identity does not meet the rule. */
  readonly check: (identity: Identity<object>) => void;
}

/** What a request must pass when no rule matches: a valid token, nothing more (fail closed). */
const DEFAULT_RULE: CompiledRule = {
  index: -1,
  methods: undefined,
  pattern: { path: '/', prefix: true },
  folded: { path: '/', prefix: true },
  required: true,
  check: () => {},
};

const METHOD = /^[A-Z]+$/;
const RULE_KEYS: OptionKeys<GatewayRule> = { methods: true, path: true, auth: true, scopes: true, anyScopes: true, roles: true };

function strings(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== 'string' || item === '')) {
    configError(`${field} must be a non-empty list of non-empty strings`);
  }
  return value as string[];
}

function guard(
  values: string[] | undefined,
  create: typeof createScopeGuard | typeof createRoleGuard,
  mode: 'all' | 'any',
  realm: string,
  field: string,
): Guard | undefined {
  if (values === undefined) return undefined;
  try {
    return create(values, mode, realm);
  } catch (error) {
    configError(`${field}: ${(error as Error).message.replace(/^authgate: /, '')}`);
  }
}

export function compileRules(rules: unknown, realm: string): CompiledRule[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) configError('rules must be a list of { methods?, path, auth, scopes?, anyScopes?, roles? }');
  return rules.map((rule: unknown, index) => {
    const at = `rules[${index}]`;
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) configError(`${at} must be an object { path, auth, ... }`);
    const given = rule as Record<string, unknown>;
    rejectUnknownSettings(given, keysOf(RULE_KEYS), at);
    const pattern = parsePathPattern(given.path);
    if (typeof pattern === 'string') configError(`${at}.path ${pattern}`);
    if (given.auth !== 'public' && given.auth !== 'required')
      configError(`${at}.auth must be "public" or "required" (got ${JSON.stringify(given.auth)})`);
    const methods = strings(given.methods, `${at}.methods`)?.map((method) => method.toUpperCase());
    if (methods?.some((method) => !METHOD.test(method))) configError(`${at}.methods must be HTTP method names such as "GET"`);
    const scopes = guard(strings(given.scopes, `${at}.scopes`), createScopeGuard, 'all', realm, `${at}.scopes`);
    const anyScopes = guard(strings(given.anyScopes, `${at}.anyScopes`), createScopeGuard, 'any', realm, `${at}.anyScopes`);
    const roles = guard(strings(given.roles, `${at}.roles`), createRoleGuard, 'all', realm, `${at}.roles`);
    const required = given.auth === 'required';
    if (!required && (scopes !== undefined || anyScopes !== undefined || roles !== undefined)) {
      configError(`${at}: scopes, anyScopes and roles need auth "required" (a public path has no caller to check)`);
    }
    // Scope and role guards answer synchronously; a rule holds no predicate that could return a promise.
    const guards = [scopes, anyScopes, roles].filter((check): check is Guard => check !== undefined);
    const check = (identity: Identity<object>): void => {
      for (const requirement of guards) void requirement(identity, undefined);
    };
    return {
      index,
      methods: methods === undefined ? undefined : new Set(methods),
      pattern,
      folded: { path: pattern.path.toLowerCase(), prefix: pattern.prefix },
      required,
      check,
    };
  });
}

function firstMatch(rules: readonly CompiledRule[], method: string, path: string, folded: boolean): CompiledRule {
  for (const rule of rules) {
    if (rule.methods !== undefined && !rule.methods.has(method)) continue;
    if (matchesPath(folded ? rule.folded : rule.pattern, path)) return rule;
  }
  return DEFAULT_RULE;
}

/**
 * The rules a request must pass. Services differ in what they route a request to: Express matches paths
 * case-insensitively and answers `HEAD` with its `GET` handler. So a request is looked up as it is, lower-cased,
 * and (for `HEAD`) as `GET`; it must pass every rule those lookups pick, so no spelling finds a weaker rule.
 */
export function rulesFor(rules: readonly CompiledRule[], method: string, path: string): CompiledRule[] {
  const methods = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
  const lower = path.toLowerCase();
  const picked = new Set<CompiledRule>();
  for (const m of methods) {
    picked.add(firstMatch(rules, m, path, false));
    picked.add(firstMatch(rules, m, lower, true));
  }
  return [...picked];
}
