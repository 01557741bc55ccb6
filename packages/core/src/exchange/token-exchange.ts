import { AuthConfigError } from '../errors.js';
import { discoverEndpoint } from '../keys/discovery.js';
import { fetchBounded, KeySourceFetchError, type BoundedResponse } from '../net/fetch-json.js';
import { ExchangeCache, exchangeKey, tokenDigest } from './cache.js';
import { serverCode, serverDescription, TokenExchangeError } from './errors.js';
import { normalizeExchangeOptions, type NormalizedExchangeOptions } from './options.js';
import { TOKEN_TYPE, type ExchangedToken, type ExchangeRequest, type TokenExchange, type TokenExchangeOptions } from './types.js';

const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const GRANT_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A request's parts, validated and in one spelling (so equal requests share a cache entry). */
interface CallParts {
  audience: readonly string[];
  resource: readonly string[];
  scope: string | undefined;
  actorToken: string | undefined;
  actorTokenType: string;
  requestedTokenType: string | undefined;
}

function list(value: string | readonly string[] | undefined, field: string): readonly string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || item === '')) {
    throw new AuthConfigError(`authgate: exchange(): ${field} must be a non-empty string or a list of them`);
  }
  return items;
}

function callParts(subjectToken: unknown, request: ExchangeRequest, options: NormalizedExchangeOptions): CallParts {
  if (typeof subjectToken !== 'string' || subjectToken === '')
    throw new AuthConfigError('authgate: exchange(): the subject token must be a non-empty string (the token this service was called with)');
  if (request === null || typeof request !== 'object') throw new AuthConfigError('authgate: exchange(): give { audience | resource, scope? }');
  const audience = list(request.audience, 'audience');
  const resource = list(request.resource, 'resource');
  const scopes = [...new Set(typeof request.scope === 'string' ? request.scope.split(' ').filter(Boolean) : list(request.scope, 'scope'))];
  if (options.mode === 'on-behalf-of') {
    if (audience.length > 0 || resource.length > 0)
      throw new AuthConfigError(
        'authgate: exchange(): on-behalf-of names the downstream API by scope (api://<app>/.default), not audience or resource',
      );
    if (scopes.length === 0) throw new AuthConfigError('authgate: exchange(): on-behalf-of needs scope, e.g. api://<downstream app>/.default');
  } else if (audience.length === 0 && resource.length === 0) {
    throw new AuthConfigError('authgate: exchange(): name the downstream service with audience or resource');
  }
  if (request.actorToken !== undefined && (typeof request.actorToken !== 'string' || request.actorToken === ''))
    throw new AuthConfigError('authgate: exchange(): actorToken must be a non-empty string');
  return {
    audience,
    resource,
    scope: scopes.length === 0 ? undefined : scopes.join(' '),
    actorToken: request.actorToken,
    actorTokenType: request.actorTokenType ?? TOKEN_TYPE.accessToken,
    requestedTokenType: request.requestedTokenType,
  };
}

function requestForm(subjectToken: string, parts: CallParts, options: NormalizedExchangeOptions): URLSearchParams {
  const form = new URLSearchParams();
  if (options.mode === 'on-behalf-of') {
    form.set('grant_type', GRANT_JWT_BEARER);
    form.set('assertion', subjectToken);
    form.set('requested_token_use', 'on_behalf_of');
  } else {
    form.set('grant_type', GRANT_TOKEN_EXCHANGE);
    form.set('subject_token', subjectToken);
    form.set('subject_token_type', options.subjectTokenType);
    for (const audience of parts.audience) form.append('audience', audience);
    for (const resource of parts.resource) form.append('resource', resource);
    if (parts.actorToken !== undefined) {
      form.set('actor_token', parts.actorToken);
      form.set('actor_token_type', parts.actorTokenType);
    }
    if (parts.requestedTokenType !== undefined) form.set('requested_token_type', parts.requestedTokenType);
  }
  if (parts.scope !== undefined) form.set('scope', parts.scope);
  return form;
}

/** A failure before any answer: our own safe sentence, and a cause that holds nothing but that sentence. */
function transportError(error: unknown): TokenExchangeError {
  if (error instanceof KeySourceFetchError) {
    return new TokenExchangeError('network_error', undefined, error.message, new KeySourceFetchError(error.kind, error.url, error.message));
  }
  if (error instanceof TokenExchangeError) return error;
  return new TokenExchangeError('client_authentication_failed', undefined, 'the client assertion could not be signed');
}

function seconds(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  // Some servers (Entra v1) send numbers as strings.
  const number = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : null;
}

/** RFC 8693 §2.2: a 200 with a token response, or the server's error (§2.2.2, RFC 6749 §5.2). */
function readAnswer(response: BoundedResponse, parts: CallParts, secrets: ReadonlyArray<string | undefined>): ExchangedToken {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    body = undefined;
  }
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (response.status !== 200) {
    throw new TokenExchangeError(
      serverCode(fields.error) ?? 'invalid_response',
      response.status,
      serverDescription(fields.error_description, secrets),
    );
  }
  const invalid = (why: string): TokenExchangeError => new TokenExchangeError('invalid_response', response.status, why);
  const { access_token: accessToken, token_type: tokenType, issued_token_type: issuedTokenType, scope } = fields;
  if (typeof accessToken !== 'string' || accessToken === '') throw invalid('the answer has no access_token');
  if (typeof tokenType !== 'string' || tokenType === '') throw invalid('the answer has no token_type');
  if (issuedTokenType !== undefined && typeof issuedTokenType !== 'string') throw invalid('issued_token_type is not a string');
  if (scope !== undefined && typeof scope !== 'string') throw invalid('scope is not a string');
  const expiresIn = seconds(fields.expires_in);
  if (expiresIn === null) throw invalid('expires_in is not a number of seconds');
  return Object.freeze({
    accessToken,
    tokenType,
    issuedTokenType: (issuedTokenType as string | undefined) ?? TOKEN_TYPE.accessToken,
    expiresIn,
    scope: (scope as string | undefined) ?? parts.scope,
  });
}

/**
 * Creates the client a service uses to call the next one with the right token: RFC 8693 token exchange (or Entra's
 * on-behalf-of), authenticated as introspection is, cached and single-flight. Validates its options now
 * (`AuthConfigError`); finds the token endpoint by discovery on first use when given `issuer`.
 */
export function createTokenExchange(userOptions: TokenExchangeOptions): TokenExchange {
  const options = normalizeExchangeOptions(userOptions);
  const cache = new ExchangeCache(options.cache);
  let endpoint: Promise<string> | undefined = options.tokenEndpoint === undefined ? undefined : Promise.resolve(options.tokenEndpoint);
  const fetchLimits = { timeoutSeconds: options.timeout, maxBytes: options.maxResponseBytes, allowInsecureHttp: options.allowInsecureHttp };

  function tokenEndpoint(): Promise<string> {
    if (endpoint === undefined) {
      const discovering = discoverEndpoint(options.issuer as string, 'token_endpoint', fetchLimits);
      endpoint = discovering;
      // A failed discovery is not kept: the next exchange tries again.
      discovering.catch(() => {
        if (endpoint === discovering) endpoint = undefined;
      });
    }
    return endpoint;
  }

  async function request(subjectToken: string, parts: CallParts): Promise<ExchangedToken> {
    const secrets = [subjectToken, parts.actorToken, options.secret];
    let response: BoundedResponse;
    try {
      const url = await tokenEndpoint();
      const form = requestForm(subjectToken, parts, options);
      const headers: Record<string, string> = { accept: 'application/json' };
      await options.client.apply(url, form, headers);
      response = await fetchBounded(url, { ...fetchLimits, method: 'POST', form, headers });
    } catch (error) {
      throw transportError(error);
    }
    return readAnswer(response, parts, secrets);
  }

  function exchange(subjectToken: string, call: ExchangeRequest): Promise<ExchangedToken> {
    let parts: CallParts;
    try {
      parts = callParts(subjectToken, call, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = exchangeKey([
      tokenDigest(subjectToken),
      [...parts.audience].sort(),
      [...parts.resource].sort(),
      parts.scope?.split(' ').sort().join(' '),
      tokenDigest(parts.actorToken),
      parts.actorToken === undefined ? undefined : parts.actorTokenType,
      parts.requestedTokenType,
    ]);
    return cache
      .get(key, () => request(subjectToken, parts))
      .catch((error: unknown) => {
        if (error instanceof TokenExchangeError) options.logger.warn({ code: error.code, status: error.status }, 'authgate: token exchange failed');
        throw error;
      });
  }

  return {
    clientId: options.client.clientId,
    exchange,
    async forDownstream(subjectToken, call) {
      const token = await exchange(subjectToken, call);
      if (token.tokenType.toLowerCase() !== 'bearer') {
        throw new TokenExchangeError(
          'unsupported_token_type',
          undefined,
          `token_type ${serverCode(token.tokenType) ?? '(unreadable)'} cannot be sent as a bearer token`,
        );
      }
      return { authorization: `Bearer ${token.accessToken}` };
    },
    clear: () => cache.clear(),
  };
}
