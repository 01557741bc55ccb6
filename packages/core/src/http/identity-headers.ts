import type { Identity } from '../identity.js';
import { readClaim, type NormalizedClaimPath } from '../token/claim-path.js';

/**
 * Identity headers: which values they carry, how values are made safe for a header, and how every spelling of a
 * configured header name is recognised (so a client can never send its own `x-user-id` to a service).
 */

/** Reads one value for a header from a verified identity; `undefined` means "send no such header". */
export type IdentityValue = (identity: Identity<object>) => string | undefined;

/** Longest header value sent, in characters after encoding; a longer value is left out (logged), never cut short. */
export const MAX_IDENTITY_HEADER_LENGTH = 4096;

// Printable ASCII except `%` (which starts an escape): everything else is percent-encoded as UTF-8.
const SAFE_CHAR = /[^\x20-\x24\x26-\x7E]/gu;

/**
 * Makes a value safe for an HTTP header: control characters (CR, LF, NUL...), `%` and non-ASCII are percent-encoded
 * as UTF-8 (`decodeURIComponent` reverses it), and `separator` is encoded inside list items so lists split cleanly.
 */
export function encodeHeaderValue(value: string, separator?: string): string {
  let encoded = value.replace(SAFE_CHAR, (char) => encodeURIComponent(char));
  if (separator !== undefined) encoded = encoded.split(separator).join(encodeURIComponent(separator));
  return encoded;
}

/** How servers that fold `_` into `-` (CGI, PHP, Django...) and case-insensitive lookups see a header name. */
export function canonicalHeaderName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/** A claim value as header text: strings and numbers and booleans as they are, lists comma-separated; objects never. */
export function claimHeaderValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : encodeHeaderValue(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.filter((item): item is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof item));
    return items.length === 0 ? undefined : items.map((item) => encodeHeaderValue(String(item), ',')).join(',');
  }
  return undefined;
}

const list = (items: readonly string[], separator: string): string | undefined =>
  items.length === 0 ? undefined : items.map((item) => encodeHeaderValue(item, separator)).join(separator);

/** The headers sent by default (`forwardIdentity: true`), the ones the design names plus client, issuer and expiry. */
export const DEFAULT_IDENTITY_HEADERS: Readonly<Record<string, IdentityValue>> = Object.freeze({
  'x-user-id': (identity) => (identity.subject === undefined || identity.subject === '' ? undefined : encodeHeaderValue(identity.subject)),
  'x-user-role': (identity) => list(identity.roles, ','),
  'x-scope': (identity) => list(identity.scopes, ' '),
  'x-client-id': (identity) => (identity.clientId === undefined ? undefined : encodeHeaderValue(identity.clientId)),
  'x-token-issuer': (identity) => encodeHeaderValue(identity.issuer),
  // From the claim, not `expiresAt` (a Date made per read).
  'x-token-expires': (identity) => String(identity.claims.exp),
});

/** A claim path as the value source of a header the application added. */
export function claimValue(path: NormalizedClaimPath): IdentityValue {
  return (identity) => claimHeaderValue(readClaim(identity.claims as Record<string, unknown>, path));
}

/** The headers of a request as Node gives them (names lower-cased), plus the raw list where Node keeps every spelling. */
export interface MutableHeaders {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
}

/**
 * Removes every header whose canonical name is in `names` (`X-User-Id`, `x_user_id`, `X_USER-ID`...), from the
 * parsed headers and from Node's raw list (which some proxies replay). Returns how many names were removed.
 */
export function stripHeaders(request: MutableHeaders, names: ReadonlySet<string>): number {
  let removed = 0;
  for (const name of Object.keys(request.headers)) {
    if (names.has(canonicalHeaderName(name))) {
      delete request.headers[name];
      removed += 1;
    }
  }
  const raw = request.rawHeaders;
  if (removed > 0 && Array.isArray(raw)) {
    for (let i = raw.length - 2; i >= 0; i -= 2) {
      if (names.has(canonicalHeaderName(raw[i] as string))) raw.splice(i, 2);
    }
  }
  return removed;
}
