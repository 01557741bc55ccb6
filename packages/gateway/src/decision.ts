import type { IncomingHttpHeaders } from 'node:http';
import { authErrorResponse, createRequestAuthenticator, isAuthError, type Identity, type IdentityForwarder, type Verifier } from '@authgate/core';
import type { Outcome } from './metrics.js';
import { normalizePath } from './paths.js';
import { rulesFor, type CompiledRule } from './rules.js';

/** A decision request as the proxy sent it. */
export interface DecisionRequest {
  method: string;
  /** The request target as received (`/auth`, or `<pathPrefix>/orders/1?x` from Envoy). */
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  remoteAddress: string | undefined;
}

/** The answer to a proxy: 200 allows (with identity headers); anything else refuses. */
export interface Decision {
  status: number;
  headers: Record<string, string>;
  body: { error: string; error_description: string } | undefined;
  outcome: Outcome;
  /** `ok`, an `AuthError` reason, or one of the gateway's own: `untrusted_proxy`, `bad_original_request`. */
  reason: string;
  /** Safe detail for the log. */
  detail?: string;
}

export interface DecisionContext {
  verifier: Verifier<object>;
  rules: readonly CompiledRule[];
  forwarder: IdentityForwarder;
  pathPrefix: string | undefined;
  isTrusted: (address: string | undefined) => boolean;
  onCacheLookup: (hit: boolean) => void;
  onBug: (error: unknown) => void;
}

const NO_STORE = { 'cache-control': 'no-store' };
const METHOD = /^[A-Z]{1,20}$/;

function refusal(status: number, error: string, description: string, reason: string, detail?: string): Decision {
  return { status, headers: NO_STORE, body: { error, error_description: description }, outcome: 'deny', reason, detail };
}

const UNTRUSTED = refusal(403, 'access_denied', 'This gateway answers only its configured proxies', 'untrusted_proxy');

/** A header that must appear at most once: `null` when it appears several times (a proxy never sends it twice). */
function single(request: DecisionRequest, name: string): string | undefined | null {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return null;
  let count = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 2) if (request.rawHeaders[i]!.toLowerCase() === name) count += 1;
  return count > 1 ? null : value;
}

/** One of two header conventions (Traefik's X-Forwarded-*, nginx's X-Original-*); both present must agree. */
function either(request: DecisionRequest, traefik: string, nginx: string): string | undefined | null {
  const a = single(request, traefik);
  const b = single(request, nginx);
  if (a === null || b === null || (a !== undefined && b !== undefined && a !== b)) return null;
  return a ?? b;
}

/** The method and normalized path of the request being judged, or a refusal saying why they cannot be known. */
function originalRequest(request: DecisionRequest, pathPrefix: string | undefined): { method: string; path: string } | Decision {
  let method: string | undefined | null;
  let uri: string | undefined | null;
  const url = request.url;
  if (pathPrefix !== undefined && url.startsWith(pathPrefix) && [undefined, '/', '?'].includes(url[pathPrefix.length])) {
    // Envoy ext_authz (HTTP service): the original method, and the original path after the prefix. Headers that
    // claim another URI are not consulted here: under the prefix, the path is the only source.
    method = request.method;
    uri = url.slice(pathPrefix.length) || '/';
  } else {
    uri = either(request, 'x-forwarded-uri', 'x-original-uri');
    method = either(request, 'x-forwarded-method', 'x-original-method');
  }
  if (uri === null || method === null)
    return refusal(
      400,
      'invalid_request',
      'The original request headers are ambiguous',
      'bad_original_request',
      'duplicate or conflicting X-Forwarded/X-Original headers',
    );
  if (uri === undefined || method === undefined) {
    return refusal(
      400,
      'invalid_request',
      'The original method and URI are missing',
      'bad_original_request',
      'no X-Forwarded-Uri/X-Original-URI and method, and not under pathPrefix',
    );
  }
  const upper = method.toUpperCase();
  if (!METHOD.test(upper)) return refusal(400, 'invalid_request', 'The original method is not valid', 'bad_original_request');
  const path = normalizePath(uri);
  if (path === undefined) return refusal(400, 'invalid_request', 'The original URI is not a valid path', 'bad_original_request');
  return { method: upper, path };
}

/** The per-request decision: synchronous whenever the token's answer is known at once (cached, key at hand). */
export function createDecider(context: DecisionContext): (request: DecisionRequest) => Decision | Promise<Decision> {
  const { verifier, rules, forwarder } = context;
  const required = createRequestAuthenticator(verifier);
  const optional = createRequestAuthenticator(verifier, { optional: true });
  const cached = verifier.cached?.bind(verifier);

  function refused(error: unknown): Decision {
    if (!isAuthError(error)) {
      context.onBug(error);
      return {
        status: 500,
        headers: NO_STORE,
        body: { error: 'server_error', error_description: 'The gateway failed' },
        outcome: 'error',
        reason: 'bug',
      };
    }
    const response = authErrorResponse(error);
    return {
      status: response.status,
      headers: response.headers,
      body: response.body,
      outcome: response.status === 503 ? 'error' : 'deny',
      reason: error.reason,
      detail: error.detail,
    };
  }

  function finish(identity: Identity<object> | null, matched: readonly CompiledRule[]): Decision {
    if (identity === null) return { status: 200, headers: NO_STORE, body: undefined, outcome: 'allow', reason: 'ok' };
    try {
      for (const rule of matched) rule.check(identity);
      return { status: 200, headers: { ...NO_STORE, ...forwarder.headersFor(identity) }, body: undefined, outcome: 'allow', reason: 'ok' };
    } catch (error) {
      return refused(error);
    }
  }

  return (request) => {
    if (!context.isTrusted(request.remoteAddress)) return UNTRUSTED;
    const original = originalRequest(request, context.pathPrefix);
    if ('status' in original) return original;
    const matched = rulesFor(rules, original.method, original.path);
    const authorization = request.headers.authorization;
    if (cached !== undefined && typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
      context.onCacheLookup(cached(authorization.slice(7)) !== undefined);
    }
    const authenticate = matched.some((rule) => rule.required) ? required : optional;
    const result = authenticate({ headers: request.headers, rawHeaders: request.rawHeaders });
    if (result instanceof Promise) return result.then((identity) => finish(identity, matched), refused);
    return finish(result, matched);
  };
}
