import type { ClientCredentials } from '../net/client-auth.js';
import type { AuthLogger } from '../options.js';

/** RFC 8693 §3 token type identifiers authgate names itself. */
export const TOKEN_TYPE = Object.freeze({
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
});

/** What a downstream call needs: for whom (`audience` and/or `resource`), and with which (reduced) scope. */
export interface ExchangeRequest {
  /** RFC 8693 `audience`: the logical name of the downstream service (its `aud`). Give this or `resource`, or both. */
  audience?: string | readonly string[];
  /** RFC 8707 `resource`: the downstream service's URI. */
  resource?: string | readonly string[];
  /** The scopes the downstream token needs (space-delimited or a list): ask for no more than the call needs. */
  scope?: string | readonly string[];
  /** RFC 8693 `actor_token`: a token naming the party that acts (e.g. this service's own workload token). */
  actorToken?: string;
  /** The type of `actorToken`. Default access token (`urn:ietf:params:oauth:token-type:access_token`). */
  actorTokenType?: string;
  /** RFC 8693 `requested_token_type`. Default: not sent (the server issues an access token). */
  requestedTokenType?: string;
}

/** The authorization server's answer (RFC 8693 §2.2.1), named as JavaScript names things. */
export interface ExchangedToken {
  readonly accessToken: string;
  /** `token_type`: `Bearer` for an access token (or `N_A` when the issued token is not one). */
  readonly tokenType: string;
  /** `issued_token_type`; the access-token type when the server leaves it out (Entra's on-behalf-of answer does). */
  readonly issuedTokenType: string;
  /** `expires_in`, in seconds, as the server said; `undefined` when it did not (then the answer is not cached). */
  readonly expiresIn: number | undefined;
  /** `scope` as granted; the requested scope when the server does not say (RFC 6749 §5.1). */
  readonly scope: string | undefined;
}

export interface ExchangeCacheOptions {
  /** Most exchanged tokens kept. Default 1,000. */
  maxEntries?: number;
  /** Exchange again this many seconds before the exchanged token expires. Default 30. */
  refreshBefore?: number;
}

/**
 * `'token-exchange'` (default): RFC 8693. `'on-behalf-of'`: Microsoft Entra ID's on-behalf-of flow, the RFC 7523
 * `jwt-bearer` grant with `requested_token_use=on_behalf_of`; Entra names the downstream API by `scope`
 * (`api://<app>/.default` or its scopes), so `audience` and `resource` are refused in this mode.
 */
export type ExchangeMode = 'token-exchange' | 'on-behalf-of';

/** `createTokenExchange` options. Client authentication is the same as introspection's (`ClientCredentials`). */
export interface TokenExchangeOptions extends ClientCredentials {
  /** The authorization server's issuer identifier: its `token_endpoint` is found by discovery. Give this or `tokenEndpoint`. */
  issuer?: string;
  /** The token endpoint URL (no discovery). */
  tokenEndpoint?: string;
  /** Default `'token-exchange'`. */
  mode?: ExchangeMode;
  /** `subject_token_type` of the tokens exchanged. Default access token. */
  subjectTokenType?: string;
  /** The exchanged-token cache; `false` turns it off. On by default. */
  cache?: ExchangeCacheOptions | false;
  /** Abort a token request (or the discovery) after this many seconds. Default 5. */
  timeout?: number;
  /** Refuse answers larger than this many bytes. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Allow `http:` endpoints outside loopback. Off by default; never in production. */
  allowInsecureHttp?: boolean;
  /** Told about failed exchanges (code and status only). Default: the silent default logger. */
  logger?: AuthLogger;
}

export interface TokenExchange {
  /**
   * Exchanges `subjectToken` (the token this service was called with) for a token for the downstream service.
   * Answers from the cache when the same exchange was done and its token is still fresh; concurrent identical
   * exchanges share one request. Rejects with a `TokenExchangeError` (the server said no, or could not be reached).
   */
  exchange(subjectToken: string, request: ExchangeRequest): Promise<ExchangedToken>;
  /** The same exchange, as the headers to send downstream: `{ authorization: 'Bearer …' }`. */
  forDownstream(subjectToken: string, request: ExchangeRequest): Promise<Record<string, string>>;
  /** The client authentication in use. */
  readonly clientId: string;
  /** Forgets every cached exchanged token. */
  clear(): void;
}
