import { renderChallenges, type DpopChallenge } from './binding/challenge.js';
import { REASONS, type AuthErrorCode, type AuthErrorReason, type AuthErrorStatus } from './error-reasons.js';
export type { AuthErrorCode, AuthErrorReason, AuthErrorStatus } from './error-reasons.js';

export type { DpopChallenge };

/**
 * Every way a request can fail authentication, as one error type that adapters turn into an HTTP answer.
 *
 * `reason` is stable and machine-readable (switch on it, count it in metrics); `code` is the RFC 6750 §3.1 error
 * code (absent when the client sent no credentials at all); `status` is the HTTP status to answer with;
 * `wwwAuthenticate` is the exact challenge header value to send. Messages are fixed, generic sentences chosen by
 * `reason`: they never contain the token, a claim value or a library's raw message.
 */

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
  /** When the DPoP scheme is accepted: its challenge goes beside (or instead of) Bearer's. */
  dpop?: DpopChallenge;
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
  readonly dpop: DpopChallenge | undefined;

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
    this.dpop = options.dpop;
  }

  /**
   * The `WWW-Authenticate` value to send, or `undefined` for a 503 (an outage on our side is not a challenge).
   * RFC 6750 §3: no error attributes when the client sent no credentials.
   */
  get wwwAuthenticate(): string | undefined {
    if (this.status === 503) return undefined;
    if (this.dpop !== undefined) return renderChallenges(this.realm, this.code, this.description, this.scopes, this.dpop);
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
    if (this.dpop?.nonce !== undefined) headers['dpop-nonce'] = this.dpop.nonce;
    return headers;
  }

  /** The JSON body adapters send: `{ error, error_description }` (RFC 6749 §5.2 shape). */
  toJSON(): { error: string; error_description: string } {
    return { error: this.code ?? (this.status === 503 ? 'temporarily_unavailable' : 'unauthorized'), error_description: this.description };
  }

  /** A copy of this error that renders with another realm (the adapters' configured one). */
  withRealm(realm: string): AuthError {
    if (realm === this.realm) return this;
    return new AuthError(this.reason, {
      scopes: this.scopes,
      realm,
      description: this.description,
      detail: this.detail,
      cause: this.cause,
      dpop: this.dpop,
    });
  }

  /** A copy of this error that also renders the DPoP challenge. */
  withDpop(dpop: DpopChallenge): AuthError {
    return new AuthError(this.reason, {
      scopes: this.scopes,
      realm: this.realm,
      description: this.description,
      detail: this.detail,
      cause: this.cause,
      dpop,
    });
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

export function renderChallenge(realm: string, code: AuthErrorCode | undefined, description: string, scopes: readonly string[]): string {
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
