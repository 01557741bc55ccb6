import { isSigningAlgorithm, SIGNING_ALGORITHMS } from './keys.js';
import type { SigningAlgorithm, TestIssuerOptions } from './types.js';

/** Options after validation. Checked once, up front, with messages that say what to fix. */
export interface NormalizedIssuerOptions {
  algorithms: readonly SigningAlgorithm[];
  /** As given to `listen()`: IPv6 without brackets. */
  host: string;
  port: number;
  issuerPath: string;
  defaultAudience: string | readonly string[] | undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
// Unreserved characters, sub-delims safe in a path, percent-escapes and slashes: nothing that needs encoding in `iss`.
const ISSUER_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

function fail(message: string): never {
  throw new Error(`@authgate/testing: ${message}`);
}

function normalizeAlgorithms(value: TestIssuerOptions['algorithms']): readonly SigningAlgorithm[] {
  if (value === undefined) return ['RS256'];
  if (!Array.isArray(value) || value.length === 0) fail(`algorithms must list at least one of ${SIGNING_ALGORITHMS.join(', ')}`);
  for (const alg of value) {
    if (!isSigningAlgorithm(alg)) fail(`unsupported algorithm ${JSON.stringify(alg)}; supported: ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  if (new Set(value).size !== value.length) fail('algorithms lists an algorithm twice (one current key is kept per algorithm)');
  return Object.freeze([...value]);
}

function normalizeHost(value: TestIssuerOptions['host'], allowNonLoopback: boolean): string {
  if (value === undefined) return '127.0.0.1';
  if (typeof value !== 'string' || value === '') fail('host must be a non-empty string');
  const host = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (!allowNonLoopback && !LOOPBACK_HOSTS.has(host.toLowerCase())) {
    // This server signs whatever anyone asks it to: reachable from the network, it is a token vending machine.
    fail(
      `refusing to listen on ${JSON.stringify(value)}: the test issuer mints tokens for anyone, so it only binds to ` +
        '127.0.0.1, ::1 or localhost. Pass allowNonLoopback: true if you really need another interface (e.g. in a container).',
    );
  }
  return host;
}

function normalizeAudience(value: TestIssuerOptions['defaultAudience']): string | readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((item) => typeof item !== 'string' || item === '')) {
    fail('defaultAudience must be a non-empty string or a non-empty array of them');
  }
  return typeof value === 'string' ? value : Object.freeze([...list]);
}

export function normalizeIssuerOptions(options: TestIssuerOptions = {}): NormalizedIssuerOptions {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`port must be an integer from 0 to 65535 (got ${String(port)})`);
  const issuerPath = options.issuerPath ?? '';
  if (typeof issuerPath !== 'string' || (issuerPath !== '' && !ISSUER_PATH.test(issuerPath))) {
    fail(`issuerPath must start with "/" and hold only URL path characters (no query or fragment); got ${JSON.stringify(issuerPath)}`);
  }
  return {
    algorithms: normalizeAlgorithms(options.algorithms),
    host: normalizeHost(options.host, options.allowNonLoopback === true),
    port,
    issuerPath,
    defaultAudience: normalizeAudience(options.defaultAudience),
  };
}

/** The host as it appears in a URL: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
