import { AuthConfigError } from '../errors.js';
import { KeySourceFetchError, systemErrorCode } from './fetch-json.js';

/** Why `ready()` could not load what a verifier needs at start-up. Stable strings, like `AuthError.reason`. */
export type StartupFailureReason = 'unreachable' | 'dns' | 'refused' | 'tls' | 'bad_document' | 'issuer_mismatch';

const HINTS: Record<StartupFailureReason, string> = {
  dns: "the host name does not resolve: check the URL's spelling and this machine's DNS",
  refused: "nothing accepts connections there: check the URL's port, and that the identity provider is running",
  tls: "the TLS connection was refused: check the URL's host name, or give Node your CA with NODE_EXTRA_CA_CERTS",
  unreachable: 'check that this machine can reach the identity provider (proxy, firewall), or raise jwksOptions.timeout',
  bad_document: 'the URL answered, but not with a usable JWK Set or discovery document: check jwksUri, or the issuer URL discovery starts from',
  issuer_mismatch: 'the discovery document names another issuer: set issuer to exactly the value it names (a trailing slash counts)',
};

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);

/** TLS failures as Node names them: certificate problems and handshake errors. */
function isTlsCode(code: string): boolean {
  return /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ERR_OSSL_)/.test(code) || code === 'EPROTO';
}

/** The start-up reason for a failed fetch (or anything else a key source threw). */
export function startupFailureReason(error: unknown): StartupFailureReason {
  if (!(error instanceof KeySourceFetchError)) return 'bad_document';
  switch (error.kind) {
    case 'issuer_mismatch':
      return 'issuer_mismatch';
    case 'bad_document':
    case 'not_json':
    case 'too_large':
    case 'redirect_refused':
      return 'bad_document';
    case 'http_status':
      // A 4xx is a wrong URL (the server is there); a 5xx is the provider failing.
      return error.status !== undefined && error.status >= 400 && error.status < 500 ? 'bad_document' : 'unreachable';
    case 'connection_failed': {
      const code = systemErrorCode(error) ?? '';
      if (DNS_CODES.has(code)) return 'dns';
      if (REFUSED_CODES.has(code)) return 'refused';
      if (isTlsCode(code)) return 'tls';
      return 'unreachable';
    }
    case 'timeout':
    case 'aborted':
      return 'unreachable';
  }
}

/**
 * `ready()` failed: the keys (or another start-up document) could not be loaded. An `AuthConfigError`, so start-up
 * code that already catches those needs no change; `reason` says what kind of failure, `hint` what to check. The
 * message holds the URL (without credentials), what happened, and the hint.
 */
export class AuthStartupError extends AuthConfigError {
  override readonly name: string = 'AuthStartupError';
  readonly reason: StartupFailureReason;
  readonly hint: string;
  /** The URL that failed, without credentials, when known. */
  readonly url: string | undefined;

  constructor(what: string, error: unknown, url: string | undefined) {
    const reason = startupFailureReason(error);
    const happened = error instanceof Error ? error.message : 'unexpected failure';
    super(`${what}${url === undefined ? '' : ` from ${url}`}: ${happened} [${reason}]. Hint: ${HINTS[reason]}`, { cause: error });
    this.reason = reason;
    this.hint = HINTS[reason];
    this.url = url;
  }
}
