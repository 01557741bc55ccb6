import { fail } from '../config/validate.js';
import { normalizeClaimPath, readClaim, type ClaimPath, type NormalizedClaimPath } from './claim-path.js';

const NONE: readonly string[] = Object.freeze([]);

/** The value of one claim path: a string is a top-level claim (own properties only), an array a nested path. */
export function readClaimAt(payload: Readonly<Record<string, unknown>>, path: ClaimPath): unknown {
  if (typeof path !== 'string') return readClaim(payload, path);
  return Object.prototype.hasOwnProperty.call(payload, path) ? payload[path] : undefined;
}

/**
 * The strings found at `paths`, in order, deduplicated: a string value is space-delimited (`scope`, a Cognito-style
 * role list), an array is taken element by element (`scp`, `roles`, `groups`). Values of any other type, and
 * non-string elements, are ignored. The shared frozen empty list when nothing is found (no allocation).
 */
export function readStringList(payload: Readonly<Record<string, unknown>>, paths: readonly ClaimPath[]): readonly string[] {
  let found: Set<string> | undefined;
  for (const path of paths) {
    const value = readClaimAt(payload, path);
    if (typeof value === 'string') {
      for (const item of value.split(' ')) if (item !== '') (found ??= new Set()).add(item);
    } else if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'string' && item !== '') (found ??= new Set()).add(item);
    }
  }
  return found === undefined ? NONE : Object.freeze([...found]);
}

/**
 * A list of claim paths (`scopeClaims`, `rolesClaims`), validated once: each element a claim name or a nested path.
 * A single claim name alone is accepted too (`rolesClaims: 'groups'`).
 */
export function normalizeClaimPaths(value: unknown, field: string, fallback: readonly NormalizedClaimPath[]): readonly NormalizedClaimPath[] {
  if (value === undefined) return fallback;
  if (typeof value === 'string') return Object.freeze([normalizeClaimPath(value, field)]);
  if (!Array.isArray(value) || value.length === 0) {
    fail(`${field} must be a non-empty list of claim names or paths, e.g. ['roles', ['realm_access', 'roles']]`);
  }
  return Object.freeze(value.map((path, index) => normalizeClaimPath(path, `${field}[${index}]`)));
}

/** `client_id` (RFC 9068), else `azp` (OIDC, Keycloak, Entra v2), else `appid` (Entra v1), else `cid` (Okta). */
export function readClientId(payload: Readonly<Record<string, unknown>>): string | undefined {
  for (const claim of CLIENT_ID_CLAIMS) {
    const value = payload[claim];
    if (typeof value === 'string' && value !== '' && Object.prototype.hasOwnProperty.call(payload, claim)) return value;
  }
  return undefined;
}

const CLIENT_ID_CLAIMS = ['client_id', 'azp', 'appid', 'cid'] as const;
