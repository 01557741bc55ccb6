/**
 * A failed token exchange. `code` is the authorization server's `error` (`invalid_grant`, `invalid_target`,
 * `invalid_client`, ...) or one of ours: `network_error` (unreachable, timed out, redirected), `invalid_response`
 * (not a token response). `status` is the HTTP status when there was one. Nothing here ever holds a token or a
 * secret: not the message, not `description` (the server's `error_description`, cleaned), not `cause`.
 */
export class TokenExchangeError extends Error {
  override readonly name = 'TokenExchangeError';
  readonly code: string;
  readonly status: number | undefined;
  readonly description: string | undefined;

  constructor(code: string, status: number | undefined, description: string | undefined, cause?: Error) {
    const where = status === undefined ? '' : ` (HTTP ${status})`;
    super(
      `token exchange failed: ${code}${where}${description === undefined ? '' : `: ${description}`}`,
      cause === undefined ? undefined : { cause },
    );
    this.code = code;
    this.status = status;
    this.description = description;
  }
}

// RFC 6749 §5.2: error and error_description are %x20-21 / %x23-5B / %x5D-7E.
const ERROR_CHARS = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;
const MAX_DESCRIPTION = 300;
// Anything shaped like a JWT or a long opaque credential is cut out of a server's text, whoever it belongs to.
const CREDENTIAL_LIKE = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(\.[A-Za-z0-9_-]*)?|[A-Za-z0-9+/_=-]{40,}/g;

/** The server's `error`, if it is a well-formed code; else `undefined`. */
export function serverCode(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 64 && /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(value) ? value : undefined;
}

/** The server's `error_description`, cleaned: RFC 6749's alphabet only, clipped, and every secret of ours cut out. */
export function serverDescription(value: unknown, secrets: ReadonlyArray<string | undefined>): string | undefined {
  if (typeof value !== 'string' || !ERROR_CHARS.test(value)) return undefined;
  let text = value;
  for (const secret of secrets) if (secret !== undefined && secret.length >= 4) text = text.split(secret).join('[redacted]');
  text = text.replace(CREDENTIAL_LIKE, '[redacted]');
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}...` : text;
}
