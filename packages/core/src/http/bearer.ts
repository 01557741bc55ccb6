import { AuthError, DEFAULT_REALM } from '../errors.js';

// RFC 7230 token (auth-scheme) and RFC 7235 token68 (the credentials).
const CREDENTIALS = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: +(.*))?$/s;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** HTTP optional whitespace is space and tab only (RFC 9110 §5.6.3); String.trim() would also eat newlines, NBSP, BOM. */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start += 1;
  while (end > start && isOws(value.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

const isOws = (code: number): boolean => code === 0x20 || code === 0x09;

/**
 * Reads the bearer token out of an `Authorization` header value (RFC 6750 §2.1, RFC 7235 §2.1).
 * - no header, or an empty one → 401 `credentials_missing` (no error code, RFC 6750 §3.1)
 * - another scheme (`Basic ...`) → 401 `unsupported_scheme` (no error code: the client simply has no bearer token)
 * - `Bearer` with nothing, several values or illegal characters → 400 `invalid_request`
 * The scheme is case-insensitive; the token is returned exactly as sent.
 */
export function extractBearer(headerValue: string | undefined | null, realm: string = DEFAULT_REALM): string {
  if (headerValue === undefined || headerValue === null) throw new AuthError('credentials_missing', { realm });
  const value = trimOws(headerValue);
  if (value === '') throw new AuthError('credentials_missing', { realm });
  // The common case, `Bearer <token>` with one space: one character-class scan, no capture groups.
  if (value.length > 7 && value.charCodeAt(6) === 0x20 && value.slice(0, 6).toLowerCase() === 'bearer') {
    const token = value.slice(7);
    if (TOKEN68.test(token)) return token;
  }
  const match = CREDENTIALS.exec(value);
  if (match === null) throw new AuthError('malformed_request', { realm, detail: 'authorization header syntax' });
  const scheme = match[1] as string;
  if (scheme.toLowerCase() !== 'bearer') {
    throw new AuthError('unsupported_scheme', { realm, detail: 'non-bearer scheme' });
  }
  const credentials = trimOws(match[2] ?? '');
  if (!TOKEN68.test(credentials)) {
    throw new AuthError('malformed_request', { realm, detail: 'bearer credentials are not one token68 value' });
  }
  return credentials;
}
