import { AuthConfigError } from '../errors.js';

// Which URLs authgate fetches from: https, or http only on loopback (or with allowInsecureHttp); never with credentials.

/** Why this URL may not be fetched, or undefined when it may. */
export function urlPolicyViolation(url: URL, allowInsecureHttp: boolean): string | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `uses scheme ${url.protocol}, which is not supported; use https:`;
  // Credentials in a key URL would end up in logs and errors; a public key set never needs them.
  if (url.username !== '' || url.password !== '') return 'contains credentials; a public key URL never needs them';
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    return 'uses http: on a non-loopback host; use https: (http: is allowed only for 127.0.0.0/8, ::1 and localhost, or with allowInsecureHttp for testing)';
  }
  return undefined;
}

/** True for hosts that never leave this machine: 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  // WHATWG URL turns [::ffff:127.0.0.1] into [::ffff:7f00:1].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

/**
 * Checks a configured key or discovery URL at construction. Throws `AuthConfigError` naming the option and the fix.
 * Returns the parsed URL.
 */
export function assertFetchableUrl(url: string, allowInsecureHttp: boolean, option = 'jwksUri'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AuthConfigError(`${option} ${JSON.stringify(url)} is not an absolute URL; give the full https:// URL`);
  }
  const violation = urlPolicyViolation(parsed, allowInsecureHttp);
  // Quote the value as configured (easier to find), unless it holds credentials.
  const shown = parsed.username === '' && parsed.password === '' ? url : redactUrl(parsed);
  if (violation !== undefined) throw new AuthConfigError(`${option} ${JSON.stringify(shown)} ${violation}`);
  return parsed;
}

/** The URL without user-info, safe for messages. */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    return '(invalid URL)';
  }
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}
