import type { KeyObject } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { normalizeSecret, type SharedSecret } from './keys/secret.js';
import { normalizeAlgorithms, type Algorithm } from './keys/algorithms.js';
import { fail, nonEmptyStrings, nonNegativeSeconds, positiveInteger } from './config/validate.js';
import { normalizeJwksOptions } from './keys/jwks-options.js';
import { normalizeIssuers, type NormalizedIssuer } from './keys/issuer-options.js';
import type { ClaimPath, NormalizedClaimPath } from './token/claim-path.js';
import { normalizeClaimPaths } from './token/claim-values.js';
import { normalizeClaimRules, type ClaimExpectations, type ClaimRule } from './token/claim-rules.js';
import type { IssuerTemplate } from './token/issuer-template.js';
import { normalizeTyp } from './token/typ.js';
import { DEFAULT_REALM } from './errors.js';
import type { KeySourceEvent } from './events.js';
import { DEFAULT_SCOPE_CLAIMS } from './guards/scopes.js';
import { getDefaultLogger, SILENT_LOGGER } from './logger.js';
import { checkVerifierOptionNames } from './config/option-keys.js';
import { normalizeIntrospection, type IntrospectionOptions, type NormalizedIntrospection } from './introspection/options.js';
import { normalizeDecryption, type DecryptionOptions, type NormalizedDecryption } from './token/jwe.js';
import { normalizeTokenKind, type NormalizedTokenKind, type TokenKindOption } from './token/kind.js';
import { normalizeTrustDomain } from './token/spiffe-id.js';
import { validateRevocationList } from './revocation/check.js';
import type { RevocationList } from './revocation/types.js';
import { normalizeHeaderRules, type HeaderRuleOptions, type NormalizedHeaderRules } from './token/header-rules.js';
import { normalizePublicKeyUri, type PemKeyOptions } from './keys/pem-options.js';

/** Just the logging methods authgate calls; any pino logger fits. */
export interface AuthLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** One trusted issuer and where its keys come from. */
export interface IssuerConfig {
  /**
   * Exact `iss` value, compared as a string (no normalisation, no trailing-slash games), or a template with
   * `{claimName}` placeholders (`https://login.microsoftonline.com/{tid}/v2.0`): see `VerifierOptions.issuer`.
   */
  issuer: string;
  /** The issuer's JWKS URL. Omit both this and `jwks` to find it by OIDC / RFC 8414 discovery. */
  jwksUri?: string;
  /** A fixed key set: no network at all (air-gapped). */
  jwks?: JSONWebKeySet;
}

/** Tuning for remote key sets. Every duration is in **seconds**. */
export interface JwksOptions {
  /** Abort a JWKS or discovery fetch after this many seconds. Default 5. */
  timeout?: number;
  /** Refuse JWKS and discovery responses larger than this many bytes. Default 256 KiB. */
  maxResponseBytes?: number;
  /** Refresh the key set after this long even without an unknown kid; `Cache-Control: max-age` is honoured within [minAge, maxAge]. Default 600. */
  maxAge?: number;
  /** Lower bound for a server's `Cache-Control: max-age`. Default 60. */
  minAge?: number;
  /** Keep verifying with the last good key set this long after it should have been refreshed, while refreshes fail. Default 3600. */
  maxStale?: number;
  /** Refetches triggered by unknown kids: up to `burst` at once, then one per `cooldown` seconds. Defaults 3 and 30. */
  burst?: number;
  cooldown?: number;
  /** An unknown kid just looked up is refused from memory for this long. Default 5. */
  negativeCacheTtl?: number;
}

/** Tuning for the verified-token cache. */
export interface TokenCacheOptions {
  /** Most identities kept. Default 10,000. */
  maxEntries?: number;
}

export interface VerifierOptions extends HeaderRuleOptions, PemKeyOptions {
  /**
   * The trusted issuer(s): an exact-match allowlist. A token naming any other `iss` is refused without a network
   * request. `null` skips the issuer check on purpose (then `jwksUri` or `jwks` is required).
   *
   * An issuer containing `{claimName}` is a template: it matches a token whose `iss` equals it with each placeholder
   * replaced by that claim of the same token, which must be a string of `[A-Za-z0-9._-]{1,64}`
   * (`https://login.microsoftonline.com/{tid}/v2.0` for multi-tenant Entra ID). A template needs `jwksUri` or
   * `jwks` (never discovery from a token-chosen URL).
   */
  issuer: string | IssuerConfig | ReadonlyArray<string | IssuerConfig> | null;
  /** Accepted audience(s); the token's `aud` (string or array) must name one. `null` skips the check on purpose. */
  audience: string | readonly string[] | null;
  /**
   * Accepted signing algorithms, decided here and never by the token. Asymmetric with key sets; with `secret`,
   * `HS256` / `HS384` / `HS512` and nothing else.
   */
  algorithms: readonly Algorithm[];
  /**
   * A shared HMAC secret (string as UTF-8, bytes, or a secret `KeyObject`) for tokens between services that trust
   * each other; then `algorithms` lists only HS256/384/512, and no `jwks`, `jwksUri` or discovery is used. At least
   * 32 / 48 / 64 bytes for HS256 / HS384 / HS512 (RFC 7518 §3.2). `iss`, `aud` and `exp` are still checked as
   * configured. None by default.
   */
  secret?: SharedSecret;
  /**
   * JWKS URL of every issuer that names no keys of its own: one key set fetched once for all of them (Google signs
   * under two issuer spellings with one set). Must be https (http only on loopback, or with `allowInsecureHttp`).
   * A JWK with an `issuer` member verifies only tokens whose `iss` equals it, `{tenantid}` replaced by their `tid`.
   */
  jwksUri?: string;
  /** A fixed key set for every issuer that names no keys of its own: no network at all. */
  jwks?: JSONWebKeySet;
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. Default 5. */
  clockTolerance?: number;
  /** Refuse tokens whose `iat` is older than this many seconds (requires `iat`). Off by default. */
  maxTokenAge?: number;
  /** Accepted `typ` header values, e.g. `'at+jwt'` (RFC 9068) to keep ID tokens out. `application/` prefix and case are ignored. */
  typ?: string | readonly string[];
  /** Claims that must be present besides `exp`, `iss` and `aud` (which are always required unless opted out). */
  requiredClaims?: readonly string[];
  /**
   * Claims scopes are read from, in order. Default `['scope', 'scp']`. A string is one top-level claim taken whole
   * (dots included); an array is a nested path (`['ext', 'scopes']`). Values: space-delimited strings or string arrays.
   */
  scopeClaims?: readonly ClaimPath[];
  /**
   * Claims roles are read from, merged into `identity.roles`. Default `['roles']`. Claim paths as in `scopeClaims`:
   * `['roles', ['realm_access', 'roles']]`. Values: arrays of strings or space-delimited strings; other types ignored.
   */
  rolesClaims?: ClaimPath | readonly ClaimPath[];
  /**
   * Claims every token must carry with an accepted value, checked after the signature: `{ [claim]: expected }`, or
   * `[[path, expected], ...]` for nested claims (`[[['ext', 'tier'], 'gold']]`). `expected` is a string, number or
   * boolean (equal; an array claim must contain it), an array (the claim equals one of them or, if an array, shares
   * one) or a function `(value, payload) => boolean` that must return `true` (never called for a missing claim).
   * Missing or different → 401 `claim_mismatch` naming the claim (never its value). None by default.
   */
  claims?: ClaimExpectations;
  /** Tokens longer than this many characters are refused before any parsing. Default 8192. */
  maxTokenLength?: number;
  /** RFC 6750 realm in challenges. Default `"api"`. */
  realm?: string;
  /** Allow `http:` key and discovery URLs outside loopback. Off by default; never do this in production. */
  allowInsecureHttp?: boolean;
  /** Remote key set tuning. */
  jwksOptions?: JwksOptions;
  /** Verified-token cache; `false` turns it off. On by default. */
  cache?: TokenCacheOptions | false;
  /**
   * Check signatures on libuv's thread pool (node:crypto's callback form) instead of synchronously on the calling
   * thread. Off by default: synchronous is faster per token, and is what a process on one core (or each worker of a
   * cluster) wants. On, one process spreads signature checks over several cores under concurrent load, at the cost
   * of a hand-off per token; size the pool with `UV_THREADPOOL_SIZE`. Cached tokens never reach either.
   */
  verifyInThreadPool?: boolean;
  /**
   * A pino logger (or anything with the same methods), or `false` to silence authgate. Default: pino to stderr at
   * `warn` (`AUTHGATE_LOG_LEVEL` changes the level): key-source outages and recoveries are printed, once per change.
   */
  logger?: AuthLogger | false;
  /**
   * RFC 7662 introspection: opaque (non-JWT) tokens are checked by asking the authorization server, through a cache
   * whose `maxTtl` (default 60 s) is the revocation delay. Off by default: opaque tokens are refused (401).
   */
  introspection?: IntrospectionOptions;
  /** Decrypt JWE access tokens (nested JWTs) with these keys; the inner JWS is then verified as usual. Off by default (JWEs are refused). */
  decryption?: DecryptionOptions;
  /**
   * A denylist consulted for every accepted token, cached ones included (`createMemoryRevocationList()`, or
   * `createRedisRevocationList()` from `@authgate/redis` for a fleet). A revoked token gets 401 `revoked`. Tokens
   * without `jti` cannot be revoked one by one, and tokens without `iat` are refused once their subject or client
   * has an entry: add `requiredClaims: ['jti', 'iat']` to refuse such tokens outright. Off by default.
   */
  revocation?: RevocationList;
  /** Called for key-set refreshes, refresh failures and rejected tokens (metrics hook). If it throws, that is logged and ignored. */
  onEvent?: (event: KeySourceEvent) => void;
  /** Tells client tokens from user tokens (`identity.kind`) beyond the built-in rules. Default: the built-in rules only. */
  tokenKind?: TokenKindOption;
  /** The JWK `use` a key must have to verify tokens. Default `'sig'` (a key without `use` is accepted too). SPIFFE bundles: `'jwt-svid'`. */
  keyUse?: string;
  /** A SPIFFE trust domain: `sub` must be a workload SPIFFE ID in it, and becomes `identity.workload`. Off by default. */
  trustDomain?: string;
}

/** Options after validation: every default applied, every list a Set or array, every duration in seconds. */
export interface NormalizedOptions {
  issuers: readonly NormalizedIssuer[];
  /** Exact issuers (templates excluded); null when the issuer check was opted out of. */
  issuerAllowlist: ReadonlySet<string> | null;
  /** Issuer templates, tried only when the exact allowlist misses. */
  issuerTemplates: readonly IssuerTemplate[];
  audience: readonly string[] | null;
  algorithms: ReadonlySet<Algorithm>;
  /** The shared HMAC secret, validated; undefined when keys come from key sets. */
  secret: KeyObject | undefined;
  clockTolerance: number;
  maxTokenAge: number | undefined;
  typ: ReadonlySet<string> | undefined;
  requiredClaims: readonly string[];
  scopeClaims: readonly NormalizedClaimPath[];
  rolesClaims: readonly NormalizedClaimPath[];
  /** undefined when no `claims` are configured: the request path skips the step entirely. */
  claimRules: readonly ClaimRule[] | undefined;
  maxTokenLength: number;
  realm: string;
  allowInsecureHttp: boolean;
  jwks: Required<JwksOptions>;
  cache: Required<TokenCacheOptions> | false;
  verifyInThreadPool: boolean;
  introspection: NormalizedIntrospection | undefined;
  decryption: NormalizedDecryption | undefined;
  revocation: RevocationList | undefined;
  logger: AuthLogger;
  onEvent: (event: KeySourceEvent) => void;
  tokenKind: NormalizedTokenKind;
  keyUse: string;
  trustDomain: string | undefined;
  headerRules: NormalizedHeaderRules;
  /** URL template with `{kid}` for per-kid PEM keys (AWS ALB), checked against the URL policy. */
  publicKeyUri: string | undefined;
}

const DEFAULT_MAX_TOKEN_LENGTH = 8192;
const DEFAULT_CLOCK_TOLERANCE = 5;
const DEFAULT_CACHE_ENTRIES = 10_000;
const DEFAULT_SCOPE_PATHS: readonly NormalizedClaimPath[] = Object.freeze(DEFAULT_SCOPE_CLAIMS.map((claim) => Object.freeze([claim])));
const DEFAULT_ROLES_PATHS: readonly NormalizedClaimPath[] = Object.freeze([Object.freeze(['roles'])]);
// RFC 7230 qdtext without quote and backslash: what can sit inside realm="..." without escaping surprises.
const REALM_CHARS = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

/** Validates everything once, at construction; every message says what to fix. */
export function normalizeOptions(options: VerifierOptions): NormalizedOptions {
  if (options === null || typeof options !== 'object') fail('options are required: { issuer, audience, algorithms, jwksUri | jwks }');
  checkVerifierOptionNames(options);
  const issuers = normalizeIssuers(options);
  const algorithms = normalizeAlgorithms(options.algorithms, options.secret !== undefined);
  if (options.audience === undefined) {
    fail('audience is required: the identifier of this API in your identity provider (or null to skip the check on purpose)');
  }
  const realm = options.realm ?? DEFAULT_REALM;
  if (typeof realm !== 'string' || !REALM_CHARS.test(realm)) fail('realm must be printable ASCII without quotes or backslashes');
  const requiredClaims = options.requiredClaims === undefined ? [] : nonEmptyStrings('requiredClaims', options.requiredClaims);
  const scopeClaims = normalizeClaimPaths(options.scopeClaims, 'scopeClaims', DEFAULT_SCOPE_PATHS);
  const cache =
    options.cache === false ? false : { maxEntries: positiveInteger('cache.maxEntries', options.cache?.maxEntries, DEFAULT_CACHE_ENTRIES) };
  const maxTokenAge = options.maxTokenAge === undefined ? undefined : nonNegativeSeconds('maxTokenAge', options.maxTokenAge, 0);
  const logger = options.logger === false ? SILENT_LOGGER : (options.logger ?? getDefaultLogger());
  return {
    issuers,
    issuerAllowlist:
      options.issuer === null ? null : new Set(issuers.filter((entry) => entry.template === undefined).map((entry) => entry.issuer as string)),
    issuerTemplates: issuers.flatMap((entry) => (entry.template === undefined ? [] : [entry.template])),
    audience: options.audience === null ? null : nonEmptyStrings('audience', options.audience),
    algorithms,
    secret: options.secret === undefined ? undefined : normalizeSecret(options.secret, algorithms),
    clockTolerance: nonNegativeSeconds('clockTolerance', options.clockTolerance, DEFAULT_CLOCK_TOLERANCE),
    maxTokenAge,
    typ: normalizeTyp(options.typ),
    requiredClaims: [...new Set(['exp', ...requiredClaims, ...(maxTokenAge === undefined ? [] : ['iat'])])],
    scopeClaims,
    rolesClaims: normalizeClaimPaths(options.rolesClaims, 'rolesClaims', DEFAULT_ROLES_PATHS),
    claimRules: normalizeClaimRules(options.claims),
    maxTokenLength: positiveInteger('maxTokenLength', options.maxTokenLength, DEFAULT_MAX_TOKEN_LENGTH),
    realm,
    allowInsecureHttp: options.allowInsecureHttp === true,
    jwks: normalizeJwksOptions(options.jwksOptions),
    cache,
    verifyInThreadPool: options.verifyInThreadPool === true,
    introspection: normalizeIntrospection(
      options.introspection,
      issuers.filter((entry) => entry.template === undefined).map((entry) => entry.issuer),
      options.allowInsecureHttp === true,
    ),
    decryption: normalizeDecryption(options.decryption),
    revocation: validateRevocationList(options.revocation),
    logger,
    onEvent: options.onEvent === undefined ? () => {} : guardedHook(options.onEvent, logger),
    tokenKind: normalizeTokenKind(options.tokenKind),
    keyUse: options.keyUse === undefined ? 'sig' : (nonEmptyStrings('keyUse', options.keyUse)[0] as string),
    trustDomain: options.trustDomain === undefined ? undefined : normalizeTrustDomain(options.trustDomain),
    headerRules: normalizeHeaderRules(options),
    publicKeyUri: normalizePublicKeyUri(options),
  };
}

/** An application's event hook that throws is its bug: logged, and never allowed to change or break an answer. */
function guardedHook(onEvent: (event: KeySourceEvent) => void, logger: AuthLogger): (event: KeySourceEvent) => void {
  return (event) => {
    try {
      onEvent(event);
    } catch (error) {
      logger.error({ event: event.type, err: { name: (error as Error)?.name } }, 'authgate: the onEvent hook threw');
    }
  };
}
