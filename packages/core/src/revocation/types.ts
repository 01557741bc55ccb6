/**
 * The revocation list the verifier consults for every token it accepts, freshly verified or served from its cache.
 * Every time is in epoch **seconds**.
 */

/** The claims a revocation decision reads: a verified token's payload. */
export interface RevocableClaims {
  iss?: unknown;
  sub?: unknown;
  jti?: unknown;
  iat?: unknown;
  client_id?: unknown;
  azp?: unknown;
  [claim: string]: unknown;
}

/**
 * What `createVerifier({ revocation })` accepts. `isRevoked` runs on the request path for every token, so it must be
 * synchronous and answer from memory (`@authgate/redis` keeps an in-memory mirror of Redis for this).
 */
export interface RevocationList {
  /**
   * True when the token has been revoked. May throw an `AuthError` (`revocation_unavailable`, 503) when the list
   * cannot decide and is configured to fail closed; any other throw is treated the same way.
   */
  isRevoked(claims: RevocableClaims): boolean;
  /**
   * Told by each verifier it is given to: token entries are kept until the token's `exp` plus the largest
   * `clockTolerance` (seconds) a verifier allows, since that verifier accepts the token that long.
   */
  retainPastExpiry?(seconds: number): void;
}

/** One token, by `jti`. Kept until `exp` (plus the verifiers' clock tolerance), then dropped. */
export interface TokenRevocation {
  jti: string;
  /** The token's `exp`, epoch seconds. */
  exp: number;
  /** Only this issuer's token with that `jti`; omitted: every issuer's. */
  iss?: string;
}

/** Every token of a subject issued before a time ("log out everywhere", a compromised account). */
export interface SubjectRevocation {
  sub: string;
  /** Tokens with `iat` < `before` are refused (epoch seconds). Default: the time of the call (whole seconds). */
  before?: number;
  /** Only this issuer's subject; omitted: the subject at every issuer. */
  iss?: string;
}

/** Every token of a client (`client_id`, else `azp`) issued before a time. */
export interface ClientRevocation {
  clientId: string;
  /** Tokens with `iat` < `before` are refused (epoch seconds). Default: the time of the call (whole seconds). */
  before?: number;
  /** Only this issuer's client; omitted: the client at every issuer. */
  iss?: string;
}

/** The in-memory list: one process's denylist, and the mirror inside `@authgate/redis`. */
export interface MemoryRevocationList extends RevocationList {
  revokeToken(entry: TokenRevocation): void;
  revokeSubject(entry: SubjectRevocation): void;
  revokeClient(entry: ClientRevocation): void;
  unrevokeToken(entry: TokenRevocation | Omit<TokenRevocation, 'exp'>): void;
  unrevokeSubject(entry: SubjectRevocation): void;
  unrevokeClient(entry: ClientRevocation): void;
  /** Every entry, for copying a list (the Redis mirror's resync). */
  entries(): IterableIterator<RevocationEntry>;
  /** Stores an entry already in its stored form (what a mirror receives); the last write for a kind, id and issuer wins. */
  add(entry: RevocationEntry): void;
  /** Forgets an entry in its stored form; a no-op when there is none. */
  remove(entry: Pick<RevocationEntry, 'kind' | 'id' | 'iss'>): void;
  /** Keep token entries at least this many seconds past `exp` (each verifier passes its `clockTolerance`). */
  retainPastExpiry(seconds: number): void;
  /** Live entries (expired ones are dropped first). */
  readonly size: number;
}

/** One entry as stored: `value` is the token's `exp` for a token, the `before` cut-off for a subject or client. */
export interface RevocationEntry {
  kind: 'token' | 'subject' | 'client';
  /** The `jti`, `sub` or client id. */
  id: string;
  /** null: every issuer. */
  iss: string | null;
  value: number;
}

export interface MemoryRevocationListOptions {
  /**
   * Most entries held. A write past it (after dropping expired entries) throws rather than silently forgetting a
   * revocation. Default 1,000,000 (about 100 MB at worst; see the README for sizing).
   */
  maxEntries?: number;
  /**
   * Subject and client entries are dropped this many seconds after their `before` (by then every token issued
   * before it has expired). Set it to your longest access-token lifetime. Default 86,400 (one day).
   */
  maxTokenLifetime?: number;
  /** Token entries are kept this long past the token's `exp` (at least each verifier's `clockTolerance`). Default 5. */
  retainPastExpiry?: number;
}
