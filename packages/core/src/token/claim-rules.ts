import { fail } from '../config/validate.js';
import { AuthError } from '../errors.js';
import { describeClaimPath, normalizeClaimPath, readClaim, type ClaimPath, type NormalizedClaimPath } from './claim-path.js';

/** A value a claim can be compared with: equal, or (for an array claim) contained. */
export type ClaimScalar = string | number | boolean;

/** A check of a present claim; it must return `true` (exactly) to accept. Never called for a missing claim. */
export type ClaimCheck = (value: unknown, payload: Readonly<Record<string, unknown>>) => boolean;

/**
 * What a claim must be: a scalar (equal, or contained when the claim is an array), an array of scalars (the claim
 * equals one of them, or, when the claim is an array, shares one), or a function of the claim's value.
 */
export type ClaimExpectation = ClaimScalar | readonly ClaimScalar[] | ClaimCheck;

/** `claims`: by top-level name, or as `[path, expected]` entries for nested claims (`[[['ext', 'tier'], 'gold']]`). */
export type ClaimExpectations = Readonly<Record<string, ClaimExpectation>> | ReadonlyArray<readonly [ClaimPath, ClaimExpectation]>;

/** One compiled expectation: where the claim is, how it is named in messages, and the test of a present value. */
export interface ClaimRule {
  readonly path: NormalizedClaimPath;
  /** The claim as configuration names it, safe for an `error_description`. */
  readonly name: string;
  readonly accepts: (value: unknown, payload: Readonly<Record<string, unknown>>) => boolean;
}

function isScalar(value: unknown): value is ClaimScalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Validates one expectation at construction and returns its test. Strict equality: `1` never equals `"1"`. */
export function compileExpectation(expected: unknown, field: string): ClaimRule['accepts'] {
  if (typeof expected === 'function') {
    const check = expected as ClaimCheck;
    return (value, payload) => check(value, payload) === true;
  }
  if (isScalar(expected)) return (value) => value === expected || (Array.isArray(value) && value.includes(expected));
  if (Array.isArray(expected) && expected.length > 0 && expected.every(isScalar)) {
    const accepted = new Set<unknown>(expected);
    return (value) => (Array.isArray(value) ? value.some((item) => accepted.has(item)) : accepted.has(value));
  }
  return fail(`${field} must be a string, a finite number, a boolean, a non-empty array of those, or a function (value, payload) => boolean`);
}

/** One rule from a path and an expectation, validated. */
export function compileClaimRule(path: unknown, expected: unknown, field: string): ClaimRule {
  const normalized = normalizeClaimPath(path, field);
  // Quotes (a dotted claim is quoted) are outside the error_description alphabet.
  const name = describeClaimPath(normalized).replace(/"/g, "'");
  return Object.freeze({ path: normalized, name, accepts: compileExpectation(expected, `${field} (${name})`) });
}

/** `claims`, validated once: `undefined` when there is nothing to check, so the request path skips the step. */
export function normalizeClaimRules(value: unknown, field = 'claims'): readonly ClaimRule[] | undefined {
  if (value === undefined) return undefined;
  let rules: ClaimRule[];
  if (Array.isArray(value)) {
    rules = value.map((entry: unknown, index) => {
      if (!Array.isArray(entry) || entry.length !== 2) fail(`${field}[${index}] must be a [path, expected] pair, e.g. [['ext', 'tier'], 'gold']`);
      return compileClaimRule(entry[0], entry[1], `${field}[${index}]`);
    });
  } else if (value !== null && typeof value === 'object') {
    rules = Object.entries(value).map(([name, expected]) => compileClaimRule(name, expected, `${field}.${name}`));
  } else {
    return fail(`${field} must be an object { claim: expected } or an array of [path, expected] pairs`);
  }
  return rules.length === 0 ? undefined : Object.freeze(rules);
}

/** Whether the rule holds for a payload: a missing claim fails without its check being called. */
export function claimRuleHolds(rule: ClaimRule, payload: Readonly<Record<string, unknown>>): boolean {
  const value = readClaim(payload, rule.path);
  return value !== undefined && rule.accepts(value, payload);
}

/** Every configured rule, in order; the first that fails refuses the token, naming the claim (never a value). */
export function checkClaimRules(rules: readonly ClaimRule[], payload: Readonly<Record<string, unknown>>, realm: string): void {
  for (const rule of rules) {
    if (!claimRuleHolds(rule, payload)) {
      throw new AuthError('claim_mismatch', {
        realm,
        description: `The access token claim ${rule.name} is missing or not accepted`,
        detail: `claim ${rule.name} missing or not accepted`,
      });
    }
  }
}
