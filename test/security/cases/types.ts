/** What an attack case is, and the attack classes SECURITY.md lists. */
import type { AuthErrorCode, AuthErrorReason, ScopeMode } from '@authgate/core';
import type { ProfileName } from '../context.js';

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

export type AttackClass =
  | 'alg-none'
  | 'alg-confusion'
  | 'alg-allowlist'
  | 'alg-key-binding'
  | 'key-injection'
  | 'kid-hostility'
  | 'signature'
  | 'structure'
  | 'claims'
  | 'hostile-jwks'
  | 'multi-issuer'
  | 'transport'
  | 'scopes';

export type ExpectedStatus = 400 | 401 | 403 | 503;

export interface Expectation {
  status: ExpectedStatus;
  reason: AuthErrorReason;
  /** RFC 6750 `error` code; `undefined` when the client sent no (bearer) credentials or for a 503. */
  code: AuthErrorCode | undefined;
}

export interface AttackCase {
  class: AttackClass;
  /** Unique within the list; stable, so failures can be tracked across runners. */
  name: string;
  /** Which verifier configuration (`ctx.profiles[profile]`) the case runs under. */
  profile: ProfileName;
  /** Sent as `Authorization: Bearer <token>` (unless `authorization` is given). */
  token?: string;
  /** Raw `Authorization` header value; an array means that many separate header lines. */
  authorization?: string | readonly string[];
  /** Request parts where a token must NOT be looked for (tokenLocations are header-only by default). */
  query?: Readonly<Record<string, string>>;
  form?: Readonly<Record<string, string>>;
  cookie?: string;
  /** The route's scope requirement (a scope guard runs after authentication). */
  requiredScopes?: readonly string[];
  scopeMode?: ScopeMode;
  /** The answer over HTTP, i.e. through `createRequestAuthenticator` and every adapter. */
  expect: Expectation;
  /**
   * `verifier.verify(token)` called directly, when that differs from `expect`: only for tokens that are not
   * RFC 6750 b64token-legal, which the Authorization header parser refuses (400) before the verifier sees them.
   */
  expectDirect?: Expectation;
  /**
   * False when Node's HTTP client cannot send the header (control characters): adapters skip the case. Every case
   * fits Node's default 16 KiB header limit.
   */
  httpSafe: boolean;
}

/** A request that MUST be accepted: the control group proving refusals are not an artefact of a broken setup. */
export interface AcceptCase {
  class: AttackClass;
  name: string;
  profile: ProfileName;
  token?: string;
  authorization?: string;
  requiredScopes?: readonly string[];
  scopeMode?: ScopeMode;
  /** What the identity must say. */
  identity: { subject?: string; issuer?: string; alg?: string; scopes?: readonly string[] };
  /** Why this is accepted although it looks like an attack (documented behaviour). */
  why?: string;
}

/** For the SECURITY.md table: what each class is and where it is tested. */
export interface AttackClassInfo {
  class: AttackClass;
  title: string;
  attacks: string;
  files: readonly string[];
}

const CORE = 'test/security/core-attacks.test.ts';
/** Every HTTP-sendable case is replayed through Express and Fastify there, so every class lists it. */
const ADAPTERS = 'test/security/adapter-attacks.test.ts';
const WYCHEPROOF = 'test/security/wycheproof.test.ts';
const FUZZ = 'test/security/fuzz-core.test.ts';

const CLASSES_TESTED_IN_CORE: readonly AttackClassInfo[] = [
  { class: 'alg-none', title: 'Unsigned tokens', attacks: 'alg none/None/NONE/nOnE, with and without a signature part', files: [CORE, WYCHEPROOF] },
  {
    class: 'alg-confusion',
    title: 'Algorithm confusion (RSA/EC public key as HMAC secret)',
    attacks: 'HS256/384/512 keyed with the public key as SPKI PEM, SPKI DER, PKCS#1 PEM, JWK n, raw n, JWK JSON',
    files: [CORE, WYCHEPROOF],
  },
  {
    class: 'alg-allowlist',
    title: 'Algorithms outside the allowlist',
    attacks: 'RS384/ES384/RS512/PS384/Ed25519 with valid signatures from published keys; alg case/space variants; non-string or missing alg',
    files: [CORE],
  },
  {
    class: 'alg-key-binding',
    title: 'Header alg not matching the key',
    attacks: 'RS256 on an EC key, ES256 on an RSA key, PS256 on a JWK with alg RS256 (and back), curve mismatch, EdDSA/ES256 swaps',
    files: [CORE, WYCHEPROOF],
  },
  {
    class: 'key-injection',
    title: 'Key injection through the token',
    attacks:
      'embedded jwk (CVE-2018-0114), jku and x5u to an attacker server, x5c attacker certificate, iss pointing at the attacker (discovery SSRF); trap server must see zero requests',
    files: [CORE, WYCHEPROOF],
  },
  {
    class: 'kid-hostility',
    title: 'Hostile kid values',
    attacks: 'unknown, empty, 5k/10k chars, path traversal, SQL/shell injection, NUL, prototype names, URL; number/object/array/bool/null',
    files: [CORE, FUZZ],
  },
  {
    class: 'signature',
    title: 'Signature games',
    attacks:
      'stripped or swapped signature, tampered header/payload, ECDSA r=s=0 (CVE-2022-21449), r=s=n, DER instead of P1363, truncated/extended, Ed25519 non-canonical S, PKCS#1/PSS swaps',
    files: [CORE, WYCHEPROOF, FUZZ],
  },
  {
    class: 'structure',
    title: 'Malformed structure and encodings',
    attacks:
      'JWE, 1/2/4/6 parts, empty, non-JSON and non-object JSON, duplicate members, prototype keys, oversize, deep nesting, crit, b64:false, zip/enc, non-canonical base64url (padding, +/, whitespace, unused bits)',
    files: [CORE, WYCHEPROOF, FUZZ],
  },
  {
    class: 'claims',
    title: 'Claim validation',
    attacks:
      'iss variants (prefix, slash, case, suffix), aud mismatch/missing/replay/array/empty, exp/nbf/iat, wrong claim types, Infinity exp, ID token as access token (typ)',
    files: [CORE],
  },
  {
    class: 'hostile-jwks',
    title: 'Hostile key sets',
    attacks:
      'use enc, key_ops encrypt / non-array, RSA 1024, RSA e=1 forgery, duplicate kids, private or symmetric members, off-curve point, alg/curve mismatch, encryption alg, a set with no usable key (503)',
    files: [CORE, WYCHEPROOF],
  },
  {
    class: 'multi-issuer',
    title: 'Issuer/key binding across issuers',
    attacks: "issuer A's key for a token claiming issuer B (own kid or B's kid), unlisted issuer",
    files: [CORE],
  },
  {
    class: 'transport',
    title: 'Authorization header and token transport',
    attacks:
      'other schemes, bare token, two tokens in one header, two Authorization headers, tab/quotes, empty header, token in query/body/cookie when not enabled, very long header',
    files: [CORE, FUZZ],
  },
  {
    class: 'scopes',
    title: 'Scope checks',
    attacks:
      'substring/prefix/case-folding, comma or tab separated, empty scope, all-of vs any-of, scp array, unconfigured claim, prototype-smuggled scope',
    files: [CORE],
  },
];

export const ATTACK_CLASSES: readonly AttackClassInfo[] = CLASSES_TESTED_IN_CORE.map((info) => ({ ...info, files: [...info.files, ADAPTERS] }));
