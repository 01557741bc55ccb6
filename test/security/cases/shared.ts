/** RFC 6750 expectations and the token-crafting helpers every attack family uses (see ../cases.ts). */
import { createHash } from 'node:crypto';
import type { AuthErrorReason, ScopeMode } from '@authgate/core';
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
} from '../context.js';
import type { AcceptCase, AttackCase, AttackClass, Expectation } from './types.js';

export * from './types.js';

// ---------------------------------------------------------------------------------------------------------------
// Expectations, from RFC 6750 §3.1
// ---------------------------------------------------------------------------------------------------------------

export const NO_CREDENTIALS = new Set<AuthErrorReason>(['credentials_missing', 'unsupported_scheme']);
export const INVALID_REQUEST = new Set<AuthErrorReason>(['malformed_request', 'multiple_credentials']);

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
export const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** What Node's HTTP client refuses in a header value. */
export const HTTP_UNSAFE = /[\0-\x08\x0a-\x1f\x7f]|[^\0-\xff]/;

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

export interface TokenCaseOptions {
  profile?: ProfileName;
  requiredScopes?: readonly string[];
  scopeMode?: ScopeMode;
}

export function tokenCase(cls: AttackClass, name: string, token: string, reason: AuthErrorReason, options: TokenCaseOptions = {}): AttackCase {
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

export function requestCase(
  cls: AttackClass,
  name: string,
  request: Pick<AttackCase, 'authorization' | 'query' | 'form' | 'cookie'>,
  reason: AuthErrorReason,
): AttackCase {
  const values =
    request.authorization === undefined ? [] : typeof request.authorization === 'string' ? [request.authorization] : request.authorization;
  return {
    class: cls,
    name,
    profile: 'strict',
    ...request,
    expect: expectation(reason),
    httpSafe: values.every((value) => !HTTP_UNSAFE.test(value)),
  };
}

export function parts(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}

/** The signing input of a token, re-signed with another algorithm/key (a valid signature for a lying header). */
export function resign(token: string, alg: SigningAlg, key: SuiteKey['privateKey'] | Buffer | string): string {
  const [h, p] = parts(token);
  return `${h}.${p}.${rawSign(alg, key, `${h}.${p}`).toString('base64url')}`;
}

/** A header + payload signed by `key` (headers and payloads may be raw JSON text, e.g. with duplicate members). */
export function signed(header: object | string, payload: object | string, key: SuiteKey, alg: SigningAlg = key.alg): string {
  return compact(header, payload, alg, key.privateKey);
}

/** Raw JSON text of an object with one extra (duplicate) member appended: JSON.stringify cannot produce those. */
export function withDuplicate(value: Record<string, unknown>, name: string, duplicate: unknown): string {
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
export function toStdAlphabet(segment: string): string {
  return segment.replace(/-/g, '+').replace(/_/g, '/');
}

/** Minimal DER encoding of an ECDSA (r, s) pair given as P1363 raw bytes. */
export function p1363ToDer(raw: Buffer): Buffer {
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
export const ED25519_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

export function bigToBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

export function bytesToBig(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

/** RSA PKCS#1 v1.5 encoded SHA-256 digest (EM) for a modulus of `length` bytes. With e = 1 this IS a "signature". */
export function pkcs1Sha256(data: string, length: number): Buffer {
  const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(data).digest()]);
  const padding = Buffer.alloc(length - digestInfo.length - 3, 0xff);
  return Buffer.concat([Buffer.from([0x00, 0x01]), padding, Buffer.from([0x00]), digestInfo]);
}

/** Pads a claim so the payload segment length is not a multiple of 4 (so its last char has unused bits). */
export function tokenWithUnalignedPayload(ctx: SecurityContext, key: SuiteKey): string {
  for (let pad = 0; pad < 4; pad += 1) {
    const token = ctx.mint(key, { pad: 'x'.repeat(pad) });
    if (parts(token)[1].length % 4 >= 2) return token;
  }
  throw new Error('unreachable: some padding length aligns the payload');
}

/** A token whose given segment contains '-' or '_' (so its standard-alphabet spelling differs). */
export function tokenWithUrlChars(ctx: SecurityContext, key: SuiteKey, part: 0 | 1 | 2): string {
  for (let i = 0; i < 64; i += 1) {
    const token = ctx.mint(key, { pad: '>?~'.repeat(i % 8) + 'x'.repeat(i) });
    if (/[-_]/.test(parts(token)[part])) return token;
  }
  throw new Error('could not produce a segment with base64url-only characters');
}

/** Nested JSON arrays `[[[...]]]` of the given depth, as text. */
export function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

export function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A raw JSON object text with a member whose value is raw JSON (e.g. deep nesting, 1e999). */
export function withRawMember(value: Record<string, unknown>, name: string, rawJson: string): string {
  return `${JSON.stringify(value).slice(0, -1)},${JSON.stringify(name)}:${rawJson}}`;
}

/** The valid tokens every family tampers with, minted once per suite. */
export interface BaseTokens {
  k: SecurityContext['keys'];
  good: string;
  goodEs: string;
  goodH: string;
  goodP: string;
  goodS: string;
}

export function baseTokens(ctx: SecurityContext): BaseTokens {
  const k = ctx.keys;
  const good = ctx.mint(k.rs256);
  const [goodH, goodP, goodS] = parts(good);
  return { k, good, goodEs: ctx.mint(k.es256), goodH, goodP, goodS };
}

/** A list of cases and the `add` that appends to it, as every family builds them. */
export function caseList(): { cases: AttackCase[]; add: (...more: AttackCase[]) => void } {
  const cases: AttackCase[] = [];
  return { cases, add: (...more) => void cases.push(...more) };
}
