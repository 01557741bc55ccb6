import { AuthError } from '../errors.js';
import { fail } from '../config/validate.js';

/**
 * SPIFFE IDs (SPIFFE-ID §2): `spiffe://<trust domain>/<path>`. The trust domain is lowercase letters, digits, `.`,
 * `-` and `_` (no port, no user info); the path is segments of letters, digits, `.`, `-` and `_`, none empty, `.` or
 * `..`. A workload's ID always has a path (the bare trust domain names the domain, not a workload). Matched by exact
 * string after these checks: `spiffe://example.org.evil.com/x` is not in trust domain `example.org`.
 */
const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const MAX_ID_LENGTH = 2048;
const PREFIX = 'spiffe://';

/** The trust domain of a workload SPIFFE ID, or `undefined` when `value` is not one. */
export function spiffeTrustDomain(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH || !value.startsWith(PREFIX)) return undefined;
  const rest = value.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash === -1) return undefined;
  const domain = rest.slice(0, slash);
  if (!TRUST_DOMAIN.test(domain)) return undefined;
  for (const segment of rest.slice(slash + 1).split('/')) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') return undefined;
  }
  return domain;
}

/** Validates the `trustDomain` option once: a bare trust domain name, as SPIFFE spells it. */
export function normalizeTrustDomain(value: unknown, field = 'trustDomain'): string {
  if (typeof value !== 'string' || !TRUST_DOMAIN.test(value)) {
    const hint =
      typeof value === 'string' && value.startsWith(PREFIX)
        ? ` (give the name alone: ${JSON.stringify(value.slice(PREFIX.length).replace(/\/.*$/, ''))})`
        : '';
    fail(`${field} must be a SPIFFE trust domain name: lowercase letters, digits, '.', '-' and '_'${hint}`);
  }
  return value;
}

/** Validates SPIFFE IDs named in configuration (e.g. `requireWorkload(...)`). */
export function normalizeSpiffeIds(values: readonly unknown[], field: string): readonly string[] {
  for (const value of values) {
    if (spiffeTrustDomain(value) === undefined)
      fail(`${field}: ${JSON.stringify(value)} is not a workload SPIFFE ID (spiffe://<trust domain>/<path>)`);
  }
  return Object.freeze([...(values as string[])]);
}

/** A verified token's workload: its `sub`, which must be a SPIFFE ID in `trustDomain` (else 401 invalid_token). */
export function workloadOf(claims: Readonly<Record<string, unknown>>, trustDomain: string, realm: string): string {
  const sub = claims.sub;
  if (sub === undefined) throw new AuthError('claim_missing', { realm, detail: 'sub' });
  const domain = spiffeTrustDomain(sub);
  if (domain === undefined) throw new AuthError('claim_invalid', { realm, detail: 'sub is not a workload SPIFFE ID' });
  if (domain !== trustDomain) throw new AuthError('claim_invalid', { realm, detail: 'sub is in another trust domain' });
  return sub as string;
}
