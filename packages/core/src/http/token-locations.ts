// Where a request's token is read from (RFC 6750 §2: header, form body, query; and a cookie or named header on
// request), and the one-credential rule: a token in two places, or two Authorization headers, is refused.
import { AuthConfigError, AuthError } from '../errors.js';
import { extractBearer } from './bearer.js';
import { checkTokenLocationNames } from '../config/option-keys.js';
import type { RequestLike } from './request.js';

/**
 * Where a token may come from. Only the `Authorization` header by default (RFC 6750 §2.1): query strings end up in
 * access logs and browser history, and cookies bring CSRF with them, so each is an explicit opt-in.
 */
export interface TokenLocations {
  /**
   * Read `Authorization: Bearer ...` (true, the default), or instead the named header carrying the bare token, e.g.
   * `'x-amzn-oidc-data'` (what an AWS load balancer sets) or `'x-authgate-identity'`. Only trust a named header a
   * proxy in front of you sets and strips from clients' requests.
   */
  header?: boolean | string;
  /** Read this cookie (e.g. `'access_token'`). Off by default. */
  cookie?: string;
  /** Read this query parameter (`true` means `access_token`, RFC 6750 §2.3). Off by default. */
  query?: boolean | string;
  /** Read this form-body field (`true` means `access_token`, RFC 6750 §2.2). Off by default; needs a parsed body. */
  body?: boolean | string;
}

export interface ResolvedLocations {
  header: boolean;
  /** Lower-cased name of a header carrying the bare token (instead of Authorization). */
  namedHeader: string | undefined;
  cookie: string | undefined;
  query: string | undefined;
  body: string | undefined;
}

export function resolveLocations(locations: TokenLocations = {}): ResolvedLocations {
  checkTokenLocationNames(locations);
  const pick = (value: boolean | string | undefined): string | undefined =>
    value === true ? 'access_token' : typeof value === 'string' && value !== '' ? value : undefined;
  const named = locations.header;
  if (typeof named === 'string' && (!HEADER_NAME.test(named) || named.toLowerCase() === 'authorization')) {
    throw new AuthConfigError(
      `tokenLocations.header must be true, false or the name of a header carrying the bare token (not Authorization); got ${JSON.stringify(named)}`,
    );
  }
  const resolved = {
    header: named === undefined || named === true,
    namedHeader: typeof named === 'string' ? named.toLowerCase() : undefined,
    cookie: typeof locations.cookie === 'string' && locations.cookie !== '' ? locations.cookie : undefined,
    query: pick(locations.query),
    body: pick(locations.body),
  };
  if (!resolved.header && !resolved.namedHeader && !resolved.cookie && !resolved.query && !resolved.body) {
    throw new AuthConfigError('tokenLocations turns off every place a token can come from');
  }
  return resolved;
}

// RFC 9110 token: what a header name may be.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/** How many `name` (lowercase) headers the request carries: Node keeps duplicates only in `rawHeaders`. */
export function countHeaders(request: RequestLike, name: string): number {
  const rawHeaders = request.rawHeaders ?? request.raw?.rawHeaders;
  if (rawHeaders === undefined) return 1;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const header = rawHeaders[i];
    if (header !== undefined && header.length === name.length && header.toLowerCase() === name) count += 1;
  }
  return count;
}

function countHeader(rawHeaders: readonly string[] | undefined, lowerName: string): number {
  if (rawHeaders === undefined) return 1;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === lowerName) count += 1;
  return count;
}

function readCookie(cookieHeader: string | string[] | undefined, name: string, realm: string): string | undefined {
  const header = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  if (header === undefined) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) throw new AuthError('multiple_credentials', { realm, detail: 'cookie sent twice' });
    found = part.slice(eq + 1).trim();
  }
  return found;
}

function readField(container: unknown, name: string, realm: string): string | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  if (!Object.prototype.hasOwnProperty.call(container, name)) return undefined;
  const value = (container as Record<string, unknown>)[name];
  if (typeof value !== 'string') throw new AuthError('malformed_request', { realm, detail: `${name} is not a single string` });
  return value;
}

/**
 * Finds the one token a request carries. RFC 6750 §2: a client must not use more than one method, so a token in
 * two places (or two `Authorization` headers) is a 400 rather than a guess about which one counts.
 * Returns `undefined` when the request carries no credentials at all.
 */
export function readRequestToken(request: RequestLike, locations: ResolvedLocations, realm: string): string | undefined {
  const found: string[] = [];
  if (locations.header) {
    const header = request.headers.authorization;
    if (Array.isArray(header) || countHeaders(request, 'authorization') > 1) {
      throw new AuthError('multiple_credentials', { realm, detail: 'more than one Authorization header' });
    }
    if (header !== undefined && header.trim() !== '') found.push(extractBearer(header, realm));
  }
  if (locations.namedHeader !== undefined) {
    const value = request.headers[locations.namedHeader];
    if (Array.isArray(value) || countHeader(request.rawHeaders, locations.namedHeader) > 1) {
      throw new AuthError('multiple_credentials', { realm, detail: `more than one ${locations.namedHeader} header` });
    }
    if (value !== undefined && value.trim() !== '') found.push(value.trim());
  }
  if (locations.cookie !== undefined) {
    const value = readCookie(request.headers.cookie, locations.cookie, realm);
    if (value !== undefined && value !== '') found.push(value);
  }
  if (locations.query !== undefined) {
    const value = readField(request.query, locations.query, realm);
    if (value !== undefined && value !== '') found.push(value);
  }
  if (locations.body !== undefined) {
    const value = readField(request.body, locations.body, realm);
    if (value !== undefined && value !== '') found.push(value);
  }
  if (found.length > 1) throw new AuthError('multiple_credentials', { realm, detail: 'token sent in more than one place' });
  return found[0];
}
