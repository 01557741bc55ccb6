import { AuthConfigError } from '../errors.js';
import { fetchJson, KeySourceFetchError } from '../net/fetch-json.js';
import { assertFetchableUrl, redactUrl, urlPolicyViolation } from '../net/url-policy.js';

/**
 * Finds an issuer's `jwks_uri` (or another endpoint, e.g. `token_endpoint`) from its metadata: OpenID Connect Discovery 1.0 first, then RFC 8414 (OAuth 2.0
 * Authorization Server Metadata). The document must name the configured issuer exactly (OIDC Discovery §4.3,
 * RFC 8414 §3.3): otherwise anyone able to serve a document on that path could hand us another issuer's keys.
 */

export interface DiscoveryOptions {
  /** Deadline for the whole discovery, both candidate documents included. */
  timeoutSeconds: number;
  maxBytes: number;
  allowInsecureHttp: boolean;
  signal?: AbortSignal;
}

/**
 * The metadata URLs to try, in order. Validates the issuer (throws `AuthConfigError`), so call it at construction.
 * - OIDC Discovery §4: the issuer, without a trailing slash, + `/.well-known/openid-configuration`.
 * - RFC 8414 §3: `/.well-known/oauth-authorization-server` inserted between the host and the issuer's path.
 */
export function discoveryUrls(issuer: string, allowInsecureHttp: boolean): [openid: string, oauth: string] {
  const parsed = assertFetchableUrl(issuer, allowInsecureHttp, 'issuer');
  if (parsed.search !== '' || parsed.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw new AuthConfigError(`issuer ${JSON.stringify(issuer)} has a query or fragment; an issuer identifier has neither (RFC 8414 §2)`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  return [`${parsed.origin}${path}/.well-known/openid-configuration`, `${parsed.origin}/.well-known/oauth-authorization-server${path}`];
}

export function discoverJwksUri(issuer: string, options: DiscoveryOptions): Promise<string> {
  return discoverEndpoint(issuer, 'jwks_uri', options);
}

/** The URL the issuer's metadata gives for `field`, checked against the URL policy. */
export async function discoverEndpoint(issuer: string, field: 'jwks_uri' | 'token_endpoint', options: DiscoveryOptions): Promise<string> {
  const candidates = discoveryUrls(issuer, options.allowInsecureHttp);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const failures: string[] = [];
  for (const url of candidates) {
    let body: unknown;
    try {
      ({ body } = await fetchJson(url, {
        timeoutSeconds: Math.max(0, (deadline - Date.now()) / 1000),
        maxBytes: options.maxBytes,
        allowInsecureHttp: options.allowInsecureHttp,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }));
    } catch (error) {
      // Only "no such document here" moves on to the next candidate. A timeout or refused connection would hit the
      // same host again and double the wait; an over-sized body or a refused redirect is not a missing document.
      if (error instanceof KeySourceFetchError && (error.kind === 'http_status' || error.kind === 'not_json')) {
        failures.push(`${error.url}: ${error.message}`);
        continue;
      }
      throw error;
    }
    return endpointFrom(body, field, issuer, url, options.allowInsecureHttp);
  }
  throw new KeySourceFetchError('bad_document', candidates[0], `no discovery document found (${failures.join('; ')})`);
}

function endpointFrom(document: unknown, field: 'jwks_uri' | 'token_endpoint', issuer: string, url: string, allowInsecureHttp: boolean): string {
  const fail = (why: string): KeySourceFetchError => new KeySourceFetchError('bad_document', redactUrl(url), why);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw fail('discovery document is not a JSON object');
  const metadata = document as Record<string, unknown>;
  if (metadata.issuer !== issuer) {
    // The document's issuer is attacker-reachable text at worst; quoting it (JSON, clipped) keeps logs unambiguous.
    const named = typeof metadata.issuer === 'string' ? JSON.stringify(metadata.issuer.slice(0, 200)) : 'no string issuer';
    throw new KeySourceFetchError(
      'issuer_mismatch',
      redactUrl(url),
      `discovery document names issuer ${named}, not the configured ${JSON.stringify(issuer)}`,
    );
  }
  const value = metadata[field];
  if (typeof value !== 'string') throw fail(`discovery document has no ${field} string`);
  let endpoint: URL;
  try {
    endpoint = new URL(value);
  } catch {
    throw fail(`discovery document ${field} is not an absolute URL`);
  }
  const violation = urlPolicyViolation(endpoint, allowInsecureHttp);
  if (violation !== undefined) throw fail(`discovered ${field} ${JSON.stringify(redactUrl(endpoint))} refused: it ${violation}`);
  return endpoint.href;
}
