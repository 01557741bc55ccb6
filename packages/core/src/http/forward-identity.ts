import type { JSONWebKeySet } from 'jose';
import { fail } from '../config/validate.js';
import { describeType, keysOf, rejectUnknownKeys, type OptionKeys } from '../config/known-keys.js';
import type { Identity } from '../identity.js';
import type { AuthLogger } from '../options.js';
import { normalizeClaimPath, type ClaimPath } from '../token/claim-path.js';
import { createIdentitySigner, IDENTITY_ASSERTION_HEADER, type IdentitySigner, type IdentitySigningOptions } from './identity-assertion.js';
import {
  canonicalHeaderName,
  claimValue,
  DEFAULT_IDENTITY_HEADERS,
  MAX_IDENTITY_HEADER_LENGTH,
  stripHeaders,
  type IdentityValue,
  type MutableHeaders,
} from './identity-headers.js';

/**
 * `forwardIdentity`: after a successful verification, put the caller's identity in request headers for the service
 * behind a proxy (or answer a gateway's decision with them). `true` or `{}` sends the defaults:
 * `x-user-id` (subject), `x-user-role` (roles, comma-separated), `x-scope` (scopes, space-separated), `x-client-id`,
 * `x-token-issuer`, `x-token-expires` (epoch seconds).
 */
export interface ForwardIdentityOptions {
  /**
   * Renames, drops (`false`) or adds headers: `{ 'x-user-id': false, 'x-tenant': 'tid', 'x-team': ['org', 'team'] }`.
   * A value is a claim path (a string is one top-level claim, an array a nested path). Default: the defaults above.
   */
  headers?: Readonly<Record<string, ClaimPath | false>>;
  /** `'strip'` removes `Authorization` from the request once verified, so the token never reaches the service. Default: kept. */
  token?: 'strip';
  /** Also send a signed identity assertion (ES256 JWT) in `x-authgate-identity`. Off by default. */
  sign?: IdentitySigningOptions;
}

export const FORWARD_IDENTITY_OPTION_KEYS: OptionKeys<ForwardIdentityOptions> = { headers: true, token: true, sign: true };

export interface IdentityForwarder {
  /**
   * Removes every configured header (in every spelling: case, `_` for `-`) and `x-authgate-identity` from a client's
   * request. Call it on every request, before authenticating, whatever the outcome.
   */
  strip(request: MutableHeaders): void;
  /** The headers to send for a verified identity (the signed assertion included when configured). */
  headersFor(identity: Identity<object>): Record<string, string>;
  /** `strip` was called; now sets `headersFor(identity)` on the request (and drops `Authorization` under `token: 'strip'`). */
  apply(request: MutableHeaders, identity: Identity<object>): void;
  /** Public keys of the identity assertions, to serve at `/.well-known/jwks.json`; `undefined` without `sign`. */
  readonly jwks: JSONWebKeySet | undefined;
}

// RFC 9110 token characters: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Headers that must never be overwritten with identity values: they steer the proxy or the connection itself.
const RESERVED = new Set([
  'authorization',
  'host',
  'cookie',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'te',
  'upgrade',
  IDENTITY_ASSERTION_HEADER,
]);

function resolveHeaders(given: ForwardIdentityOptions['headers']): { send: Map<string, IdentityValue>; names: Set<string> } {
  const send = new Map<string, IdentityValue>(Object.entries(DEFAULT_IDENTITY_HEADERS));
  const names = new Set<string>(send.keys());
  if (given === undefined) return { send, names };
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    fail(`forwardIdentity.headers must be an object: { [headerName]: claimPath | false } (got ${describeType(given)})`);
  for (const [rawName, source] of Object.entries(given)) {
    if (!HEADER_NAME.test(rawName)) fail(`forwardIdentity.headers: ${JSON.stringify(rawName)} is not a valid header name`);
    const name = rawName.toLowerCase();
    if (RESERVED.has(canonicalHeaderName(name)))
      fail(`forwardIdentity.headers: ${name} cannot carry identity (it is used by HTTP or authgate itself)`);
    names.add(canonicalHeaderName(name));
    if (source === false) {
      send.delete(name);
    } else {
      send.set(name, claimValue(normalizeClaimPath(source, `forwardIdentity.headers.${name}`)));
    }
  }
  const canonical = new Map<string, string>();
  for (const name of send.keys()) {
    const other = canonical.get(canonicalHeaderName(name));
    if (other !== undefined) fail(`forwardIdentity.headers: ${other} and ${name} are the same header to servers that fold "_" into "-"`);
    canonical.set(canonicalHeaderName(name), name);
  }
  return { send, names };
}

/**
 * Validates `forwardIdentity` once and returns what the adapters and the gateway call per request.
 * `undefined`/`false` turn it off (returns `undefined`).
 */
export function createIdentityForwarder(options: boolean | ForwardIdentityOptions | undefined, logger?: AuthLogger): IdentityForwarder | undefined {
  if (options === undefined || options === false) return undefined;
  const config: ForwardIdentityOptions = options === true ? {} : options;
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    fail(`forwardIdentity must be true or { headers?, token?, sign? } (got ${describeType(config)})`);
  rejectUnknownKeys(config, keysOf(FORWARD_IDENTITY_OPTION_KEYS), 'forwardIdentity');
  if (config.token !== undefined && config.token !== 'strip')
    fail(`forwardIdentity.token must be 'strip' or left out (got ${JSON.stringify(config.token)})`);
  const { send, names } = resolveHeaders(config.headers);
  names.add(IDENTITY_ASSERTION_HEADER);
  const signer: IdentitySigner | undefined = config.sign === undefined ? undefined : createIdentitySigner(config.sign);
  const stripToken = config.token === 'strip';
  const sources = [...send.entries()];

  function headersFor(identity: Identity<object>): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, source] of sources) {
      const value = source(identity);
      if (value === undefined) continue;
      if (value.length > MAX_IDENTITY_HEADER_LENGTH) {
        // Left out rather than cut: a truncated user id or role list could name someone or something else.
        logger?.warn({ header: name, length: value.length }, 'authgate: identity header value too long; not forwarded');
        continue;
      }
      headers[name] = value;
    }
    if (signer !== undefined) headers[IDENTITY_ASSERTION_HEADER] = signer.assertion(identity);
    return headers;
  }

  return {
    jwks: signer?.jwks,
    headersFor,
    strip(request) {
      stripHeaders(request, names);
    },
    apply(request, identity) {
      const headers = headersFor(identity);
      for (const name of Object.keys(headers)) request.headers[name] = headers[name];
      if (stripToken) stripHeaders(request, STRIP_AUTHORIZATION);
    },
  };
}

const STRIP_AUTHORIZATION: ReadonlySet<string> = new Set(['authorization']);
