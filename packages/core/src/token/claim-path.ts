import { fail } from '../config/validate.js';

/**
 * Where a claim is: a string names one top-level claim taken whole (dots included — `https://example.com/roles` is
 * one claim, as Auth0 namespaces them); an array of strings is a path into nested objects
 * (`['realm_access', 'roles']`, as Keycloak nests them).
 */
export type ClaimPath = string | readonly string[];

/** A validated claim path: always the array form, frozen. */
export type NormalizedClaimPath = readonly string[];

/** Validates a claim path once, at construction; `field` names the option in the message. */
export function normalizeClaimPath(value: unknown, field: string): NormalizedClaimPath {
  if (typeof value === 'string') {
    if (value === '') fail(`${field} must not be empty: name a claim, or give a path like ['realm_access', 'roles']`);
    return Object.freeze([value]);
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((part) => typeof part !== 'string' || part === '')) {
    fail(`${field} must be a claim name or a non-empty array of claim names (a nested path), e.g. 'roles' or ['realm_access', 'roles']`);
  }
  return Object.freeze([...(value as string[])]);
}

/**
 * The value at `path` in a verified payload, or `undefined`. Only own properties of plain objects are followed, so
 * `__proto__`, `constructor` and array indexes never lead anywhere a token did not put a value.
 */
export function readClaim(payload: Readonly<Record<string, unknown>>, path: NormalizedClaimPath): unknown {
  let value: unknown = payload;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A path for messages: `realm_access.roles`; a dotted single claim is quoted so the two never look alike. */
export function describeClaimPath(path: NormalizedClaimPath): string {
  if (path.length === 1) return (path[0] as string).includes('.') ? JSON.stringify(path[0]) : (path[0] as string);
  return path.map((part) => (part.includes('.') ? JSON.stringify(part) : part)).join('.');
}
