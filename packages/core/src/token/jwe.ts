import type { KeyObject } from 'node:crypto';
import { compactDecrypt, type JWK } from 'jose';
import { fail } from '../config/validate.js';
import { describeType, keysOf, rejectUnknownKeys, type OptionKeys } from '../config/known-keys.js';
import { AuthError } from '../errors.js';
import { canonicalTyp } from './typ.js';

/**
 * Encrypted access tokens (JWE, RFC 7516) carrying a signed JWT (nested: signed, then encrypted). Decryption only
 * hides the claims: anyone can encrypt to a public key, so the inner token must be a compact JWS and is verified
 * exactly as a plain token is. Every decryption failure is the same `token_undecryptable` answer from outside (the
 * detail goes to the debug log only), so the answers are no padding or key oracle.
 */

/** A decryption key: a private (or `oct`) JWK with its `kid`, or a KeyObject with the kid it is selected by. */
export type DecryptionKey = JWK | { kid: string; key: KeyObject };

export interface DecryptionOptions {
  /** The keys JWE access tokens are encrypted to, selected by the JWE header's `kid` (with one key, `kid` may be absent). */
  keys: readonly DecryptionKey[];
  /**
   * Accepted `alg` (key management) values. Default `['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW']`.
   * `dir`, `A*KW`, `A*GCMKW` and `PBES2-*` are accepted only when listed here; `RSA1_5` never (padding oracle).
   */
  keyManagementAlgorithms?: readonly string[];
  /** Accepted `enc` (content encryption) values. Default `['A128GCM', 'A256GCM']`. */
  contentEncryptionAlgorithms?: readonly string[];
}

export const DECRYPTION_OPTION_KEYS: OptionKeys<DecryptionOptions> = {
  keys: true,
  keyManagementAlgorithms: true,
  contentEncryptionAlgorithms: true,
};

export interface NormalizedDecryption {
  keys: ReadonlyMap<string | undefined, JWK | KeyObject>;
  keyManagement: ReadonlySet<string>;
  contentEncryption: ReadonlySet<string>;
}

const DEFAULT_KEY_MANAGEMENT = ['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'];
const OPT_IN_KEY_MANAGEMENT = [
  'RSA-OAEP',
  'RSA-OAEP-384',
  'RSA-OAEP-512',
  'ECDH-ES+A192KW',
  'dir',
  'A128KW',
  'A192KW',
  'A256KW',
  'A128GCMKW',
  'A192GCMKW',
  'A256GCMKW',
  'PBES2-HS256+A128KW',
  'PBES2-HS384+A192KW',
  'PBES2-HS512+A256KW',
];
const DEFAULT_CONTENT_ENCRYPTION = ['A128GCM', 'A256GCM'];
const OPT_IN_CONTENT_ENCRYPTION = ['A192GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
// PBES2 iterations are chosen by the token: without a cap one token costs seconds of CPU.
const MAX_PBES2_COUNT = 10_000;
const SEGMENT = /^[A-Za-z0-9_-]*$/;

function algorithmList(name: string, value: readonly string[] | undefined, defaults: string[], optIn: string[]): Set<string> {
  if (value === undefined) return new Set(defaults);
  if (!Array.isArray(value) || value.length === 0)
    fail(`decryption.${name} must be an array of at least one algorithm name (got ${describeType(value)})`);
  for (const alg of value) {
    if (alg === 'RSA1_5') fail('decryption.keyManagementAlgorithms must not list RSA1_5: it is open to padding-oracle attacks (use RSA-OAEP-256)');
    if (!defaults.includes(alg) && !optIn.includes(alg))
      fail(`decryption.${name}: ${JSON.stringify(alg)} is not supported; supported: ${[...defaults, ...optIn].join(', ')}`);
  }
  return new Set(value);
}

function normalizeKey(entry: DecryptionKey, index: number): [string | undefined, JWK | KeyObject] {
  const where = `decryption.keys[${index}]`;
  if (entry === null || typeof entry !== 'object') fail(`${where} must be a private JWK or { kid, key: KeyObject }`);
  if ('key' in entry && typeof entry.key === 'object' && entry.key !== null && 'export' in entry.key) {
    if (typeof entry.kid !== 'string' || entry.kid === '') fail(`${where}.kid must be a non-empty string`);
    if (entry.key.type === 'public') fail(`${where}.key is a public key; decryption needs the private key`);
    return [entry.kid, entry.key];
  }
  const jwk = entry as JWK;
  if (jwk.kty === 'oct' ? typeof jwk.k !== 'string' : typeof jwk.d !== 'string')
    fail(`${where} must be a private JWK (with d), or an oct JWK (with k)`);
  if (jwk.use !== undefined && jwk.use !== 'enc') fail(`${where} has use ${JSON.stringify(jwk.use)}; a decryption key must have use "enc" or none`);
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') fail(`${where}.kid must be a string`);
  return [jwk.kid, jwk];
}

export function normalizeDecryption(value: DecryptionOptions | undefined): NormalizedDecryption | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(`decryption must be an object: { keys: [privateJwk, ...] } (got ${describeType(value)})`);
  rejectUnknownKeys(value, keysOf(DECRYPTION_OPTION_KEYS), 'decryption');
  if (!Array.isArray(value.keys) || value.keys.length === 0) {
    fail(`decryption.keys must be an array of at least one private key (got ${value.keys === undefined ? 'none' : describeType(value.keys)})`);
  }
  const keys = new Map<string | undefined, JWK | KeyObject>();
  value.keys.forEach((entry, index) => {
    const [kid, key] = normalizeKey(entry, index);
    if (keys.has(kid)) fail(`decryption.keys: ${kid === undefined ? 'more than one key without a kid' : `kid ${kid} is listed twice`}`);
    keys.set(kid, key);
  });
  if (keys.size > 1 && keys.has(undefined)) fail('decryption.keys: with several keys, give each a kid (tokens select their key by kid)');
  return {
    keys,
    keyManagement: algorithmList('keyManagementAlgorithms', value.keyManagementAlgorithms, DEFAULT_KEY_MANAGEMENT, OPT_IN_KEY_MANAGEMENT),
    contentEncryption: algorithmList(
      'contentEncryptionAlgorithms',
      value.contentEncryptionAlgorithms,
      DEFAULT_CONTENT_ENCRYPTION,
      OPT_IN_CONTENT_ENCRYPTION,
    ),
  };
}

/** The header checks, before any key is touched: the policy decides, never the token. */
function checkHeader(segment: string, policy: NormalizedDecryption): JWK | KeyObject {
  if (!SEGMENT.test(segment)) throw new Error('header is not base64url');
  const header = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new Error('header is not an object');
  // Compression: a small token inflating to gigabytes (and CRIME-style leaks); never accepted, listed or not.
  if (header.zip !== undefined) throw new Error('zip is present');
  if (header.crit !== undefined) throw new Error('crit is present');
  if (typeof header.alg !== 'string' || !policy.keyManagement.has(header.alg)) throw new Error('alg is not allowed');
  if (typeof header.enc !== 'string' || !policy.contentEncryption.has(header.enc)) throw new Error('enc is not allowed');
  const cty = header.cty;
  if (cty !== undefined && (typeof cty !== 'string' || !['jwt', 'at+jwt'].includes(canonicalTyp(cty)))) throw new Error('cty is not JWT');
  if (header.kid !== undefined && typeof header.kid !== 'string') throw new Error('kid is not a string');
  const key = header.kid === undefined && policy.keys.size === 1 ? [...policy.keys.values()][0] : policy.keys.get(header.kid as string | undefined);
  if (key === undefined) throw new Error('no key has this kid');
  return key;
}

/** Decrypts a compact JWE to the compact JWS inside; rejects with `token_undecryptable` for any failure. */
export async function decryptToken(token: string, policy: NormalizedDecryption, realm: string): Promise<string> {
  const undecryptable = (detail: string, cause?: unknown): AuthError => new AuthError('token_undecryptable', { realm, detail, cause });
  let plaintext: Uint8Array;
  try {
    const key = checkHeader(token.slice(0, token.indexOf('.')), policy);
    ({ plaintext } = await compactDecrypt(token, key, {
      keyManagementAlgorithms: [...policy.keyManagement],
      contentEncryptionAlgorithms: [...policy.contentEncryption],
      maxPBES2Count: MAX_PBES2_COUNT,
    }));
  } catch (error) {
    throw undecryptable(
      `decryption failed: ${error instanceof Error && !('code' in error) ? error.message : ((error as { code?: string })?.code ?? 'unknown')}`,
      error,
    );
  }
  let inner: string;
  try {
    inner = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw undecryptable('plaintext is not UTF-8');
  }
  if (inner.split('.').length !== 3 || !inner.startsWith('eyJ')) throw undecryptable('plaintext is not a compact JWS (nested JWT required)');
  return inner;
}
