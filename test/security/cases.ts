/**
 * Every known JWT attack, as DATA: one `AttackCase` per attempt, built against a `SecurityContext` (keys, JWKS
 * server, trap server, verifier profiles). The core runner (core-attacks.test.ts) sends each case through
 * `createVerifier` + `createRequestAuthenticator`; the Express and Fastify runners replay the same list over HTTP.
 *
 * Expectations are adapter-independent: the HTTP status, the stable `reason` and the RFC 6750 error code, as any
 * adapter must answer them. They are written down here from the specs (RFC 6750 §3.1 for status/code), not derived
 * from core's own tables, so the suite also checks that core maps reasons the way the RFC says.
 */
import { createHash } from 'node:crypto';
import type { AuthErrorCode, AuthErrorReason, ScopeMode } from '@authgate/core';
import {
  ACCESS_TOKEN_TYP,
  AUDIENCE,
  b64,
  compact,
  fromB64,
  ISSUER,
  ISSUER_A,
  ISSUER_B,
  publicKeyEncodings,
  rawSign,
  tamper,
  type ProfileName,
  type SecurityContext,
  type SigningAlg,
  type SuiteKey,
} from './context.js';

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
    attacks: 'embedded jwk (CVE-2018-0114), jku and x5u to an attacker server, x5c attacker certificate, iss pointing at the attacker (discovery SSRF); trap server must see zero requests',
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
    attacks: 'stripped or swapped signature, tampered header/payload, ECDSA r=s=0 (CVE-2022-21449), r=s=n, DER instead of P1363, truncated/extended, Ed25519 non-canonical S, PKCS#1/PSS swaps',
    files: [CORE, WYCHEPROOF, FUZZ],
  },
  {
    class: 'structure',
    title: 'Malformed structure and encodings',
    attacks: 'JWE, 1/2/4/6 parts, empty, non-JSON and non-object JSON, duplicate members, prototype keys, oversize, deep nesting, crit, b64:false, zip/enc, non-canonical base64url (padding, +/, whitespace, unused bits)',
    files: [CORE, WYCHEPROOF, FUZZ],
  },
  {
    class: 'claims',
    title: 'Claim validation',
    attacks: 'iss variants (prefix, slash, case, suffix), aud mismatch/missing/replay/array/empty, exp/nbf/iat, wrong claim types, Infinity exp, ID token as access token (typ)',
    files: [CORE],
  },
  {
    class: 'hostile-jwks',
    title: 'Hostile key sets',
    attacks: 'use enc, key_ops encrypt / non-array, RSA 1024, RSA e=1 forgery, duplicate kids, private or symmetric members, off-curve point, alg/curve mismatch, encryption alg, a set with no usable key (503)',
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
    attacks: 'other schemes, bare token, two tokens in one header, two Authorization headers, tab/quotes, empty header, token in query/body/cookie when not enabled, very long header',
    files: [CORE, FUZZ],
  },
  {
    class: 'scopes',
    title: 'Scope checks',
    attacks: 'substring/prefix/case-folding, comma or tab separated, empty scope, all-of vs any-of, scp array, unconfigured claim, prototype-smuggled scope',
    files: [CORE],
  },
];

export const ATTACK_CLASSES: readonly AttackClassInfo[] = CLASSES_TESTED_IN_CORE.map((info) => ({ ...info, files: [...info.files, ADAPTERS] }));

// ---------------------------------------------------------------------------------------------------------------
// Expectations, from RFC 6750 §3.1
// ---------------------------------------------------------------------------------------------------------------

const NO_CREDENTIALS = new Set<AuthErrorReason>(['credentials_missing', 'unsupported_scheme']);
const INVALID_REQUEST = new Set<AuthErrorReason>(['malformed_request', 'multiple_credentials']);

/** The status and error code RFC 6750 prescribes for a reason (the spec's table, written independently of core). */
export function expectation(reason: AuthErrorReason): Expectation {
  if (NO_CREDENTIALS.has(reason)) return { status: 401, reason, code: undefined };
  if (INVALID_REQUEST.has(reason)) return { status: 400, reason, code: 'invalid_request' };
  if (reason === 'insufficient_scope') return { status: 403, reason, code: 'insufficient_scope' };
  if (reason === 'key_source_unavailable') return { status: 503, reason, code: undefined };
  if (reason.startsWith('dpop_proof_')) return { status: 401, reason, code: 'invalid_dpop_proof' };
  return { status: 401, reason, code: 'invalid_token' };
}

/** RFC 6750 §2.1 b64token: what may follow `Bearer ` at all. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** What Node's HTTP client refuses in a header value. */
const HTTP_UNSAFE = /[\0-\x08\x0a-\x1f\x7f]|[^\0-\xff]/;

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

interface TokenCaseOptions {
  profile?: ProfileName;
  requiredScopes?: readonly string[];
  scopeMode?: ScopeMode;
}

function tokenCase(cls: AttackClass, name: string, token: string, reason: AuthErrorReason, options: TokenCaseOptions = {}): AttackCase {
  const direct = expectation(reason);
  const legal = B64TOKEN.test(token);
  return {
    class: cls,
    name,
    profile: options.profile ?? 'strict',
    token,
    ...(options.requiredScopes === undefined ? {} : { requiredScopes: options.requiredScopes }),
    ...(options.scopeMode === undefined ? {} : { scopeMode: options.scopeMode }),
    expect: legal ? direct : expectation('malformed_request'),
    ...(legal ? {} : { expectDirect: direct }),
    httpSafe: !HTTP_UNSAFE.test(`Bearer ${token}`),
  };
}

function requestCase(
  cls: AttackClass,
  name: string,
  request: Pick<AttackCase, 'authorization' | 'query' | 'form' | 'cookie'>,
  reason: AuthErrorReason,
): AttackCase {
  const values = request.authorization === undefined ? [] : typeof request.authorization === 'string' ? [request.authorization] : request.authorization;
  return {
    class: cls,
    name,
    profile: 'strict',
    ...request,
    expect: expectation(reason),
    httpSafe: values.every((value) => !HTTP_UNSAFE.test(value)),
  };
}

function parts(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}

/** The signing input of a token, re-signed with another algorithm/key (a valid signature for a lying header). */
function resign(token: string, alg: SigningAlg, key: SuiteKey['privateKey'] | Buffer | string): string {
  const [h, p] = parts(token);
  return `${h}.${p}.${rawSign(alg, key, `${h}.${p}`).toString('base64url')}`;
}

/** A header + payload signed by `key` (headers and payloads may be raw JSON text, e.g. with duplicate members). */
function signed(header: object | string, payload: object | string, key: SuiteKey, alg: SigningAlg = key.alg): string {
  return compact(header, payload, alg, key.privateKey);
}

/** Raw JSON text of an object with one extra (duplicate) member appended: JSON.stringify cannot produce those. */
function withDuplicate(value: Record<string, unknown>, name: string, duplicate: unknown): string {
  return `${JSON.stringify(value).slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(duplicate)}}`;
}

/** A segment whose last character carries non-zero unused bits: decodes to the same bytes, not canonical. */
export function nonCanonicalTail(segment: string): string | undefined {
  const rest = segment.length % 4;
  if (rest === 0 || rest === 1) return undefined;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const value = alphabet.indexOf(segment.at(-1) as string);
  return `${segment.slice(0, -1)}${alphabet[value | 1]}`;
}

/** Standard base64 alphabet instead of base64url. */
function toStdAlphabet(segment: string): string {
  return segment.replace(/-/g, '+').replace(/_/g, '/');
}

/** Minimal DER encoding of an ECDSA (r, s) pair given as P1363 raw bytes. */
function p1363ToDer(raw: Buffer): Buffer {
  const half = raw.length / 2;
  const integer = (bytes: Buffer): Buffer => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i += 1;
    let body = bytes.subarray(i);
    if (((body[0] as number) & 0x80) !== 0) body = Buffer.concat([Buffer.from([0]), body]);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const seq = Buffer.concat([integer(raw.subarray(0, half)), integer(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30, seq.length]), seq]);
}

export const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const ED25519_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

export function bigToBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

function bytesToBig(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

/** RSA PKCS#1 v1.5 encoded SHA-256 digest (EM) for a modulus of `length` bytes. With e = 1 this IS a "signature". */
export function pkcs1Sha256(data: string, length: number): Buffer {
  const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(data).digest()]);
  const padding = Buffer.alloc(length - digestInfo.length - 3, 0xff);
  return Buffer.concat([Buffer.from([0x00, 0x01]), padding, Buffer.from([0x00]), digestInfo]);
}

/** Pads a claim so the payload segment length is not a multiple of 4 (so its last char has unused bits). */
function tokenWithUnalignedPayload(ctx: SecurityContext, key: SuiteKey): string {
  for (let pad = 0; pad < 4; pad += 1) {
    const token = ctx.mint(key, { pad: 'x'.repeat(pad) });
    if (parts(token)[1].length % 4 >= 2) return token;
  }
  throw new Error('unreachable: some padding length aligns the payload');
}

/** A token whose given segment contains '-' or '_' (so its standard-alphabet spelling differs). */
function tokenWithUrlChars(ctx: SecurityContext, key: SuiteKey, part: 0 | 1 | 2): string {
  for (let i = 0; i < 64; i += 1) {
    const token = ctx.mint(key, { pad: '>?~'.repeat(i % 8) + 'x'.repeat(i) });
    if (/[-_]/.test(parts(token)[part])) return token;
  }
  throw new Error('could not produce a segment with base64url-only characters');
}

/** Nested JSON arrays `[[[...]]]` of the given depth, as text. */
function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A raw JSON object text with a member whose value is raw JSON (e.g. deep nesting, 1e999). */
function withRawMember(value: Record<string, unknown>, name: string, rawJson: string): string {
  return `${JSON.stringify(value).slice(0, -1)},${JSON.stringify(name)}:${rawJson}}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------------------------

export async function buildAttackCases(ctx: SecurityContext): Promise<AttackCase[]> {
  const k = ctx.keys;
  const cases: AttackCase[] = [];
  const add = (...more: AttackCase[]): void => {
    cases.push(...more);
  };
  const good = ctx.mint(k.rs256);
  const goodEs = ctx.mint(k.es256);
  const [goodH, goodP, goodS] = parts(good);

  // --- alg: none --------------------------------------------------------------------------------------------
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    const header = b64({ alg, typ: ACCESS_TOKEN_TYP, kid: k.rs256.kid });
    const payload = b64(ctx.claims({ sub: 'admin' }));
    add(tokenCase('alg-none', `alg "${alg}" without signature`, `${header}.${payload}.`, 'algorithm_not_allowed'));
    add(tokenCase('alg-none', `alg "${alg}" with a signature part`, `${header}.${payload}.${goodS}`, 'algorithm_not_allowed'));
  }
  add(tokenCase('alg-none', 'alg "none" without kid or typ', `${b64({ alg: 'none' })}.${b64(ctx.claims())}.`, 'algorithm_not_allowed'));
  add(tokenCase('alg-none', 'alg "none" with the separator dropped (2 parts)', `${b64({ alg: 'none' })}.${b64(ctx.claims())}`, 'malformed_token'));

  // --- algorithm confusion: HMAC keyed with the public key -------------------------------------------------
  {
    const rsa = publicKeyEncodings(k.rs256);
    const secrets: Array<[string, Buffer | string]> = [
      ['SPKI PEM', rsa.spkiPem],
      ['SPKI DER', rsa.spkiDer],
      ['PKCS#1 PEM', rsa.pkcs1Pem as string],
      ['JWK n (base64url text)', k.rs256.jwk.n as string],
      ['JWK n (raw bytes)', fromB64(k.rs256.jwk.n as string)],
      ['JWK JSON', JSON.stringify(k.rs256.jwk)],
    ];
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      for (const [form, secret] of secrets) {
        const header = ctx.header(k.rs256, { alg });
        add(tokenCase('alg-confusion', `${alg} keyed with the RSA public key as ${form}`, compact(header, ctx.claims({ sub: 'admin' }), alg, secret), 'algorithm_not_allowed'));
      }
    }
    const ec = publicKeyEncodings(k.es256);
    add(tokenCase('alg-confusion', 'HS256 keyed with the EC public key as SPKI PEM', compact(ctx.header(k.es256, { alg: 'HS256' }), ctx.claims(), 'HS256', ec.spkiPem), 'algorithm_not_allowed'));
    add(tokenCase('alg-confusion', 'HS256 keyed with the EC public key as JWK JSON', compact(ctx.header(k.es256, { alg: 'HS256' }), ctx.claims(), 'HS256', JSON.stringify(k.es256.jwk)), 'algorithm_not_allowed'));
    add(tokenCase('alg-confusion', 'HS256 keyed with the Ed25519 public key (raw x)', compact(ctx.header(k.eddsa, { alg: 'HS256' }), ctx.claims(), 'HS256', fromB64(k.eddsa.jwk.x as string)), 'algorithm_not_allowed'));
    add(tokenCase('alg-confusion', 'HS256 with an empty secret', compact(ctx.header(k.rs256, { alg: 'HS256' }), ctx.claims(), 'HS256', Buffer.alloc(0)), 'algorithm_not_allowed'));
  }

  // --- algorithms outside the allowlist ----------------------------------------------------------------------
  add(tokenCase('alg-allowlist', 'RS384, validly signed by a published RS384 key', ctx.mint(k.rs384), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'ES384, validly signed by a published ES384 key', ctx.mint(k.es384), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'RS512, validly signed by a published RSA key without alg', ctx.mint(k.rsaNoAlg, {}, {}, 'RS512'), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'PS384, validly signed by a published RSA key without alg', ctx.mint(k.rsaNoAlg, {}, {}, 'PS384'), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'PS512, validly signed by a published RSA key without alg', ctx.mint(k.rsaNoAlg, {}, {}, 'PS512'), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'Ed25519 (fully specified name), validly signed by the EdDSA key', ctx.mint(k.eddsa, {}, { alg: 'Ed25519' }, 'Ed25519'), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'alg "rs256" (lowercase), valid RS256 signature', ctx.mint(k.rs256, {}, { alg: 'rs256' }, 'RS256'), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'alg "RS256 " (trailing space), valid RS256 signature', ctx.mint(k.rs256, {}, { alg: 'RS256 ' }, 'RS256'), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'alg "ES256K"', ctx.mint(k.es256, {}, { alg: 'ES256K' }, 'ES256'), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'alg "RSA-OAEP" (an encryption algorithm) in a JWS', ctx.mint(k.rs256, {}, { alg: 'RSA-OAEP' }, 'RS256'), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'alg missing', ctx.mint(k.rs256, {}, { alg: undefined }, 'RS256'), 'malformed_token'));
  add(tokenCase('alg-allowlist', 'alg null', ctx.mint(k.rs256, {}, { alg: null }, 'RS256'), 'malformed_token'));
  add(tokenCase('alg-allowlist', 'alg ["RS256"] (array)', ctx.mint(k.rs256, {}, { alg: ['RS256'] }, 'RS256'), 'malformed_token'));
  add(tokenCase('alg-allowlist', 'alg {"name":"RS256"} (object)', ctx.mint(k.rs256, {}, { alg: { name: 'RS256' } }, 'RS256'), 'malformed_token'));

  // --- alg ↔ key binding ----------------------------------------------------------------------------------
  add(tokenCase('alg-key-binding', 'RS256 header, kid of an EC key published without alg', ctx.mint(k.ecNoAlg, {}, { alg: 'RS256' }, 'ES256'), 'key_algorithm_mismatch'));
  add(tokenCase('alg-key-binding', 'ES256 header, kid of an RSA key published without alg', ctx.mint(k.rsaNoAlg, {}, { alg: 'ES256' }, 'RS256'), 'key_algorithm_mismatch'));
  add(tokenCase('alg-key-binding', 'PS256 validly signed by the RSA key whose JWK says alg RS256', ctx.mint(k.rs256, {}, { alg: 'PS256' }, 'PS256'), 'key_algorithm_mismatch'));
  add(tokenCase('alg-key-binding', 'RS256 validly signed by the RSA key whose JWK says alg PS256', ctx.mint(k.ps256, {}, { alg: 'RS256' }, 'RS256'), 'key_algorithm_mismatch'));
  add(tokenCase('alg-key-binding', 'ES256 header, kid of the P-384 key', ctx.mint(k.es384, {}, { alg: 'ES256' }, 'ES384'), 'key_algorithm_mismatch'));
  add(tokenCase('alg-key-binding', 'EdDSA header, kid of the ES256 key', ctx.mint(k.es256, {}, { alg: 'EdDSA' }, 'ES256'), 'key_algorithm_mismatch'));
  add(tokenCase('alg-key-binding', 'ES256 header, kid of the Ed25519 key', ctx.mint(k.eddsa, {}, { alg: 'ES256' }, 'EdDSA'), 'key_algorithm_mismatch'));
  add(tokenCase('alg-key-binding', 'RS256 header, kid of the Ed25519 key', ctx.mint(k.eddsa, {}, { alg: 'RS256' }, 'EdDSA'), 'key_algorithm_mismatch'));

  // --- key injection ----------------------------------------------------------------------------------------
  {
    const attacker = k.attackerRsa;
    const attackerJwk = { ...attacker.jwk };
    const noKid = { kid: undefined };
    const trapJwks = `${ctx.trapUrl}/jwks.json`;
    const inject = (name: string, header: Record<string, unknown>, reason: AuthErrorReason, key: SuiteKey = attacker): void => {
      add(tokenCase('key-injection', name, signed(ctx.header(key, header), ctx.claims({ sub: 'admin', scope: 'orders:admin' }), key), reason));
    };
    // CVE-2018-0114: the token carries its own key and is signed with it.
    inject('embedded jwk, no kid (CVE-2018-0114)', { jwk: attackerJwk, ...noKid }, 'unknown_key');
    inject("embedded jwk, the attacker's kid", { jwk: attackerJwk }, 'unknown_key');
    inject('embedded jwk, a published kid', { jwk: { ...attackerJwk, kid: k.rs256.kid }, kid: k.rs256.kid }, 'signature_invalid');
    inject('embedded EC jwk, a published kid', { jwk: { ...k.attackerEc.jwk, kid: k.es256.kid }, kid: k.es256.kid }, 'signature_invalid', k.attackerEc);
    inject('embedded jwk naming a published kid, header kid absent', { jwk: { ...attackerJwk, kid: k.rs256.kid }, ...noKid }, 'unknown_key');
    inject('jku to the trap, attacker kid', { jku: trapJwks }, 'unknown_key');
    inject('jku to the trap, no kid', { jku: trapJwks, ...noKid }, 'unknown_key');
    inject('jku to the trap, a published kid', { jku: trapJwks, kid: k.rs256.kid }, 'signature_invalid');
    inject('x5u to the trap, attacker kid', { x5u: `${ctx.trapUrl}/cert.pem` }, 'unknown_key');
    inject('x5u to the trap, no kid', { x5u: `${ctx.trapUrl}/cert.pem`, ...noKid }, 'unknown_key');
    const x5c = [publicKeyEncodings(attacker).spkiDer.toString('base64')];
    inject('x5c attacker certificate, no kid', { x5c, ...noKid }, 'unknown_key');
    inject('x5c attacker certificate, a published kid', { x5c, kid: k.rs256.kid }, 'signature_invalid');
    inject('x5t#S256 thumbprint of the attacker key, no kid', { 'x5t#S256': createHash('sha256').update(publicKeyEncodings(attacker).spkiDer).digest('base64url'), ...noKid }, 'unknown_key');
    inject('jku, x5u, jwk and x5c together, a published kid', { jku: trapJwks, x5u: `${ctx.trapUrl}/x5u`, jwk: attackerJwk, x5c, kid: k.rs256.kid }, 'signature_invalid');
    // The issuer is an allowlist: an attacker's iss must never lead to discovery or a JWKS fetch.
    add(tokenCase('key-injection', 'iss is the trap (OIDC discovery from the token)', signed(ctx.header(attacker), ctx.claims({ iss: `${ctx.trapUrl}/` }), attacker), 'issuer_not_allowed'));
    add(tokenCase('key-injection', 'iss is the trap, with jku to the trap', signed(ctx.header(attacker, { jku: trapJwks }), ctx.claims({ iss: ctx.trapUrl }), attacker), 'issuer_not_allowed'));
  }

  // --- kid hostility (valid signatures by the real key: only the kid is hostile) -------------------------------
  {
    const hostile: Array<[string, unknown, AuthErrorReason]> = [
      ['unknown kid', 'nobody', 'unknown_key'],
      ['empty kid', '', 'unknown_key'],
      ['5,000-character kid', 'k'.repeat(5000), 'unknown_key'],
      ['10,000-character kid (over maxTokenLength)', 'k'.repeat(10_000), 'token_too_long'],
      ['path traversal kid', '../../etc/passwd', 'unknown_key'],
      ['SQL injection kid', "' OR 1=1 --", 'unknown_key'],
      ['shell injection kid', '$(rm -rf /)', 'unknown_key'],
      ['backtick shell kid', '`id`', 'unknown_key'],
      ['HTML kid', '<script>alert(1)</script>', 'unknown_key'],
      ['kid with NUL after a real kid', `${k.rs256.kid}\u0000`, 'unknown_key'],
      ['kid with a trailing space after a real kid', `${k.rs256.kid} `, 'unknown_key'],
      ['kid differing from a real kid in case', k.rs256.kid.toUpperCase(), 'unknown_key'],
      ['kid "__proto__"', '__proto__', 'unknown_key'],
      ['kid "constructor"', 'constructor', 'unknown_key'],
      ['kid "hasOwnProperty"', 'hasOwnProperty', 'unknown_key'],
      ['kid is a URL of the trap', `${ctx.trapUrl}/jwks.json`, 'unknown_key'],
      ['kid is a number', 42, 'malformed_token'],
      ['kid is 0', 0, 'malformed_token'],
      ['kid is true', true, 'malformed_token'],
      ['kid is an object', { $ne: null }, 'malformed_token'],
      ['kid is an array holding a real kid', [k.rs256.kid], 'malformed_token'],
      ['kid is an empty array', [], 'malformed_token'],
      ['kid is null', null, 'malformed_token'],
    ];
    for (const [name, kid, reason] of hostile) add(tokenCase('kid-hostility', name, ctx.mint(k.rs256, {}, { kid }), reason));
  }

  // --- signature games -------------------------------------------------------------------------------------
  {
    const other = ctx.mint(k.rs256, { sub: 'someone-else' });
    add(tokenCase('signature', 'RS256 signature stripped (empty third part)', `${goodH}.${goodP}.`, 'signature_invalid'));
    add(tokenCase('signature', 'ES256 signature stripped', `${parts(goodEs)[0]}.${parts(goodEs)[1]}.`, 'signature_invalid'));
    add(tokenCase('signature', 'signature swapped from another valid token of the same key', `${goodH}.${goodP}.${parts(other)[2]}`, 'signature_invalid'));
    add(tokenCase('signature', 'same signing input signed by another published EC key (kid kept)', resign(goodEs, 'ES256', k.ecNoAlg.privateKey), 'signature_invalid'));
    add(tokenCase('signature', 'signed by the attacker with a published kid', ctx.mint({ ...k.attackerRsa, kid: k.rs256.kid }), 'signature_invalid'));
    add(tokenCase('signature', 'tampered header: typ respelled application/at+jwt', tamper(good, 'header', (h) => ({ ...h, typ: 'application/at+jwt' })), 'signature_invalid'));
    add(tokenCase('signature', 'tampered header: kid moved to another RSA key', tamper(good, 'header', (h) => ({ ...h, kid: k.rsaNoAlg.kid })), 'signature_invalid'));
    add(tokenCase('signature', 'tampered header: extra member', tamper(good, 'header', (h) => ({ ...h, cty: 'JWT' })), 'signature_invalid'));
    add(tokenCase('signature', 'tampered payload: sub', tamper(good, 'payload', (p) => ({ ...p, sub: 'admin' })), 'signature_invalid'));
    add(tokenCase('signature', 'tampered payload: scope', tamper(good, 'payload', (p) => ({ ...p, scope: 'orders:read orders:admin' })), 'signature_invalid'));
    add(tokenCase('signature', 'tampered payload: exp extended by a year', tamper(good, 'payload', (p) => ({ ...p, exp: (p.exp as number) + 31_536_000 })), 'signature_invalid'));
    add(tokenCase('signature', 'tampered payload: member order changed (same claims)', tamper(good, 'payload', (p) => Object.fromEntries(Object.entries(p).reverse())), 'signature_invalid'));
    const [esH, esP, esS] = parts(goodEs);
    const esSig = fromB64(esS);
    add(tokenCase('signature', 'ECDSA r=0, s=0 (CVE-2022-21449 "psychic signature")', `${esH}.${esP}.${b64(Buffer.alloc(64))}`, 'signature_invalid'));
    const n = bigToBytes(P256_ORDER, 32);
    add(tokenCase('signature', 'ECDSA r=n, s=n', `${esH}.${esP}.${b64(Buffer.concat([n, n]))}`, 'signature_invalid'));
    add(tokenCase('signature', 'ECDSA r=0, s=valid s', `${esH}.${esP}.${b64(Buffer.concat([Buffer.alloc(32), esSig.subarray(32)]))}`, 'signature_invalid'));
    add(tokenCase('signature', 'ECDSA r=valid r + n (33 bytes, 65-byte signature)', `${esH}.${esP}.${b64(Buffer.concat([bigToBytes(bytesToBig(esSig.subarray(0, 32)) + P256_ORDER, 33), esSig.subarray(32)]))}`, 'signature_invalid'));
    add(tokenCase('signature', 'ECDSA signature DER-encoded instead of P1363', `${esH}.${esP}.${b64(p1363ToDer(esSig))}`, 'signature_invalid'));
    add(tokenCase('signature', 'ECDSA signature truncated to 63 bytes', `${esH}.${esP}.${b64(esSig.subarray(0, 63))}`, 'signature_invalid'));
    add(tokenCase('signature', 'ECDSA signature with a zero byte appended', `${esH}.${esP}.${b64(Buffer.concat([esSig, Buffer.alloc(1)]))}`, 'signature_invalid'));
    add(tokenCase('signature', 'ECDSA r and s swapped', `${esH}.${esP}.${b64(Buffer.concat([esSig.subarray(32), esSig.subarray(0, 32)]))}`, 'signature_invalid'));
    const ed = ctx.mint(k.eddsa);
    const [edH, edP, edS] = parts(ed);
    const edSig = fromB64(edS);
    add(tokenCase('signature', 'Ed25519 signature of zeros', `${edH}.${edP}.${b64(Buffer.alloc(64))}`, 'signature_invalid'));
    const sLe = Buffer.from(edSig.subarray(32)).reverse();
    const malleable = Buffer.from(bigToBytes(bytesToBig(sLe) + ED25519_ORDER, 32)).reverse();
    add(tokenCase('signature', 'Ed25519 non-canonical S (S + L, malleability)', `${edH}.${edP}.${b64(Buffer.concat([edSig.subarray(0, 32), malleable]))}`, 'signature_invalid'));
    add(tokenCase('signature', 'RSA signature of zeros', `${goodH}.${goodP}.${b64(Buffer.alloc(256))}`, 'signature_invalid'));
    add(tokenCase('signature', 'RSA signature with a leading zero byte (257 bytes)', `${goodH}.${goodP}.${b64(Buffer.concat([Buffer.alloc(1), fromB64(goodS)]))}`, 'signature_invalid'));
    add(tokenCase('signature', 'RS256 header with an RSA-PSS signature by the same key', resign(good, 'PS256', k.rs256.privateKey), 'signature_invalid'));
    add(tokenCase('signature', 'PS256 header with a PKCS#1 v1.5 signature by the same key', resign(ctx.mint(k.ps256), 'RS256', k.ps256.privateKey), 'signature_invalid'));
    add(tokenCase('signature', 'RS256 signature over the payload only', `${goodH}.${goodP}.${rawSign('RS256', k.rs256.privateKey, goodP).toString('base64url')}`, 'signature_invalid'));
  }

  // --- structure -----------------------------------------------------------------------------------------
  {
    const header = ctx.header(k.rs256);
    const claims = ctx.claims();
    const sig = goodS;
    add(tokenCase('structure', 'JWE (5 parts, RSA-OAEP-256 / A256GCM header)', `${b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: k.rs256.kid })}.${b64(Buffer.alloc(256, 7))}.${b64(Buffer.alloc(12, 1))}.${b64(Buffer.alloc(64, 2))}.${b64(Buffer.alloc(16, 3))}`, 'token_encrypted'));
    add(tokenCase('structure', 'JWE, dir / A128CBC-HS256, empty key part', `${b64({ alg: 'dir', enc: 'A128CBC-HS256' })}..${b64(Buffer.alloc(16))}.${b64('x')}.${b64(Buffer.alloc(16))}`, 'token_encrypted'));
    add(tokenCase('structure', 'five empty parts', '....', 'token_encrypted'));
    add(tokenCase('structure', '1 part', goodH, 'malformed_token'));
    add(tokenCase('structure', '2 parts', `${goodH}.${goodP}`, 'malformed_token'));
    add(tokenCase('structure', '4 parts (signature repeated)', `${good}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', '4 parts (trailing dot)', `${good}.`, 'malformed_token'));
    add(tokenCase('structure', '6 parts', `${good}.${goodH}.${goodP}.${goodS}`.split('.').slice(0, 6).join('.'), 'malformed_token'));
    add(tokenCase('structure', 'empty string', '', 'malformed_token'));
    add(tokenCase('structure', 'three empty parts', '..', 'malformed_token'));
    add(tokenCase('structure', 'header is not JSON', `${b64('not json')}.${goodP}.${sig}`, 'malformed_token'));
    add(tokenCase('structure', 'payload is not JSON', `${goodH}.${b64('{"iss":')}.${sig}`, 'malformed_token'));
    add(tokenCase('structure', 'header JSON with a byte-order mark', `${b64(`\ufeff${JSON.stringify(header)}`)}.${goodP}.${sig}`, 'malformed_token'));
    for (const [what, value] of [['array', '[1,2]'], ['string', '"RS256"'], ['number', '42'], ['null', 'null'], ['boolean', 'true']] as const) {
      add(tokenCase('structure', `header is a JSON ${what}`, `${b64(value)}.${goodP}.${sig}`, 'malformed_token'));
      add(tokenCase('structure', `payload is a JSON ${what}`, signed(header, value, k.rs256), 'malformed_token'));
    }
    add(tokenCase('structure', 'payload is a JSON array of the claims', signed(header, JSON.stringify([claims]), k.rs256), 'malformed_token'));
    // Duplicate members: JSON.parse keeps the last one, in core and in jose alike; RFC 7515 §5.2 allows exactly that.
    add(tokenCase('structure', 'duplicate alg in header, the last one "none"', signed(withDuplicate(header, 'alg', 'none'), claims, k.rs256), 'algorithm_not_allowed'));
    add(tokenCase('structure', 'duplicate alg in header, the last one HS256 (HMAC with the public key)', compact(withDuplicate(header, 'alg', 'HS256'), claims, 'HS256', publicKeyEncodings(k.rs256).spkiPem), 'algorithm_not_allowed'));
    add(tokenCase('structure', 'duplicate kid in header, the last one a published kid, attacker-signed', signed(withDuplicate(ctx.header(k.attackerRsa), 'kid', k.rs256.kid), claims, k.attackerRsa), 'signature_invalid'));
    add(tokenCase('structure', 'duplicate typ in header, the last one JWT', signed(withDuplicate(header, 'typ', 'JWT'), claims, k.rs256), 'type_not_allowed'));
    add(tokenCase('structure', 'duplicate iss in payload, the last one foreign', signed(header, withDuplicate(claims, 'iss', 'https://evil.example/'), k.rs256), 'issuer_not_allowed'));
    add(tokenCase('structure', 'duplicate aud in payload, the last one another API', signed(header, withDuplicate(claims, 'aud', 'billing-api'), k.rs256), 'audience_mismatch'));
    add(tokenCase('structure', 'duplicate exp in payload, the last one expired', signed(header, withDuplicate(claims, 'exp', ctx.now - 3600), k.rs256), 'token_expired'));
    add(tokenCase('structure', 'header alg only under __proto__', signed(`{"__proto__":{"alg":"RS256"},"typ":"${ACCESS_TOKEN_TYP}","kid":"${k.rs256.kid}"}`, claims, k.rs256), 'malformed_token'));
    add(tokenCase('structure', 'payload iss only under __proto__', signed(header, withRawMember({ ...claims, iss: undefined }, '__proto__', JSON.stringify({ iss: ISSUER })), k.rs256), 'claim_missing'));
    add(tokenCase('structure', 'oversized token (a padding claim past maxTokenLength)', ctx.mint(k.rs256, { pad: 'x'.repeat(9000) }), 'token_too_long'));
    // Deeper nesting (10k-100k levels) does not fit an HTTP header; core-attacks.test.ts runs it with a raised limit.
    add(tokenCase('structure', '4,000 nested arrays in a claim (over maxTokenLength)', signed(header, withRawMember(claims, 'x', nestedArrays(4000)), k.rs256), 'token_too_long'));
    add(tokenCase('structure', '2,000 nested arrays in a claim, attacker-signed', signed(ctx.header(k.attackerRsa, { kid: k.rs256.kid }), withRawMember(claims, 'x', nestedArrays(2000)), k.attackerRsa), 'signature_invalid'));
    add(tokenCase('structure', '700 nested objects in a claim, attacker-signed', signed(ctx.header(k.attackerRsa, { kid: k.rs256.kid }), withRawMember(claims, 'x', nestedObjects(700)), k.attackerRsa), 'signature_invalid'));
    add(tokenCase('structure', '2,000 nested arrays in the header, attacker-signed', signed(withRawMember(ctx.header(k.attackerRsa, { kid: k.rs256.kid }), 'x', nestedArrays(2000)), claims, k.attackerRsa), 'signature_invalid'));
    add(tokenCase('structure', 'crit ["exp"], validly signed', signed({ ...header, crit: ['exp'], exp: ctx.now + 60 }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'crit with an unknown extension, validly signed', signed({ ...header, crit: ['urn:x-attacker'], 'urn:x-attacker': true }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'crit [] (empty), validly signed', signed({ ...header, crit: [] }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'crit ["b64"] with b64 false (RFC 7797 unencoded payload)', signed({ ...header, b64: false, crit: ['b64'] }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'b64 false without crit', signed({ ...header, b64: false }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'zip DEF in a JWS header', signed({ ...header, zip: 'DEF' }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'enc in a 3-part token', signed({ ...header, enc: 'A256GCM' }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'crit added to a valid token after signing', tamper(good, 'header', (h) => ({ ...h, crit: ['exp'], exp: 1 })), 'unsupported_header'));
    // Non-canonical base64url: one token has exactly one spelling.
    add(tokenCase('structure', 'padding "=" after the header segment', `${goodH}=.${goodP}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', 'padding "==" after the signature', `${parts(goodEs)[0]}.${parts(goodEs)[1]}.${parts(goodEs)[2]}==`, 'malformed_token'));
    const urlSig = tokenWithUrlChars(ctx, k.rs256, 2);
    add(tokenCase('structure', 'signature in the standard base64 alphabet (+ and /)', `${parts(urlSig)[0]}.${parts(urlSig)[1]}.${toStdAlphabet(parts(urlSig)[2])}`, 'malformed_token'));
    const urlPayload = tokenWithUrlChars(ctx, k.rs256, 1);
    add(tokenCase('structure', 'payload in the standard base64 alphabet (+ and /)', `${parts(urlPayload)[0]}.${toStdAlphabet(parts(urlPayload)[1])}.${parts(urlPayload)[2]}`, 'malformed_token'));
    add(tokenCase('structure', 'space inside the payload segment', `${goodH}.${goodP.slice(0, 10)} ${goodP.slice(10)}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', 'tab inside the payload segment', `${goodH}.${goodP.slice(0, 10)}\t${goodP.slice(10)}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', 'newline inside the payload segment', `${goodH}.${goodP.slice(0, 10)}\n${goodP.slice(10)}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', 'NUL byte inside the signature', `${goodH}.${goodP}.${goodS.slice(0, 5)}\u0000${goodS.slice(5)}`, 'malformed_token'));
    add(tokenCase('structure', 'signature segment with non-zero unused bits (ES256)', `${parts(goodEs)[0]}.${parts(goodEs)[1]}.${nonCanonicalTail(parts(goodEs)[2])}`, 'malformed_token'));
    const unaligned = tokenWithUnalignedPayload(ctx, k.rs256);
    add(tokenCase('structure', 'payload segment with non-zero unused bits', `${parts(unaligned)[0]}.${nonCanonicalTail(parts(unaligned)[1])}.${parts(unaligned)[2]}`, 'malformed_token'));
    add(tokenCase('structure', 'non-ASCII character in the header segment', `${goodH}é.${goodP}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', 'percent-encoded dot between segments', `${goodH}%2E${goodP}.${goodS}`, 'malformed_token'));
  }

  // --- claims ------------------------------------------------------------------------------------------------
  {
    const claim = (name: string, extra: Record<string, unknown>, reason: AuthErrorReason, header: Record<string, unknown> = {}): void => {
      add(tokenCase('claims', name, ctx.mint(k.es256, extra, header), reason));
    };
    for (const iss of ['https://idp.example.com', 'https://idp.example.com//', 'HTTPS://IDP.EXAMPLE.COM/', 'https://IDP.example.com/', 'https://idp.example.com/ ', ' https://idp.example.com/', 'https://idp.example.com.evil.example/', 'https://idp.example.com/tenant/', 'https://idp.example.com:443/', 'http://idp.example.com/']) {
      claim(`wrong iss ${JSON.stringify(iss)}`, { iss }, 'issuer_not_allowed');
    }
    claim('iss missing', { iss: undefined }, 'claim_missing');
    claim('iss empty string', { iss: '' }, 'issuer_not_allowed');
    claim('aud of another service (replay: billing-api)', { aud: 'billing-api' }, 'audience_mismatch');
    claim('aud array not containing ours', { aud: ['billing-api', 'orders-api-v2', 'orders'] }, 'audience_mismatch');
    claim('aud differing in case', { aud: 'ORDERS-API' }, 'audience_mismatch');
    claim('aud with a trailing space', { aud: `${AUDIENCE} ` }, 'audience_mismatch');
    claim('aud empty array', { aud: [] }, 'audience_mismatch');
    claim('aud missing', { aud: undefined }, 'claim_missing');
    claim('expired an hour ago', { exp: ctx.now - 3600, iat: ctx.now - 7200 }, 'token_expired');
    claim('expired beyond the clock tolerance', { exp: ctx.now - 30 }, 'token_expired');
    claim('exp missing', { exp: undefined }, 'claim_missing');
    claim('exp 0', { exp: 0 }, 'token_expired');
    claim('exp negative', { exp: -1 }, 'token_expired');
    claim('nbf an hour in the future', { nbf: ctx.now + 3600 }, 'token_not_yet_valid');
    claim('iat an hour in the future', { iat: ctx.now + 3600 }, 'token_issued_in_future');
    claim('exp as a string', { exp: String(ctx.now + 600) }, 'claim_invalid');
    claim('exp as a boolean', { exp: true }, 'claim_invalid');
    claim('nbf as a string', { nbf: 'now' }, 'claim_invalid');
    claim('iat as an array', { iat: [ctx.now] }, 'claim_invalid');
    claim('aud as a number', { aud: 42 }, 'claim_invalid');
    claim('aud array with a number', { aud: [AUDIENCE, 42] }, 'claim_invalid');
    claim('aud as an object', { aud: { aud: AUDIENCE } }, 'claim_invalid');
    claim('iss as an array', { iss: [ISSUER] }, 'claim_invalid');
    claim('iss as an object', { iss: { iss: ISSUER } }, 'claim_invalid');
    claim('sub as a number', { sub: 1 }, 'claim_invalid');
    claim('sub as null', { sub: null }, 'claim_invalid');
    claim('scope as a number', { scope: 1 }, 'claim_invalid');
    claim('scope as an array', { scope: ['orders:read'] }, 'claim_invalid');
    claim('scp as a number', { scp: 7 }, 'claim_invalid');
    claim('jti as a number', { jti: 12345 }, 'claim_invalid');
    claim('client_id as an object', { client_id: { id: 'web-app' } }, 'claim_invalid');
    add(tokenCase('claims', 'exp 1e999 (parses as Infinity)', signed(ctx.header(k.es256), withRawMember({ ...ctx.claims(), exp: undefined }, 'exp', '1e999'), k.es256), 'claim_invalid'));
    // RFC 9068: an ID token (typ JWT, nonce, azp) is not an access token, even for the right audience.
    claim('ID token presented as access token (typ JWT, nonce, azp)', { nonce: 'n-0S6_WzA2Mj', azp: 'web-app', auth_time: ctx.now - 10, at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' }, 'type_not_allowed', { typ: 'JWT' });
    claim('typ missing', {}, 'type_not_allowed', { typ: undefined });
    claim('typ application/jwt', {}, 'type_not_allowed', { typ: 'application/jwt' });
    claim('typ "at+jwt " (trailing space)', {}, 'type_not_allowed', { typ: 'at+jwt ' });
    claim('typ id_token+jwt', {}, 'type_not_allowed', { typ: 'id_token+jwt' });
    claim('typ logout+jwt (a logout token)', { events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }, 'type_not_allowed', { typ: 'logout+jwt' });
    claim('typ as an array', {}, 'type_not_allowed', { typ: [ACCESS_TOKEN_TYP] });
  }

  // --- hostile key sets ---------------------------------------------------------------------------------------
  {
    const hostile = (name: string, token: string, reason: AuthErrorReason): void => {
      add(tokenCase('hostile-jwks', name, token, reason, { profile: 'hostileJwks' }));
    };
    hostile('key marked use "enc"', ctx.mint(k.rsaEnc), 'unknown_key');
    hostile('key with key_ops ["encrypt"]', ctx.mint(k.ecEncrypt), 'unknown_key');
    hostile('key with key_ops as a string', ctx.mint(k.rsaOpsString), 'unknown_key');
    hostile('RSA 1024-bit key', ctx.mint(k.rsa1024), 'unknown_key');
    hostile('two RSA keys sharing a kid (ambiguous)', ctx.mint(k.dupA), 'unknown_key');
    hostile('two RSA keys sharing a kid, signed by the second', ctx.mint(k.dupB), 'unknown_key');
    hostile('key published with its private member d', ctx.mint(k.ecWithPrivate), 'unknown_key');
    hostile('EC key whose point is off the curve', ctx.mint(k.ecOffCurve), 'unknown_key');
    hostile('P-384 key labelled alg ES256, ES256 token', ctx.mint(k.ecP384LabelledEs256, {}, { alg: 'ES256' }, 'ES384'), 'key_algorithm_mismatch');
    hostile('RSA key labelled with an encryption alg (RSA-OAEP-256)', ctx.mint(k.rsaEncAlg), 'unknown_key');
    {
      // e = 1: m^1 = m, so the PKCS#1 encoding of the digest is itself a "signature" anyone can compute.
      const header = b64(ctx.header(k.rsaNoAlg, { alg: 'RS256', kid: 'rsa-e1' }));
      const payload = b64(ctx.claims({ sub: 'admin' }));
      const forged = pkcs1Sha256(`${header}.${payload}`, fromB64(ctx.exponentOneJwk.n as string).length);
      hostile('RSA key with public exponent 1 (signature forged without any private key)', `${header}.${payload}.${b64(forged)}`, 'unknown_key');
    }
    hostile('symmetric key in the JWKS, HS256 token signed with it', compact({ alg: 'HS256', typ: ACCESS_TOKEN_TYP, kid: 'hmac' }, ctx.claims(), 'HS256', ctx.hmacSecret), 'algorithm_not_allowed');
    hostile('symmetric key in the JWKS, RS256 header naming it', compact({ alg: 'RS256', typ: ACCESS_TOKEN_TYP, kid: 'hmac' }, ctx.claims(), 'RS256', k.attackerRsa.privateKey), 'unknown_key');
    add(tokenCase('hostile-jwks', 'JWKS with no usable key at all: fail closed', ctx.mint(k.rsaEnc), 'key_source_unavailable', { profile: 'onlyBadJwks' }));
    add(tokenCase('hostile-jwks', 'JWKS with no usable key, token for a key that is not even there', ctx.mint(k.anchor), 'key_source_unavailable', { profile: 'onlyBadJwks' }));
  }

  // --- multi-issuer -------------------------------------------------------------------------------------------
  {
    const multi = (name: string, token: string, reason: AuthErrorReason): void => {
      add(tokenCase('multi-issuer', name, token, reason, { profile: 'multiIssuer' }));
    };
    multi("issuer A's key and kid, token claims issuer B", ctx.mint(k.issuerA, { iss: ISSUER_B }), 'unknown_key');
    multi("issuer B's key and kid, token claims issuer A", ctx.mint(k.issuerB, { iss: ISSUER_A }), 'unknown_key');
    multi("issuer A's key with issuer B's kid, token claims issuer B", ctx.mint({ ...k.issuerA, kid: k.issuerB.kid }, { iss: ISSUER_B }), 'signature_invalid');
    multi("issuer A's key, no kid, token claims issuer B", ctx.mint(k.issuerA, { iss: ISSUER_B }, { kid: undefined }), 'signature_invalid');
    multi('an issuer that is not listed', ctx.mint(k.issuerA, { iss: 'https://c.idp.example/' }), 'issuer_not_allowed');
    multi('the strict issuer, not listed here', ctx.mint(k.issuerA, { iss: ISSUER }), 'issuer_not_allowed');
    multi('issuer A without its trailing slash', ctx.mint(k.issuerA, { iss: ISSUER_A.slice(0, -1) }), 'issuer_not_allowed');
    multi('no iss at all', ctx.mint(k.issuerA, { iss: undefined }), 'claim_missing');
  }

  // --- transport (Authorization header and other token locations) -------------------------------------------
  {
    const t = good;
    add(requestCase('transport', 'Basic credentials', { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }, 'unsupported_scheme'));
    add(requestCase('transport', 'a valid JWT under the Basic scheme', { authorization: `Basic ${t}` }, 'unsupported_scheme'));
    // DPoP is accepted by default (RFC 9449): without its proof header, the DPoP scheme is refused as such.
    add(requestCase('transport', 'a valid JWT under the DPoP scheme without a proof', { authorization: `DPoP ${t}` }, 'dpop_proof_missing'));
    add(requestCase('transport', 'a valid JWT under a made-up "JWT" scheme', { authorization: `JWT ${t}` }, 'unsupported_scheme'));
    add(requestCase('transport', 'a bare JWT without a scheme', { authorization: t }, 'unsupported_scheme'));
    add(requestCase('transport', '"Bearer" with no token', { authorization: 'Bearer' }, 'malformed_request'));
    add(requestCase('transport', 'two tokens in one header', { authorization: `Bearer ${t} ${goodEs}` }, 'malformed_request'));
    add(requestCase('transport', 'two Bearer credentials comma-separated in one header', { authorization: `Bearer ${t}, Bearer ${goodEs}` }, 'malformed_request'));
    add(requestCase('transport', 'Bearer and Basic comma-separated in one header', { authorization: `Bearer ${t}, Basic dXNlcjpwYXNz` }, 'malformed_request'));
    add(requestCase('transport', 'tab instead of space after Bearer', { authorization: `Bearer\t${t}` }, 'malformed_request'));
    add(requestCase('transport', 'token in double quotes', { authorization: `Bearer "${t}"` }, 'malformed_request'));
    add(requestCase('transport', '"Bearer=" glued to the token', { authorization: `Bearer=${t}` }, 'malformed_request'));
    add(requestCase('transport', 'two Authorization headers, both valid', { authorization: [`Bearer ${t}`, `Bearer ${goodEs}`] }, 'multiple_credentials'));
    add(requestCase('transport', 'two Authorization headers, the second one forged', { authorization: [`Bearer ${t}`, `Bearer ${b64({ alg: 'none' })}.${b64(ctx.claims({ sub: 'admin' }))}.`] }, 'multiple_credentials'));
    add(requestCase('transport', 'two Authorization headers, the first one empty', { authorization: ['', `Bearer ${t}`] }, 'multiple_credentials'));
    add(requestCase('transport', 'empty Authorization header', { authorization: '' }, 'credentials_missing'));
    add(requestCase('transport', 'no credentials at all', {}, 'credentials_missing'));
    add(requestCase('transport', 'token in the query string when not enabled', { query: { access_token: t } }, 'credentials_missing'));
    add(requestCase('transport', 'token in a form body when not enabled', { form: { access_token: t } }, 'credentials_missing'));
    add(requestCase('transport', 'token in a cookie when not enabled', { cookie: `access_token=${t}` }, 'credentials_missing'));
    add(requestCase('transport', 'very long header (10,000-character token)', { authorization: `Bearer ${'a'.repeat(10_000)}` }, 'token_too_long'));
    add(requestCase('transport', 'very long header of dots (10,000 characters)', { authorization: `Bearer ${'a.'.repeat(5000)}` }, 'token_too_long'));
    add(requestCase('transport', 'very long header that is not a token (spaces)', { authorization: `Bearer ${'a '.repeat(5000)}` }, 'malformed_request'));
    add(requestCase('transport', 'CR LF injection in the header', { authorization: `Bearer ${t}\r\nX-Injected: 1` }, 'malformed_request'));
    // Regular-expression worst cases for the header grammar (b64token, then "=" padding only at the end).
    add(requestCase('transport', 'pathological: 6,000 token characters, 6,000 "=", then "!"', { authorization: `Bearer ${'a'.repeat(6000)}${'='.repeat(6000)}!` }, 'malformed_request'));
    add(requestCase('transport', 'pathological: 12,000 tabs after the scheme', { authorization: `Bearer${'\t'.repeat(12_000)}x` }, 'malformed_request'));
    add(requestCase('transport', 'pathological: 12,000 "=" after Bearer', { authorization: `Bearer ${'='.repeat(12_000)}` }, 'malformed_request'));
  }

  // --- scopes (valid tokens, insufficient privilege) ----------------------------------------------------------
  {
    const scope = (name: string, claims: Record<string, unknown>, required: readonly string[], mode?: ScopeMode, reason: AuthErrorReason = 'insufficient_scope'): void => {
      add(tokenCase('scopes', name, ctx.mint(k.es256, claims), reason, { requiredScopes: required, ...(mode === undefined ? {} : { scopeMode: mode }) }));
    };
    scope('granted "orders", required "orders:read" (no substring match)', { scope: 'orders' }, ['orders:read']);
    scope('granted "orders:read", required "orders" (no prefix match)', { scope: 'orders:read' }, ['orders']);
    scope('granted "orders:read", required "orders:read:all"', { scope: 'orders:read' }, ['orders:read:all']);
    scope('granted "orders:readwrite", required "orders:read"', { scope: 'orders:readwrite' }, ['orders:read']);
    scope('granted "Orders:Read", required "orders:read" (no case folding)', { scope: 'Orders:Read' }, ['orders:read']);
    scope('granted "orders:read", required "ORDERS:READ"', { scope: 'orders:read' }, ['ORDERS:READ']);
    scope('empty scope string', { scope: '' }, ['orders:read']);
    scope('no scope claim at all', { scope: undefined }, ['orders:read']);
    scope('comma-separated scopes are one scope', { scope: 'orders:read,orders:write' }, ['orders:write']);
    scope('tab-separated scopes are one scope', { scope: 'orders:read\torders:write' }, ['orders:write']);
    scope('all-of: one of two missing', { scope: 'orders:read' }, ['orders:read', 'orders:write']);
    scope('any-of: none present', { scope: 'profile email' }, ['orders:read', 'orders:write'], 'any');
    scope('scp array without the scope', { scope: undefined, scp: ['orders', 'orders:write'] }, ['orders:read']);
    scope('scp array holding one space-joined string', { scope: undefined, scp: ['orders:write orders:read'] }, ['orders:read']);
    scope('scope in an unconfigured claim (permissions)', { scope: undefined, permissions: ['orders:read'] }, ['orders:read']);
    scope('scope in an unconfigured claim (roles)', { scope: undefined, roles: ['orders:read'] }, ['orders:read']);
    add(tokenCase('scopes', 'scope only under __proto__', signed(ctx.header(k.es256), withRawMember({ ...ctx.claims(), scope: undefined }, '__proto__', JSON.stringify({ scope: 'orders:admin' })), k.es256), 'insufficient_scope', { requiredScopes: ['orders:admin'] }));
    scope('scope as a number', { scope: 1 }, ['orders:read'], undefined, 'claim_invalid');
  }

  return cases;
}

// ---------------------------------------------------------------------------------------------------------------
// The control group
// ---------------------------------------------------------------------------------------------------------------

export async function buildAcceptCases(ctx: SecurityContext): Promise<AcceptCase[]> {
  const k = ctx.keys;
  const accepted: AcceptCase[] = [];
  for (const key of [k.rs256, k.ps256, k.es256, k.eddsa]) {
    accepted.push({ class: 'alg-allowlist', name: `valid ${key.alg} token`, profile: 'strict', token: ctx.mint(key), identity: { subject: 'user-1', issuer: ISSUER, alg: key.alg } });
  }
  accepted.push({
    class: 'alg-key-binding',
    name: 'PS256 with an RSA key published without alg',
    profile: 'strict',
    token: ctx.mint(k.rsaNoAlg, {}, { alg: 'PS256' }, 'PS256'),
    identity: { alg: 'PS256' },
    why: 'RFC 7517: a JWK without alg may be used with any algorithm of its key type',
  });
  const t = ctx.mint(k.rs256);
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    accepted.push({ class: 'transport', name: `scheme "${scheme}" (case-insensitive, RFC 7235)`, profile: 'strict', authorization: `${scheme} ${t}`, identity: { subject: 'user-1' } });
  }
  accepted.push({
    class: 'transport',
    name: '2,000 spaces between scheme and token',
    profile: 'strict',
    authorization: `Bearer${' '.repeat(2000)}${t}`,
    identity: { subject: 'user-1' },
    why: 'RFC 7235 §2.1: credentials = auth-scheme [ 1*SP token68 ]; any number of spaces is legal',
  });
  accepted.push({ class: 'claims', name: 'typ application/at+jwt (RFC 7515 §4.1.9 prefix)', profile: 'strict', token: ctx.mint(k.es256, {}, { typ: 'application/at+jwt' }), identity: { subject: 'user-1' } });
  accepted.push({ class: 'claims', name: 'aud array naming this API among others', profile: 'strict', token: ctx.mint(k.es256, { aud: ['billing-api', AUDIENCE] }), identity: { subject: 'user-1' } });
  accepted.push({ class: 'multi-issuer', name: 'issuer A with its own key', profile: 'multiIssuer', token: ctx.mint(k.issuerA, { iss: ISSUER_A }), identity: { issuer: ISSUER_A } });
  accepted.push({ class: 'multi-issuer', name: 'issuer B with its own key', profile: 'multiIssuer', token: ctx.mint(k.issuerB, { iss: ISSUER_B }), identity: { issuer: ISSUER_B } });
  accepted.push({ class: 'hostile-jwks', name: 'the one good key of the hostile set still works', profile: 'hostileJwks', token: ctx.mint(k.anchor), identity: { subject: 'user-1' } });
  accepted.push({ class: 'scopes', name: 'exact scope among several', profile: 'strict', token: ctx.mint(k.es256, { scope: 'orders:read orders:write' }), requiredScopes: ['orders:write'], identity: { scopes: ['orders:read', 'orders:write'] } });
  accepted.push({ class: 'scopes', name: 'scp array', profile: 'strict', token: ctx.mint(k.es256, { scope: undefined, scp: ['orders:read'] }), requiredScopes: ['orders:read'], identity: { scopes: ['orders:read'] } });
  accepted.push({ class: 'scopes', name: 'any-of with one present', profile: 'strict', token: ctx.mint(k.es256, { scope: 'orders:write' }), requiredScopes: ['orders:read', 'orders:write'], scopeMode: 'any', identity: { scopes: ['orders:write'] } });
  {
    const header = ctx.header(k.rs256);
    accepted.push({
      class: 'structure',
      name: 'duplicate alg in header, "none" first and RS256 last',
      profile: 'strict',
      token: signed(withDuplicate({ ...header, alg: 'none' }, 'alg', 'RS256'), ctx.claims(), k.rs256),
      identity: { alg: 'RS256' },
      why: 'RFC 7515 §5.2 permits a parser that keeps the last duplicate; core, jose and the Identity all read the same JSON.parse result, so what was checked is what was signed and what the app sees',
    });
    accepted.push({
      class: 'structure',
      name: 'duplicate scope in payload: the last one counts',
      profile: 'strict',
      token: signed(header, withDuplicate(ctx.claims({ scope: 'orders:admin' }), 'scope', 'orders:read'), k.rs256),
      requiredScopes: ['orders:read'],
      identity: { scopes: ['orders:read'] },
      why: 'same as above: one parser, last member wins, the admin scope is never seen',
    });
  }
  accepted.push({
    class: 'key-injection',
    name: 'a genuine token that also carries jku/x5u pointing at the trap',
    profile: 'strict',
    token: ctx.mint(k.rs256, {}, { jku: `${ctx.trapUrl}/jwks.json`, x5u: `${ctx.trapUrl}/cert.pem` }),
    identity: { subject: 'user-1' },
    why: 'key-locating header parameters are ignored (never fetched, never trusted); the key comes from the configured JWKS only',
  });
  {
    const token = ctx.mint(k.es256);
    const [h, p, s] = parts(token);
    const sig = fromB64(s);
    const highS = bigToBytes(P256_ORDER - bytesToBig(sig.subarray(32)), 32);
    accepted.push({
      class: 'signature',
      name: 'ECDSA (r, n - s): the malleable twin of a valid signature',
      profile: 'strict',
      token: `${h}.${p}.${b64(Buffer.concat([sig.subarray(0, 32), highS]))}`,
      identity: { subject: 'user-1' },
      why: 'ECDSA signatures are malleable by definition and JWS does not forbid high-s; the claims are the ones the issuer signed. Replay detection must key on jti, not on the token string',
    });
  }
  return accepted;
}
