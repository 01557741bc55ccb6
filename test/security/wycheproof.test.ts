/**
 * Wycheproof (C2SP/wycheproof, Apache-2.0; copied into ./vectors/wycheproof) through core.
 *
 * The upstream JWS payloads are not JWT claim sets ("foo", "", 20 zero bytes...), so a vector run as published is
 * refused by core for its payload before its signature matters. Each file is therefore used twice:
 * - AS PUBLISHED: every vector, verified against its own key set (static `jwks`); every one must be refused.
 * - TRANSPLANTED into real tokens (real claims, real header) wherever the vector's point survives the move:
 *   * valid vectors: a real token signed with the vector's private key and protected header → accepted, unless a
 *     documented policy refuses it (HMAC, JWK alg ≠ header alg, unknown JWK alg);
 *   * RSA PKCS#1 "ModifiedPadding": the vector's encoded message (s^e mod n) with the upstream digest replaced by
 *     ours, re-signed with the vector's private key → the same malformed padding over OUR signing input;
 *   * ES256 special cases: the same (r, s) manipulation applied to our own signature, each manipulation first
 *     checked to reproduce the upstream vector from the upstream valid signature; r/s special values spliced as is;
 *   * RSA-PSS: message-independent signatures (0, 1, n-1, n, s+n, zero-padded, truncated) spliced / applied;
 *     encoded-message edits bound to the upstream message (MhashModified, SaltLenChanged, ...) spliced only;
 *   * wrong primitive, alg none, HMAC with the EC key, embedded jwk: rebuilt on a real token;
 *   * key-set vectors: a real token signed by the vector key, verified against the vector's set plus a good anchor
 *     key (so the set loads and the bad key itself must be refused).
 * - ECDSA P-256 P1363 vectors (no private keys): each signature spliced into a real token whose kid names the
 *   vector's public key; all must be refused (special values like r=0 are message-independent forgeries; the others
 *   sign other data).
 */
import { createHash, createPrivateKey, constants, generateKeyPairSync, privateEncrypt, publicDecrypt, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthConfigError, createVerifier, isAuthError, type Algorithm, type AuthErrorReason, type Identity, type Verifier } from '@authgate/core';
import { bigToBytes, nonCanonicalTail, P256_ORDER, pkcs1Sha256 } from './cases.js';
import { ACCESS_TOKEN_TYP, AUDIENCE, b64, fromB64, ISSUER, rawSign, rsaPublicKey, type SigningAlg } from './context.js';

// ---------------------------------------------------------------------------------------------------------------
// Vector files
// ---------------------------------------------------------------------------------------------------------------

interface JwsTest {
  tcId: number;
  comment: string;
  jws: string | object;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface JwsGroup {
  comment: string;
  public?: JWK;
  private?: JWK;
  tests: JwsTest[];
}
interface JwkGroup {
  comment: string;
  public?: { keys: JWK[] };
  private?: { keys: JWK[] };
  tests: JwsTest[];
}
interface P1363Test {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface P1363Group {
  publicKey: { wx: string; wy: string };
  publicKeyJwk?: JWK;
  tests: P1363Test[];
}

function load<T>(name: string): { testGroups: T[] } {
  return JSON.parse(readFileSync(new URL(`./vectors/wycheproof/${name}`, import.meta.url), 'utf8')) as { testGroups: T[] };
}

const jwsFile = load<JwsGroup>('json_web_signature_test.json');
const jwkFile = load<JwkGroup>('json_web_key_test.json');
const p1363File = load<P1363Group>('ecdsa_secp256r1_sha256_p1363_test.json');

// ---------------------------------------------------------------------------------------------------------------
// Verifiers
// ---------------------------------------------------------------------------------------------------------------

const ALL_ALGORITHMS: Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A strict verifier over a fixed key set, every asymmetric algorithm allowed (so the allowlist masks nothing). No
 * `typ` rule: vectors rebuilt from upstream header text carry none, and typ is not what these vectors test.
 */
function verifierFor(keys: readonly JWK[]): Verifier {
  return createVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ALL_ALGORITHMS, jwks: { keys: [...keys] }, cache: false, logger: silent });
}

/** A good key that is always added for transplanted key-set vectors, so the set loads and the bad key is judged alone. */
const anchor = (() => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'wycheproof-anchor', alg: 'ES256', use: 'sig' };
})();

type Outcome = { accepted: Identity } | { refused: AuthErrorReason } | { configRefused: string };

async function run(keys: readonly JWK[], token: string): Promise<Outcome> {
  let verifier: Verifier;
  try {
    verifier = verifierFor(keys);
  } catch (error) {
    if (error instanceof AuthConfigError) return { configRefused: error.message };
    throw error;
  }
  try {
    return { accepted: await verifier.verify(token) };
  } catch (error) {
    if (!isAuthError(error)) throw new Error(`verify threw a non-AuthError: ${(error as Error)?.name}`);
    return { refused: error.reason };
  } finally {
    verifier.close();
  }
}

function describeOutcome(outcome: Outcome): string {
  if ('accepted' in outcome) return 'ACCEPTED';
  if ('refused' in outcome) return outcome.refused;
  return 'refused at configuration';
}

// ---------------------------------------------------------------------------------------------------------------
// Real tokens
// ---------------------------------------------------------------------------------------------------------------

const now = Math.floor(Date.now() / 1000);
const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'wycheproof', iat: now, exp: now + 600, scope: 'orders:read' };

function headerOf(jws: string): Record<string, unknown> {
  return JSON.parse(fromB64(jws.split('.')[0] as string).toString('utf8')) as Record<string, unknown>;
}

/** The real signing input for a vector's protected header (typ added, everything else kept). */
function realInput(header: Record<string, unknown>): string {
  return `${b64({ ...header, typ: ACCESS_TOKEN_TYP })}.${b64(claims)}`;
}

function privateKeyOf(jwk: JWK): KeyObject | undefined {
  try {
    return createPrivateKey({ key: jwk as never, format: 'jwk' });
  } catch {
    return undefined;
  }
}

const SIGNING_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512']);

// ---------------------------------------------------------------------------------------------------------------
// Tallies, printed at the end and asserted per file
// ---------------------------------------------------------------------------------------------------------------

const summary: Record<string, Record<string, number>> = {};
function tally(file: string, bucket: string): void {
  summary[file] ??= {};
  (summary[file] as Record<string, number>)[bucket] = ((summary[file] as Record<string, number>)[bucket] ?? 0) + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// json_web_signature_test.json
// ---------------------------------------------------------------------------------------------------------------

/** ES256 manipulations named by Wycheproof's SpecialCaseEs256 comments, on (r, s) of a valid signature. */
const ES256_TRANSFORMS: Record<string, (r: bigint, s: bigint) => Buffer> = {
  SignatureTooLong: (r, s) => Buffer.concat([bigToBytes(r, 33), bigToBytes(P256_ORDER - s, 33)]),
  TrailingZeros: (r, s) => Buffer.concat([bigToBytes(r, 32), bigToBytes(P256_ORDER - s, 33), Buffer.alloc(1)]),
  RisTooBig: (r, s) => Buffer.concat([bigToBytes(r + P256_ORDER, 33), bigToBytes(P256_ORDER - s, 33)]),
  SisTooBig: (r, s) => Buffer.concat([bigToBytes(r, 33), bigToBytes(2n * P256_ORDER - s, 33)]),
  IntegerOverflow: (r, s) => Buffer.concat([bigToBytes(r + (1n << 256n), 33), bigToBytes(P256_ORDER - s, 33)]),
  IntegerOverflowS: (r, s) => Buffer.concat([bigToBytes(r, 33), bigToBytes(P256_ORDER - s + (1n << 256n), 33)]),
  BufferOverflow: (r, s) => Buffer.concat([bigToBytes(r, 257), bigToBytes(P256_ORDER - s, 257)]),
};

function rs(sig: Buffer): [bigint, bigint] {
  return [BigInt(`0x${sig.subarray(0, sig.length / 2).toString('hex')}`), BigInt(`0x${sig.subarray(sig.length / 2).toString('hex')}`)];
}

/** PKCS#1 v1.5 ModifiedPadding: the upstream EM, its digest replaced by ours, re-signed with the vector's key. */
function transplantPkcs1(vector: string, publicJwk: JWK, privateKey: KeyObject, input: string): Buffer | undefined {
  const [h, p, s] = vector.split('.') as [string, string, string];
  const signature = fromB64(s);
  const modulusBytes = fromB64(publicJwk.n as string).length;
  if (signature.length !== modulusBytes) return undefined;
  let em: Buffer;
  try {
    em = publicDecrypt({ key: rsaPublicKey(publicJwk), padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return undefined;
  }
  const upstream = createHash('sha256').update(`${h}.${p}`).digest();
  const ours = createHash('sha256').update(input).digest();
  // Where the digest sits: whole, or its longest surviving prefix (truncated) or suffix (first bytes modified).
  // Each digest byte becomes ours XOR (whatever the vector did to it), so the edit is preserved exactly and the
  // result can never turn into a correct encoding by chance.
  const edited = Buffer.from(em);
  const rewrite = (start: number, from: number, to: number): Buffer => {
    for (let j = from; j < to; j += 1) {
      const i = start + j;
      if (i >= 0 && i < edited.length) edited[i] = (edited[i] as number) ^ (upstream[j] as number) ^ (ours[j] as number);
    }
    return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, edited);
  };
  for (let length = upstream.length; length >= 8; length -= 1) {
    const prefixAt = em.indexOf(upstream.subarray(0, length));
    if (prefixAt !== -1) return rewrite(prefixAt, 0, length);
    const suffixAt = em.indexOf(upstream.subarray(upstream.length - length));
    if (suffixAt !== -1) return rewrite(suffixAt - (upstream.length - length), 0, upstream.length);
  }
  return undefined;
}

interface Transplant {
  token: string;
  /** 'accept', a specific reason, or 'refuse' (any AuthError). */
  expect: 'accept' | 'refuse' | AuthErrorReason;
  how: string;
  /** The key set to verify against, when not the group's own (HMAC groups are rebuilt on an ES256 stand-in). */
  keys?: JWK[];
}

/**
 * HMAC groups (hs256, base64, rfc7520 Figure 35) test structure and base64url strictness with an HMAC key, which a
 * JWKS verifier refuses by policy. Their structural and encoding edits are rebuilt on an ES256 stand-in key instead.
 */
const standIn = generateKeyPairSync('ec', { namedCurve: 'P-256' });
function standInJwk(kid: string): JWK {
  return { ...(standIn.publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'ES256', use: 'sig' };
}
function standInSign(input: string): string {
  return rawSign('ES256', standIn.privateKey, input).toString('base64url');
}

/** Claims whose payload segment length is 2 or 3 mod 4, so its last character has unused bits to set. */
const unalignedClaims = (() => {
  for (let pad = 0; ; pad += 1) {
    const candidate = { ...claims, pad: 'x'.repeat(pad) };
    if (b64(candidate).length % 4 >= 2) return candidate;
  }
})();

/** The base64 group: each upstream encoding edit, applied to a real ES256 token the same way (by tcId). */
function transplantBase64(test: JwsTest): Transplant {
  const kid = 'hs256-key';
  const h = b64({ kid, alg: 'ES256' });
  const p = b64(unalignedClaims);
  const sig = standInSign(`${h}.${p}`);
  const over = (hh: string, pp: string): string => `${hh}.${pp}.${standInSign(`${hh}.${pp}`)}`;
  const pad = (segment: string): string => `${segment}${segment.length % 4 === 0 ? '==' : '='.repeat(4 - (segment.length % 4))}`;
  const nonCanonical = nonCanonicalTail(p) as string;
  const edits: Record<number, [string, string]> = {
    357: [`${h}.${p}.${sig}`, 'plain real token'],
    358: [`${h}.${p}.${sig}`, 'plain real token (the edge-case MAC value itself is HMAC-only)'],
    359: [`${h}.${p}.${sig}`, 'plain real token (the edge-case MAC value itself is HMAC-only)'],
    360: [`${h}.${p}.    ${sig}`, 'spaces before the signature'],
    361: [`${h}.${p}.?${sig}`, 'invalid character before the signature'],
    362: [`${h}.${p}.${sig}?`, 'invalid character after the signature'],
    363: [`${h}.${p}.?${sig.slice(1)}`, 'first signature character replaced'],
    364: [`${h}.${p}.????${sig.slice(4)}`, 'first four signature characters replaced'],
    365: [over(`${h}    `, p), 'spaces after the header, signed as sent'],
    366: [over(`${h}####`, p), 'invalid characters after the header, signed as sent'],
    367: [over(pad(h), p), 'padded header, signed as sent (upstream vector lacks the padding: mislabelled)'],
    368: [over(h, `    ${p}`), 'spaces before the payload, signed as sent'],
    369: [over(h, `####${p}`), 'invalid characters before the payload, signed as sent'],
    370: [over(h, pad(p)), 'padded payload, signed as sent (upstream vector lacks the padding: mislabelled)'],
    371: [over(h, `?${p}`), 'invalid character before the payload, signed as sent'],
    372: [
      `${h.slice(0, -1)}?${h.slice(-1)}.${p}.${sig}`,
      'character inserted in the header, signature over the clean text (upstream says valid: mislabelled)',
    ],
    373: [`${h}.${p}?.${sig}`, 'character appended to the payload, signature over the clean text (upstream says valid: mislabelled)'],
    374: [`${h}.${nonCanonical}.${sig}`, 'non-zero unused bits in the payload, signature over the canonical text'],
    375: [over(h, nonCanonical), 'non-zero unused bits in the payload, signed as sent'],
    376: [over(b64(`{ "kid" : "${kid}", "alg" : "ES256" }`), p), 'spaces inside the header JSON'],
    377: [over(b64(`{"kid":"${kid}",\n\t"alg":"ES256"}`), p), 'newline and tab inside the header JSON'],
  };
  const [token, how] = edits[test.tcId] ?? [`${h}.${p}.${sig}`, 'unknown tcId'];
  const valid = [357, 358, 359, 376, 377].includes(test.tcId);
  return { token, expect: valid ? 'accept' : 'malformed_token', how: `base64url: ${how}`, keys: [standInJwk(kid)] };
}

function transplantHmacGroup(group: JwsGroup, test: JwsTest, validOfGroup: string | undefined): Transplant | undefined {
  if (group.comment === 'base64') return transplantBase64(test);
  if (validOfGroup === undefined) {
    if (typeof test.jws !== 'string') return undefined;
    const input = realInput(headerOf(test.jws));
    return {
      token: `${input}.${rawSign('HS256', fromB64(group.private?.k as string), input).toString('base64url')}`,
      expect: 'algorithm_not_allowed',
      how: 'HMAC: refused by policy',
    };
  }
  const validHeader = headerOf(validOfGroup);
  const kid = validHeader.kid as string;
  const input = realInput({ ...validHeader, alg: 'ES256' });
  const real = [...input.split('.'), standInSign(input)];
  const keys = [standInJwk(kid)];
  if (typeof test.jws !== 'string') {
    const json = JSON.stringify({ payload: real[1], signatures: [{ protected: real[0], header: { unknown: 'untrustworthy' }, signature: real[2] }] });
    return { token: json, expect: 'malformed_token', how: 'JSON serialization of a real token', keys };
  }
  if (test.result === 'valid') return { token: real.join('.'), expect: 'accept', how: 'real token (ES256 stand-in for the HMAC key)', keys };
  const valid = validOfGroup.split('.');
  const mixed = test.jws.split('.').map((part, i) => (part === valid[i] && real[i] !== undefined ? real[i] : part));
  return { token: mixed.join('.'), expect: 'refuse', how: 'structural edit on a real token (ES256 stand-in)', keys };
}

const PSS_MESSAGE_BOUND =
  /^(MhashModified|lastByteOfMhashModified|SaltLenChanged|ZeroPaddingModified|ModifiedHash|PSModified|SaltModified|MaskedDbChanged|EmModified|FirstByteOfMhashModified|LastByteOfMhashModified|modifiedSignature)$/;

function transplantJws(group: JwsGroup, test: JwsTest, validOfGroup: string | undefined): Transplant | undefined {
  if (group.private?.kty === 'oct') return transplantHmacGroup(group, test, validOfGroup);
  if (typeof test.jws !== 'string') return undefined;
  const parts = test.jws.split('.');
  // Vectors without a usable header (missing, empty string) are rebuilt with the group's valid header.
  let header: Record<string, unknown>;
  try {
    header = headerOf(test.jws);
  } catch {
    if (validOfGroup === undefined) return undefined;
    header = headerOf(validOfGroup);
  }
  const alg = header.alg as string;
  const privateJwk = group.private;
  const privateKey = privateJwk === undefined || privateJwk.kty === 'oct' ? undefined : privateKeyOf(privateJwk);
  const input = realInput(header);
  const withSig = (sig: Buffer | string): string => `${input}.${typeof sig === 'string' ? sig : sig.toString('base64url')}`;

  if (test.flags.includes('AlgIsNone'))
    return { token: withSig(parts[2] ?? ''), expect: 'algorithm_not_allowed', how: 'alg none header on real claims' };

  if (test.result === 'valid') {
    if (alg.startsWith('HS'))
      return {
        token: withSig(rawSign(alg as SigningAlg, fromB64(privateJwk?.k as string), input)),
        expect: 'refuse',
        how: 'HMAC: refused by policy',
      };
    if (privateKey === undefined || !SIGNING_ALGS.has(alg)) return undefined;
    const publicAlg = group.public?.alg;
    const expectation: Transplant['expect'] =
      publicAlg !== undefined && !ALL_ALGORITHMS.includes(publicAlg as Algorithm)
        ? 'refuse' // the JWK names an algorithm that does not exist (ES521): the key is refused
        : publicAlg !== undefined && publicAlg !== alg
          ? 'key_algorithm_mismatch' // the JWK binds the key to another algorithm (PS256 key, PS384 token)
          : 'accept';
    return { token: withSig(rawSign(alg as SigningAlg, privateKey, input)), expect: expectation, how: 'real token signed with the vector key' };
  }

  if (group.comment === 'SpecialCaseEs256' && privateKey !== undefined) {
    const upstreamValid = validOfGroup === undefined ? undefined : fromB64(validOfGroup.split('.')[2] as string);
    const vectorSig = fromB64(parts[2] ?? '');
    const name = test.comment === 'IntegerOverflow' && vectorSig[33] === 1 ? 'IntegerOverflowS' : test.comment;
    const transform = ES256_TRANSFORMS[name];
    if (transform !== undefined && upstreamValid !== undefined) {
      // The manipulation must reproduce the upstream vector from the upstream valid signature...
      expect(transform(...rs(upstreamValid)).toString('hex'), `transform ${name} reproduces tc${test.tcId}`).toBe(vectorSig.toString('hex'));
      // ...before it is applied to ours.
      return {
        token: withSig(transform(...rs(rawSign('ES256', privateKey, input)))),
        expect: 'signature_invalid',
        how: `${name} applied to a real signature`,
      };
    }
    return { token: withSig(vectorSig), expect: 'signature_invalid', how: 'message-independent r/s values spliced' };
  }

  if (test.flags.includes('ModifiedPadding') && privateKey !== undefined && group.public !== undefined) {
    const sig = transplantPkcs1(test.jws, group.public, privateKey, input);
    if (sig !== undefined) return { token: withSig(sig), expect: 'signature_invalid', how: 'malformed PKCS#1 padding re-signed over real claims' };
    // No digest left in the encoded message (removed, replaced by NULL, lonely tags...): the forgery does not depend
    // on the message, so the upstream signature is the transplant.
    return { token: withSig(parts[2] ?? ''), expect: 'signature_invalid', how: 'malformed PKCS#1 padding without a digest: spliced as is' };
  }

  if (test.flags.includes('ModifiedSignature') && group.public?.kty === 'RSA' && privateKey !== undefined) {
    const n = BigInt(`0x${fromB64(group.public.n as string).toString('hex')}`);
    const size = fromB64(group.public.n as string).length;
    const ours = rawSign(alg as SigningAlg, privateKey, input);
    const oursBig = BigInt(`0x${ours.toString('hex')}`);
    const applied: Record<string, Buffer> = {
      SignatureIsnotReduced: bigToBytes(oursBig + n, size + 1),
      prependingZerosToSignature: Buffer.concat([Buffer.alloc(2), ours]),
      appendingZerosToSignature: Buffer.concat([ours, Buffer.alloc(2)]),
      truncatedSignature: ours.subarray(0, ours.length - 2),
    };
    const sig = applied[test.comment];
    if (sig !== undefined) return { token: withSig(sig), expect: 'signature_invalid', how: `${test.comment} applied to a real signature` };
    if (PSS_MESSAGE_BOUND.test(test.comment))
      return { token: withSig(parts[2] ?? ''), expect: 'signature_invalid', how: 'encoded-message edit bound to the upstream message: spliced' };
    return { token: withSig(parts[2] ?? ''), expect: 'signature_invalid', how: 'message-independent signature value spliced' };
  }

  if (test.flags.includes('WrongPrimitive') && privateKey !== undefined) {
    const used = /Using(\w+)/.exec(test.comment)?.[1] as SigningAlg;
    const keyAlg = group.public?.alg;
    const expectation = keyAlg !== undefined && keyAlg !== alg ? 'key_algorithm_mismatch' : 'signature_invalid';
    return { token: withSig(rawSign(used, privateKey, input)), expect: expectation, how: `header ${alg}, signature made with ${used}` };
  }

  if (test.comment.startsWith('rejectsSymmetryConfusion') && group.public !== undefined) {
    // Upstream's HMAC key encoding is not documented; every encoding of the public key must fail the same way.
    return {
      token: withSig(rawSign('HS256', JSON.stringify(group.public), input)),
      expect: 'algorithm_not_allowed',
      how: 'HS256 keyed with the public JWK',
    };
  }

  if (test.comment === 'rejectsAttackerProvidedEmbeddedJwk') {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = { ...header, jwk: { ...(attacker.publicKey.export({ format: 'jwk' }) as JWK), kid: header.kid, use: 'sig', alg: 'ES256' } };
    const forgedInput = realInput(forged);
    return {
      token: `${forgedInput}.${rawSign('ES256', attacker.privateKey, forgedInput).toString('base64url')}`,
      expect: 'signature_invalid',
      how: 'embedded attacker jwk, signed by the attacker',
    };
  }

  if (test.comment === 'rejectWrongUse' || test.comment === 'rejectWrongKeyOps') {
    if (privateKey === undefined) return undefined;
    return { token: withSig(rawSign(alg as SigningAlg, privateKey, input)), expect: 'refuse', how: 'real token signed by an encryption key' };
  }

  // Structural edits (missing or extra parts, modified header/payload/signature): parts equal to the group's valid
  // vector are replaced by the real token's, edited parts kept as published.
  if (validOfGroup !== undefined && privateKey !== undefined) {
    const valid = validOfGroup.split('.');
    const real = withSig(rawSign(alg as SigningAlg, privateKey, input)).split('.');
    const mixed = parts.map((part, i) => (part === valid[i] && real[i] !== undefined ? real[i] : part));
    return { token: mixed.join('.'), expect: 'refuse', how: 'structural edit on a real token' };
  }
  return undefined;
}

function keysForJwsGroup(group: JwsGroup): JWK[] {
  if (group.public !== undefined) return [group.public];
  return group.private === undefined ? [] : [group.private];
}

describe('Wycheproof json_web_signature_test.json', () => {
  const groups = jwsFile.testGroups;
  const all = groups.flatMap((group) => group.tests.map((test) => ({ group, test })));

  it('as published: every invalid vector is refused; valid ones are refused only because their payload is no claim set', async () => {
    const invalid = all.filter(({ test }) => test.result === 'invalid');
    let refusedInvalid = 0;
    for (const { group, test } of all) {
      const token = typeof test.jws === 'string' ? test.jws : JSON.stringify(test.jws);
      const outcome = await run(keysForJwsGroup(group), token);
      expect('accepted' in outcome, `tc${test.tcId} ${test.comment} was accepted`).toBe(false);
      if (test.result === 'invalid') refusedInvalid += 1;
      tally('jws as published', `${test.result}: ${'configRefused' in outcome ? 'key set refused (HMAC / policy)' : describeOutcome(outcome)}`);
    }
    expect(refusedInvalid).toBe(invalid.length);
  });

  it('the PKCS#1 transplant is sound: applied to the valid vector tc33 it yields a token core accepts', async () => {
    const group = groups.find((g) => g.public?.kid === 'kid-rsa-sign' && g.public.use === 'sig') as JwsGroup;
    const tc33 = group.tests.find((test) => test.tcId === 33) as JwsTest;
    const input = realInput(headerOf(tc33.jws as string));
    const sig = transplantPkcs1(tc33.jws as string, group.public as JWK, privateKeyOf(group.private as JWK) as KeyObject, input);
    expect(sig).toBeDefined();
    expect(describeOutcome(await run([group.public as JWK], `${input}.${b64(sig as Buffer)}`))).toBe('ACCEPTED');
  });

  it('transplanted into real tokens: valid ones accepted (or refused by documented policy), invalid ones refused', async () => {
    const failures: string[] = [];
    const skipped: string[] = [];
    for (const group of groups) {
      const validOfGroup = group.tests.find((test) => test.result === 'valid' && typeof test.jws === 'string')?.jws as string | undefined;
      for (const test of group.tests) {
        const transplant = transplantJws(group, test, validOfGroup);
        if (transplant === undefined) {
          tally('jws transplanted', `${test.result}: not transplantable (no usable private key or not a compact JWS)`);
          skipped.push(`tc${test.tcId} ${group.comment}/${test.comment}`);
          continue;
        }
        // Key-use vectors are judged with an anchor key beside the bad one, so the set loads.
        const keys = transplant.keys ?? keysForJwsGroup(group);
        const outcome = await run(transplant.expect === 'accept' || transplant.keys !== undefined ? keys : [...keys, anchor], transplant.token);
        const label = `tc${test.tcId} ${group.comment}/${test.comment} (${transplant.how})`;
        const ok =
          transplant.expect === 'accept'
            ? 'accepted' in outcome
            : transplant.expect === 'refuse'
              ? !('accepted' in outcome)
              : 'refused' in outcome && outcome.refused === transplant.expect;
        if (!ok) failures.push(`${label}: expected ${transplant.expect}, got ${describeOutcome(outcome)}`);
        tally('jws transplanted', `${test.result}: ${transplant.how} → ${describeOutcome(outcome)}`);
      }
    }
    expect(failures).toEqual([]);
    // Every one of the 401 vectors has a real-token counterpart.
    expect(skipped).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// json_web_key_test.json
// ---------------------------------------------------------------------------------------------------------------

describe('Wycheproof json_web_key_test.json', () => {
  const all = jwkFile.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));

  it('as published: every invalid key set / token is refused (at configuration or per token)', async () => {
    let refused = 0;
    const invalid = all.filter(({ test }) => test.result === 'invalid').length;
    for (const { group, test } of all) {
      const keys = group.public?.keys ?? group.private?.keys ?? [];
      const outcome = await run(keys, test.jws as string);
      expect('accepted' in outcome, `tc${test.tcId} ${group.comment}`).toBe(false);
      if (test.result === 'invalid') refused += 1;
      tally('jwk as published', `${test.result}: ${'configRefused' in outcome ? 'key set refused at configuration' : describeOutcome(outcome)}`);
    }
    expect(refused).toBe(invalid);
  });

  /** The token a holder of the vector's key would mint, for the vector's header. */
  function transplantJwk(group: JwkGroup, test: JwsTest): Transplant {
    const header = headerOf(test.jws as string);
    const alg = header.alg as SigningAlg;
    const input = realInput(header);
    const privateJwk = group.private?.keys.find((key) => key.kid === header.kid) ?? group.private?.keys[0];
    const publicJwk = group.public?.keys.find((key) => key.kid === header.kid);
    const expectValid: Transplant['expect'] = test.result === 'valid' && !alg.startsWith('HS') ? 'accept' : 'refuse';
    if (alg.startsWith('HS')) {
      const secret = privateJwk?.k === undefined ? Buffer.alloc(0) : fromB64(privateJwk.k);
      return { token: `${input}.${rawSign(alg, secret, input).toString('base64url')}`, expect: 'refuse', how: 'HMAC: refused by policy' };
    }
    if (publicJwk?.kty === 'RSA' && publicJwk.e === 'AQ') {
      // e = 1: the PKCS#1 encoding of our digest is a valid "signature"; no private key needed.
      return {
        token: `${input}.${pkcs1Sha256(input, fromB64(publicJwk.n as string).length).toString('base64url')}`,
        expect: expectValid,
        how: 'signature forged for e = 1',
      };
    }
    const privateKey = privateJwk === undefined ? undefined : privateKeyOf(privateJwk);
    if (privateKey === undefined) {
      // The vector's key cannot even be imported as a private key: sign with any key; the published one must be refused.
      const stand = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      return {
        token: `${input}.${rawSign('ES256', stand, input).toString('base64url')}`,
        expect: 'refuse',
        how: 'unimportable vector key: stand-in signature',
      };
    }
    const type = privateKey.asymmetricKeyDetails?.namedCurve;
    const primitive: SigningAlg = type === 'secp384r1' ? 'ES384' : type === 'secp521r1' ? 'ES512' : alg;
    return {
      token: `${input}.${rawSign(primitive, privateKey, input).toString('base64url')}`,
      expect: expectValid,
      how: 'real token signed with the vector key',
    };
  }

  // ROCA (tc7) is asserted separately below, so this test reports everything else.
  const isRoca = (group: JwkGroup): boolean => group.comment === 'jws_rsa_roca_key';

  it('transplanted into real tokens (vector key set + a good anchor key): the bad key never verifies', async () => {
    const failures: string[] = [];
    for (const { group, test } of all) {
      if (isRoca(group)) continue;
      const transplant = transplantJwk(group, test);
      const keys = group.public?.keys ?? group.private?.keys ?? [];
      const outcome = await run(transplant.expect === 'accept' ? keys : [...keys, anchor], transplant.token);
      const ok = transplant.expect === 'accept' ? 'accepted' in outcome : !('accepted' in outcome);
      if (!ok)
        failures.push(
          `tc${test.tcId} ${group.comment}/${test.comment} (${transplant.how}): expected ${transplant.expect}, got ${describeOutcome(outcome)}`,
        );
      tally('jwk transplanted', `${test.result} ${group.comment}: ${transplant.how} → ${describeOutcome(outcome)}`);
    }
    expect(failures).toEqual([]);
  });

  it('tc7: a token signed by a ROCA-vulnerable RSA key (CVE-2017-15361) is refused', async () => {
    const group = jwkFile.testGroups.find(isRoca) as JwkGroup;
    const test = group.tests[0] as JwsTest;
    const transplant = transplantJwk(group, test);
    const outcome = await run([...(group.public?.keys ?? []), anchor], transplant.token);
    tally('jwk transplanted', `invalid jws_rsa_roca_key: ${transplant.how} → ${describeOutcome(outcome)}`);
    expect(describeOutcome(outcome), 'the ROCA key must not verify tokens').not.toBe('ACCEPTED');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// ecdsa_secp256r1_sha256_p1363_test.json
// ---------------------------------------------------------------------------------------------------------------

function coordinate(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  const trimmed = bytes.length > 32 ? bytes.subarray(bytes.length - 32) : bytes;
  return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]).toString('base64url');
}

describe('Wycheproof ecdsa_secp256r1_sha256_p1363_test.json (spliced into real ES256 tokens)', () => {
  it('every signature, valid for its own message or not, is refused on a real token', async () => {
    const groups = p1363File.testGroups;
    const keys: JWK[] = groups.map((group, i) => ({
      kty: 'EC',
      crv: 'P-256',
      x: group.publicKeyJwk?.x ?? coordinate(group.publicKey.wx),
      y: group.publicKeyJwk?.y ?? coordinate(group.publicKey.wy),
      kid: `p1363-${i}`,
      alg: 'ES256',
      use: 'sig',
    }));
    const verifier = verifierFor(keys);
    let total = 0;
    let refused = 0;
    const accepted: string[] = [];
    try {
      for (const [i, group] of groups.entries()) {
        const input = realInput({ alg: 'ES256', kid: `p1363-${i}` });
        for (const test of group.tests) {
          total += 1;
          const token = `${input}.${Buffer.from(test.sig, 'hex').toString('base64url')}`;
          try {
            await verifier.verify(token);
            accepted.push(`tc${test.tcId} ${test.comment}`);
          } catch (error) {
            expect(isAuthError(error)).toBe(true);
            refused += 1;
            const reason = isAuthError(error) ? error.reason : 'non-AuthError';
            tally('ecdsa p1363 spliced', `${test.result} [${test.flags.join(',')}] → ${reason}`);
          }
        }
      }
    } finally {
      verifier.close();
    }
    expect(accepted).toEqual([]);
    expect(refused).toBe(total);
    expect(total).toBe(262);
  });

  it('every vector key imports, so the splice test above judged signatures and not keys', async () => {
    // Every vector key must at least import: a key WebCrypto refuses would make the splice test above vacuous.
    const groups = p1363File.testGroups;
    const tokens = groups.map((_group, i) => `${realInput({ alg: 'ES256', kid: `p1363-${i}` })}.${b64(Buffer.alloc(64, 1))}`);
    const keys: JWK[] = groups.map((group, i) => ({
      kty: 'EC',
      crv: 'P-256',
      x: group.publicKeyJwk?.x ?? coordinate(group.publicKey.wx),
      y: group.publicKeyJwk?.y ?? coordinate(group.publicKey.wy),
      kid: `p1363-${i}`,
      alg: 'ES256',
    }));
    const verifier = verifierFor(keys);
    const reasons = new Set<string>();
    for (const token of tokens) {
      await verifier.verify(token).catch((error: unknown) => reasons.add(isAuthError(error) ? error.reason : 'non-AuthError'));
    }
    verifier.close();
    // Signature checked (and failed) for every key: none was refused at import (unknown_key).
    expect([...reasons]).toEqual(['signature_invalid']);
  });
});

describe('Wycheproof summary', () => {
  it('prints what ran and how it ended', () => {
    for (const [file, buckets] of Object.entries(summary)) {
      console.info(
        `\n${file}:\n${Object.entries(buckets)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([bucket, count]) => `  ${String(count).padStart(4)}  ${bucket}`)
          .join('\n')}`,
      );
    }
    expect(Object.keys(summary).length).toBeGreaterThan(0);
  });
});
