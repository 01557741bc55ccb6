/**
 * The public types of @authgate/testing. Kept apart from the implementation so the surface can be read in one place.
 */

/** The JWS algorithms the test issuer can sign with: the asymmetric ones @authgate/core verifies. */
export type SigningAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/** Seconds as a number, or a string such as `'30s'`, `'5m'`, `'1h'`, `'2d'` (a leading `-` counts backwards). */
export type Duration = number | `${number}${'s' | 'm' | 'h' | 'd'}`;

/** A point in time: a `Date`, epoch seconds (number), or a duration string relative to now (`'-5m'`, `'1h'`). */
export type TimeInput = Date | number | `${number}${'s' | 'm' | 'h' | 'd'}`;

/** Claims to put in a token. Registered claims given here win over the issuer's defaults. */
export interface TokenClaims {
  sub?: string;
  scope?: string;
  [claim: string]: unknown;
}

/** A client allowed to call the issuer's introspection endpoint (an API's credentials). */
export interface IntrospectionClient {
  clientId: string;
  /** For client_secret_basic and client_secret_post. */
  clientSecret?: string;
  /** A public JWK, for private_key_jwt (RFC 7523) assertions. */
  publicKey?: import('jose').JWK;
}

/** How `encryptToken` builds the JWE header. */
export interface EncryptOptions {
  /** Key management; default `RSA-OAEP-256` for RSA keys, `ECDH-ES` for EC/OKP keys, `dir` for bytes. */
  alg?: string;
  /** Content encryption; default `A256GCM`. */
  enc?: string;
  /** Header `kid`; default the key's. `null` leaves it out. */
  kid?: string | null;
  /** Header `cty`; default `'JWT'` (nested JWT). `null` leaves it out. */
  cty?: string | null;
  /** Compress (`zip: "DEF"`), which a verifier must refuse. */
  zip?: boolean;
  /** More protected header fields. */
  header?: Readonly<Record<string, unknown>>;
}

export interface EncryptionKeyPair {
  /** For the verifier's `decryption.keys`. */
  privateJwk: import('jose').JWK;
  /** For `encryptToken` / `signEncrypted`. */
  publicJwk: import('jose').JWK;
  /** The same private key as a KeyObject (`decryption.keys: [{ kid, key }]`). */
  privateKey: import('node:crypto').KeyObject;
}

export interface TestIssuerOptions {
  /** Who may call the introspection endpoint. Default one client: `test-api` / `test-api-secret`. */
  introspectionClients?: readonly IntrospectionClient[];
  /** One signing key is kept current per algorithm. The first one is the default for `sign()`. Default `['RS256']`. */
  algorithms?: readonly SigningAlgorithm[];
  /** Interface to listen on. Default `'127.0.0.1'`. Only loopback unless `allowNonLoopback` is set. */
  host?: string;
  /** TCP port. Default 0 (any free port). */
  port?: number;
  /** Allow `host` to be something other than 127.0.0.1, ::1 or localhost. This issuer signs anything for anyone. */
  allowNonLoopback?: boolean;
  /** Path appended to the origin to form the issuer URL, e.g. `'/tenant-a'` → `http://127.0.0.1:PORT/tenant-a`. */
  issuerPath?: string;
  /** `aud` of tokens that name no `audience` of their own. */
  defaultAudience?: string | readonly string[];
}

export interface SignOptions {
  /** `aud`; default the issuer's `defaultAudience`. `null` leaves `aud` out on purpose. */
  audience?: string | readonly string[] | null;
  /** `iss`; default the issuer URL. */
  issuer?: string;
  /** `sub`. */
  subject?: string;
  /** Lifetime counted from `iat`. Default `'5m'`. */
  expiresIn?: Duration;
  /** `nbf`. Absent by default. */
  notBefore?: TimeInput;
  /** `iat`. Default now. */
  issuedAt?: TimeInput;
  /** Which configured algorithm (and so which current key) signs. Default the first configured one. */
  algorithm?: SigningAlgorithm;
  /** Header `kid`; default the signing key's. `null` leaves `kid` out. */
  kid?: string | null;
  /** Header `typ`; default `'at+jwt'` (RFC 9068). `null` leaves `typ` out. */
  typ?: string | null;
  /** More protected header fields. `alg`, `kid` and `typ` are set through their own options. */
  header?: Readonly<Record<string, unknown>>;
  /** Leave `exp` out. */
  noExp?: boolean;
}

/**
 * Tokens that a correct verifier must refuse, each for exactly one reason. Apart from what makes each one bad, they
 * are built like `sign()` builds tokens (same defaults, same options).
 */
export interface BadTokens {
  /** Expired an hour ago (`iat` two hours ago). */
  expired(claims?: TokenClaims, options?: Omit<SignOptions, 'expiresIn' | 'issuedAt' | 'noExp'>): Promise<string>;
  /** `nbf` an hour from now. */
  notYetValid(claims?: TokenClaims, options?: Omit<SignOptions, 'notBefore'>): Promise<string>;
  /**
   * `aud` is `audience` (default `'urn:authgate:testing:wrong-audience'`) whatever `options.audience` says, so the
   * options of a good token can be passed as they are.
   */
  wrongAudience(claims?: TokenClaims, options?: SignOptions, audience?: string): Promise<string>;
  /** Signed with a published key but `iss` is `issuer` (default `'https://wrong-issuer.invalid'`), whatever `options.issuer` says. */
  wrongIssuer(claims?: TokenClaims, options?: SignOptions, issuer?: string): Promise<string>;
  /** Signed by a key of the same algorithm that was never published, with a `kid` nobody knows. */
  unknownKid(claims?: TokenClaims, options?: Omit<SignOptions, 'kid'>): Promise<string>;
  /** Unsigned: header `alg: none`, empty signature. */
  algNone(claims?: TokenClaims, options?: Omit<SignOptions, 'algorithm'>): Promise<string>;
  /**
   * HS256, with the SPKI PEM (trailing newline included) of a published RSA public key as the HMAC secret, and that
   * key's `kid`: the algorithm-confusion attack. Throws unless an RS* or PS* algorithm is configured.
   */
  hmacConfusion(claims?: TokenClaims, options?: Omit<SignOptions, 'algorithm'>): Promise<string>;
  /** Properly signed, then the payload is swapped for one with `changes` merged in (default `{ sub: 'attacker' }`). */
  tampered(claims?: TokenClaims, options?: SignOptions, changes?: Readonly<Record<string, unknown>>): Promise<string>;
  /** No `exp` claim. */
  missingExp(claims?: TokenClaims, options?: Omit<SignOptions, 'noExp' | 'expiresIn'>): Promise<string>;
}

/**
 * Fault injection for one endpoint (the others keep working). One mode at a time: each call replaces the previous
 * mode; `recover()` returns to normal.
 */
export interface EndpointFaults {
  /** Reset the connection (TCP RST) of every JWKS request before answering. */
  down(): void;
  /** Answer every JWKS request with this HTTP status and a small JSON error body. */
  status(code: number): void;
  /** Wait this many milliseconds, then answer normally. */
  slow(ms: number): void;
  /** Never answer (until `recover()` or `close()`; requests already hanging stay hung until `close()`). */
  hang(): void;
  /** 200 with an HTML body. */
  garbage(): void;
  /** 200 with a complete HTTP response whose body is the first half of the JWKS JSON (invalid JSON). */
  truncated(): void;
  /**
   * 200 with a valid JWKS padded to at least `bytes` bytes (default 1 MiB). With `contentLength: false` the body is
   * sent chunked, so a client has to count bytes as they arrive instead of refusing on the header.
   */
  oversized(bytes?: number, options?: { contentLength?: boolean }): void;
  /** 200 with an empty document: `{"keys":[]}` for the JWKS, `{}` for introspection. */
  empty(): void;
  /** Back to normal answers. */
  recover(): void;
  /** Requests received since start or `resetCount()`, whatever the mode (hung and reset ones included). */
  readonly requests: number;
  resetCount(): void;
}

/** Fault injection for the JWKS endpoint. `cacheControl()` is independent of the mode. */
export interface JwksFaults extends EndpointFaults {
  /** `Cache-Control` of JWKS responses; `null` sends none. Default `'public, max-age=300'`. */
  cacheControl(value: string | null): void;
}

/** A published public key. Never holds private members. */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface PublicJwks {
  keys: PublicJwk[];
}

export interface TestIssuer {
  /** The issuer identifier (`iss` of the tokens it signs), e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** `${url}/.well-known/jwks.json` */
  readonly jwksUri: string;
  /** `${url}/token`: a client_credentials token endpoint that trusts every client (test use only). */
  readonly tokenEndpoint: string;
  /** `${url}/introspect`: RFC 7662, for `opaqueToken()`s and the issuer's JWTs; named in discovery. */
  readonly introspectionEndpoint: string;
  /** The configured algorithms, default first. */
  readonly algorithms: readonly SigningAlgorithm[];
  /**
   * An opaque access token: random characters, its claims known only to the introspection endpoint (built like
   * `sign()` builds a payload: same defaults and options).
   */
  opaqueToken(claims?: TokenClaims, options?: Omit<SignOptions, 'algorithm' | 'kid' | 'typ' | 'header'>): string;
  /** The introspection endpoint answers `{"active":false}` for this token (opaque or JWT) from now on. */
  revoke(token: string): void;
  /** Signs like `sign()`, then encrypts the JWT to `key` (the API's public encryption key): a nested JWE. */
  signEncrypted(
    claims: TokenClaims | undefined,
    options: SignOptions | undefined,
    key: import('jose').JWK,
    encryption?: EncryptOptions,
  ): Promise<string>;
  /** Fault injection and latency for the introspection endpoint (same modes as `jwks`; `empty()` answers `{}`). */
  readonly introspection: EndpointFaults;
  /** Signs an access token with the current key of `options.algorithm` (default the first algorithm). */
  sign(claims?: TokenClaims, options?: SignOptions): Promise<string>;
  /** Makes a new key current for each algorithm (or just `algorithm`); old keys stay published. Returns the new kids. */
  rotate(algorithm?: SigningAlgorithm): Promise<string[]>;
  /**
   * Stops publishing a key. Removing the current key of an algorithm is allowed: `sign()` keeps using it until the
   * next `rotate()`, which is how to mint tokens from a withdrawn key. Throws for a kid that is not published.
   */
  removeKey(kid: string): Promise<void>;
  /** The kid `sign()` uses for this algorithm (default the first). */
  currentKid(algorithm?: SigningAlgorithm): string;
  /** The JWK Set the JWKS endpoint serves when healthy: public members only. */
  publicJwks(): PublicJwks;
  readonly bad: BadTokens;
  readonly jwks: JwksFaults;
  /** Stops the server, destroying open connections (hung requests included). Safe to call twice. */
  close(): Promise<void>;
}
