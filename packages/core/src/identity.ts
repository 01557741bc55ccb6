import type { Actor } from './token/actor.js';
import type { TokenKind } from './token/kind.js';
import type { ExchangeRequest, ExchangedToken } from './exchange/types.js';

/** The registered claims authgate has checked before an `Identity` exists. */
export interface RegisteredClaims {
  iss: string;
  aud: string | string[];
  exp: number;
  sub?: string;
  nbf?: number;
  iat?: number;
  jti?: string;
  scope?: string;
  scp?: string | string[];
  client_id?: string;
  [claim: string]: unknown;
}

/**
 * A verified caller, attached to the request as `req.auth` / `request.auth`.
 * `C` is the shape of your custom claims: `createVerifier<{ tenant: string }>(...)` types `identity.claims.tenant`.
 */
export interface Identity<C extends object = Record<string, unknown>> {
  /** `sub`; RFC 9068 makes it required for access tokens, but some providers omit it for client credentials. */
  readonly subject: string | undefined;
  readonly issuer: string;
  /** `aud`, always as an array. */
  readonly audience: readonly string[];
  /** Scopes read from the configured scope claims (`scope` and `scp` by default), deduplicated. */
  readonly scopes: readonly string[];
  /** Roles read from the configured `rolesClaims` (`roles` by default), merged and deduplicated; `[]` when none. */
  readonly roles: readonly string[];
  /** The client the token was issued to: `client_id`, else `azp`, else `appid`, else `cid`; `undefined` when none. */
  readonly clientId: string | undefined;
  /** The whole verified payload. Custom claims are typed by `C`, but were only checked if you listed them. */
  readonly claims: Readonly<RegisteredClaims & C>;
  /** `exp` as a Date. */
  readonly expiresAt: Date;
  /** Protected header `kid` of the key that verified the token. */
  readonly kid: string | undefined;
  /** Protected header `alg` (always one of the configured algorithms). */
  readonly alg: string;
  /** `'client'` for a token without a user (client credentials, a workload), else `'user'`; see `tokenKind`. */
  readonly kind: TokenKind;
  /** RFC 8693 `act`: who acts on the subject's behalf, nested for a chain; `undefined` for a direct call. */
  readonly actor?: Actor;
  /** RFC 8693 `may_act`: who may act on the subject's behalf. */
  readonly mayAct?: Actor;
  /** The workload's SPIFFE ID, for a verifier with `trustDomain` (JWT-SVIDs; see `providers.spiffe`). */
  readonly workload?: string;
  /**
   * Exchanges this request's token (RFC 8693) for one to call a downstream service with. Present only on requests
   * authenticated by an adapter given `tokenExchange`.
   */
  readonly exchange?: (request: ExchangeRequest) => Promise<ExchangedToken>;
}
