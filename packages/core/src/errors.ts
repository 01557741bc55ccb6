/**
 * Every way a request can fail authentication, as one error type that adapters turn into an HTTP answer.
 *
 * `reason` is stable and machine-readable (switch on it, count it in metrics); `code` is the RFC 6750 §3.1 error
 * code (absent when the client sent no credentials at all); `status` is the HTTP status to answer with;
 * `wwwAuthenticate` is the exact challenge header value to send. Messages are fixed, generic sentences chosen by
 * `reason`: they never contain the token, a claim value or a library's raw message.
 */

export type AuthErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** Why a request was refused. Stable strings: adding one is a minor change, renaming one is a major change. */
export type AuthErrorReason =
  // No usable credentials (401, no error code, RFC 6750 §3.1).
  | 'credentials_missing'
  | 'unsupported_scheme'
  // The request itself is malformed (400 invalid_request).
  | 'malformed_request'
  | 'multiple_credentials'
  // The token is unacceptable (401 invalid_token).
  | 'token_too_long'
  | 'malformed_token'
  | 'token_encrypted'
  | 'algorithm_not_allowed'
  | 'unsupported_header'
  | 'header_refused'
  | 'header_mismatch'
  | 'type_not_allowed'
  | 'unknown_key'
  | 'key_algorithm_mismatch'
  | 'signature_invalid'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_issued_in_future'
  | 'token_too_old'
  | 'issuer_not_allowed'
  | 'audience_mismatch'
  | 'claim_missing'
  | 'claim_invalid'
  | 'claim_mismatch'
  | 'revoked'
  // Valid token, not enough privilege (403 insufficient_scope).
  | 'insufficient_scope'
  | 'insufficient_role'
  | 'insufficient_claim'
  | 'access_denied'
  // Our side cannot decide: the key source is unreachable and holds no usable keys (503, no challenge).
  | 'key_source_unavailable'
  // The revocation list cannot decide (a shared list cut off past maxStaleness, failMode 'closed'): 503.
  | 'revocation_unavailable';

export type AuthErrorStatus = 400 | 401 | 403 | 503;

interface ReasonSpec {
  status: AuthErrorStatus;
  code: AuthErrorCode | undefined;
  description: string;
}

// Descriptions are restricted to RFC 6750's error_description alphabet (%x20-21 / %x23-5B / %x5D-7E): no quotes,
// no backslashes. They are the same for every request, so nothing a client sends can ever be echoed back.
const REASONS: Record<AuthErrorReason, ReasonSpec> = {
  credentials_missing: { status: 401, code: undefined, description: 'Authentication required' },
  unsupported_scheme: { status: 401, code: undefined, description: 'Bearer authentication required' },
  malformed_request: { status: 400, code: 'invalid_request', description: 'Malformed Authorization header' },
  multiple_credentials: { status: 400, code: 'invalid_request', description: 'More than one access token was sent' },
  token_too_long: { status: 401, code: 'invalid_token', description: 'The access token is too long' },
  malformed_token: { status: 401, code: 'invalid_token', description: 'The access token is malformed' },
  token_encrypted: { status: 401, code: 'invalid_token', description: 'Encrypted tokens (JWE) are not accepted' },
  algorithm_not_allowed: { status: 401, code: 'invalid_token', description: 'The token signing algorithm is not allowed' },
  unsupported_header: { status: 401, code: 'invalid_token', description: 'The token header is not supported' },
  header_refused: { status: 401, code: 'invalid_token', description: 'The token is of a kind this API does not accept' },
  header_mismatch: { status: 401, code: 'invalid_token', description: 'A token header parameter has an unexpected value' },
  type_not_allowed: { status: 401, code: 'invalid_token', description: 'The token type is not allowed' },
  unknown_key: { status: 401, code: 'invalid_token', description: 'The token signing key is not known' },
  key_algorithm_mismatch: { status: 401, code: 'invalid_token', description: 'The token algorithm does not match its key' },
  signature_invalid: { status: 401, code: 'invalid_token', description: 'The token signature is invalid' },
  token_expired: { status: 401, code: 'invalid_token', description: 'The access token expired' },
  token_not_yet_valid: { status: 401, code: 'invalid_token', description: 'The access token is not yet valid' },
  token_issued_in_future: { status: 401, code: 'invalid_token', description: 'The access token was issued in the future' },
  token_too_old: { status: 401, code: 'invalid_token', description: 'The access token is too old' },
  issuer_not_allowed: { status: 401, code: 'invalid_token', description: 'The token issuer is not allowed' },
  audience_mismatch: { status: 401, code: 'invalid_token', description: 'The token audience is not allowed' },
  claim_missing: { status: 401, code: 'invalid_token', description: 'The access token lacks a required claim' },
  claim_invalid: { status: 401, code: 'invalid_token', description: 'The access token has an invalid claim' },
  claim_mismatch: { status: 401, code: 'invalid_token', description: 'The access token has a claim that is not accepted' },
  revoked: { status: 401, code: 'invalid_token', description: 'The access token was revoked' },
  insufficient_scope: { status: 403, code: 'insufficient_scope', description: 'The access token lacks a required scope' },
  insufficient_role: { status: 403, code: 'insufficient_scope', description: 'The access token lacks a required role' },
  insufficient_claim: { status: 403, code: 'insufficient_scope', description: 'The access token lacks a required claim' },
  access_denied: { status: 403, code: 'insufficient_scope', description: 'The access token does not grant access to this resource' },
  key_source_unavailable: { status: 503, code: undefined, description: 'Token keys are temporarily unavailable' },
  revocation_unavailable: { status: 503, code: undefined, description: 'Token revocation status is temporarily unavailable' },
};

export interface AuthErrorOptions {
  /** Scopes the resource needs; rendered as the challenge's `scope` parameter (403 insufficient_scope). */
  scopes?: readonly string[];
  /** RFC 6750 realm; rendered into the challenge. */
  realm?: string;
  /**
   * A more specific sentence than the reason's own, built from configuration only (a claim or role name, never a
   * value from the token). Characters outside RFC 6750's error_description alphabet become `?`.
   */
  description?: string;
  /** Safe internal detail for logs (never a token, signature or claim value). Not part of the message. */
  detail?: string;
  /** The underlying error, for logs only. */
  cause?: unknown;
}

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly reason: AuthErrorReason;
  readonly status: AuthErrorStatus;
  readonly code: AuthErrorCode | undefined;
  /** The same sentence as `message`: safe to send as `error_description`. */
  readonly description: string;
  readonly scopes: readonly string[];
  readonly realm: string;
  /** Internal detail for logs; never sent to clients. */
  readonly detail: string | undefined;

  constructor(reason: AuthErrorReason, options: AuthErrorOptions = {}) {
    const spec = REASONS[reason];
    const description = options.description === undefined ? spec.description : safeDescription(options.description);
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.status = spec.status;
    this.code = spec.code;
    this.description = description;
    this.scopes = options.scopes ?? [];
    this.realm = options.realm ?? DEFAULT_REALM;
    this.detail = options.detail;
  }

  /**
   * The `WWW-Authenticate` value to send, or `undefined` for a 503 (an outage on our side is not a challenge).
   * RFC 6750 §3: no error attributes when the client sent no credentials.
   */
  get wwwAuthenticate(): string | undefined {
    if (this.status === 503) return undefined;
    return renderChallenge(this.realm, this.code, this.description, this.scopes);
  }

  /** The same as `status`, under the name Fastify's and many Node error handlers read (`err.statusCode ?? 500`). */
  get statusCode(): AuthErrorStatus {
    return this.status;
  }

  /**
   * Every header the answer needs: the challenge (or `Retry-After` for a 503) and `Cache-Control: no-store`.
   * Named `headers` because Express's and Fastify's default error handlers send `err.headers`, so an app that
   * passes this error to its framework still answers with the right challenge.
   */
  get headers(): Record<string, string> {
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    const challenge = this.wwwAuthenticate;
    if (challenge !== undefined) headers['www-authenticate'] = challenge;
    if (this.status === 503) headers['retry-after'] = '5';
    return headers;
  }

  /** The JSON body adapters send: `{ error, error_description }` (RFC 6749 §5.2 shape). */
  toJSON(): { error: string; error_description: string } {
    return { error: this.code ?? (this.status === 503 ? 'temporarily_unavailable' : 'unauthorized'), error_description: this.description };
  }

  /** A copy of this error that renders with another realm (the adapters' configured one). */
  withRealm(realm: string): AuthError {
    if (realm === this.realm) return this;
    return new AuthError(this.reason, { scopes: this.scopes, realm, description: this.description, detail: this.detail, cause: this.cause });
  }
}

export const DEFAULT_REALM = 'api';

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}

const MAX_DESCRIPTION = 200;

/** RFC 6750 §3 error_description: %x20-21 / %x23-5B / %x5D-7E only; anything else becomes `?`; bounded length. */
export function safeDescription(text: string): string {
  return text.slice(0, MAX_DESCRIPTION).replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');
}

/** RFC 7235 quoted-string: backslash-escape `"` and `\`. */
export function quoteHeaderValue(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function renderChallenge(
  realm: string,
  code: AuthErrorCode | undefined,
  description: string,
  scopes: readonly string[],
): string {
  let challenge = `Bearer realm=${quoteHeaderValue(realm)}`;
  if (code === undefined) return challenge;
  challenge += `, error=${quoteHeaderValue(code)}, error_description=${quoteHeaderValue(description)}`;
  if (scopes.length > 0) challenge += `, scope=${quoteHeaderValue(scopes.join(' '))}`;
  return challenge;
}

/** Thrown at construction for invalid configuration; the message says what to fix. Never thrown per request. */
export class AuthConfigError extends Error {
  override readonly name: string = 'AuthConfigError';

  /** Every message starts with the one prefix, `authgate: `, whoever throws it. */
  constructor(message: string, options?: ErrorOptions) {
    super(message.startsWith('authgate: ') ? message : `authgate: ${message}`, options);
  }
}
