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
  /** The client the token was issued to: `client_id`, else `azp`, else `appid`, else `cid`; `undefined` when none (introspection: the answer's `client_id`). */
  readonly clientId: string | undefined;
  /** The whole verified payload. Custom claims are typed by `C`, but were only checked if you listed them. */
  readonly claims: Readonly<RegisteredClaims & C>;
  /** `exp` as a Date. */
  readonly expiresAt: Date;
  /** Protected header `kid` of the key that verified the token. */
  readonly kid: string | undefined;
  /** Protected header `alg` (always one of the configured algorithms); `''` for an introspected token (no signature checked here). */
  readonly alg: string;
  /** The whole verified protected header. */
  readonly header: Readonly<Record<string, unknown>>;
  /**
   * The raw access token, to forward to a downstream API. Not enumerable, so logging, spreading or serializing an
   * identity never prints it (`JSON.stringify(identity)` and `{ ...identity }` leave it out); read it by name.
   */
  readonly token: string;
  /**
   * How the token was accepted: `'jwt'` (verified here, with the issuer's keys) or `'introspection'` (RFC 7662: the
   * server said active); `'certificate'` for a workload identity read from its mTLS client certificate (an
   * X.509-SVID: no token, `token` is `''`).
   */
  readonly source: 'jwt' | 'introspection' | 'certificate';
  /** The key or certificate the token is bound to (`cnf`, RFC 9449 / RFC 8705), already checked; undefined for a plain bearer token. */
  readonly confirmation?: Confirmation | undefined;
  /** `'client'` for a token without a user (client credentials, a workload), else `'user'`; see `tokenKind`. */
  readonly kind: TokenKind;
  /** RFC 8693 `act`: who acts on the subject's behalf, nested for a chain; `undefined` for a direct call. */
  readonly actor?: Actor;
  /** RFC 8693 `may_act`: who may act on the subject's behalf. */
  readonly mayAct?: Actor;
  /** The workload's SPIFFE ID: for a verifier with `trustDomain` (JWT-SVIDs; see `providers.spiffe`), or from an X.509-SVID. */
  readonly workload?: string;
  /**
   * Exchanges this request's token (RFC 8693) for one to call a downstream service with. Present only on requests
   * authenticated by an adapter given `tokenExchange`.
   */
  readonly exchange?: (request: ExchangeRequest) => Promise<ExchangedToken>;
}

/** A token's proof-of-possession binding: the DPoP key's JWK thumbprint, or the client certificate's SHA-256 thumbprint. */
export interface Confirmation {
  readonly jkt?: string;
  readonly 'x5t#S256'?: string;
}

/**
 * A copy of an identity (its prototype and every property kept) carrying `token`, non-enumerable: a JWE's identity
 * keeps the token as presented rather than the decrypted inner JWT; an introspection answer gets each request's token.
 */
export function withToken<C extends object>(identity: Omit<Identity<C>, 'token'>, token: string): Identity<C> {
  const properties = Object.getOwnPropertyDescriptors(identity) as PropertyDescriptorMap;
  properties.token = { value: token, enumerable: false };
  return Object.freeze(Object.create(Object.getPrototypeOf(identity) as object, properties) as Identity<C>);
}
