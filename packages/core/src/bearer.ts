import { AuthError, DEFAULT_REALM } from './errors.js';

// RFC 7230 token (auth-scheme) and RFC 7235 token68 (the credentials).
const CREDENTIALS = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: +(.*))?$/s;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
// HTTP optional whitespace is space and tab only (RFC 9110 §5.6.3); String.trim() would also eat newlines, NBSP, BOM.
const OWS = /^[ \t]+|[ \t]+$/g;
const trimOws = (value: string): string => value.replace(OWS, '');

/**
 * Reads the bearer token out of an `Authorization` header value (RFC 6750 §2.1, RFC 7235 §2.1).
 * - no header, or an empty one → 401 `credentials_missing` (no error code, RFC 6750 §3.1)
 * - another scheme (`Basic ...`) → 401 `unsupported_scheme` (no error code: the client simply has no bearer token)
 * - `Bearer` with nothing, several values or illegal characters → 400 `invalid_request`
 * The scheme is case-insensitive; the token is returned exactly as sent.
 */
export function extractBearer(headerValue: string | undefined | null, realm: string = DEFAULT_REALM): string {
  if (headerValue === undefined || headerValue === null || trimOws(headerValue) === '') {
    throw new AuthError('credentials_missing', { realm });
  }
  const match = CREDENTIALS.exec(trimOws(headerValue));
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
