/**
 * The security suite's world: keys, a real JWKS server and a TRAP server on 127.0.0.1, and the verifier
 * configurations ("profiles") every attack case names. Shared by the core runner and, later, by the Express and
 * Fastify runners, which replay the same cases over HTTP with the same profiles.
 *
 * Self-contained on purpose (node:crypto and node:http only): the suite must not depend on the code it attacks,
 * nor on @authgate/testing.
 */
import { createHmac, createPublicKey, generateKeyPairSync, sign as cryptoSign, constants, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type { Algorithm, AuthLogger, VerifierOptions } from '@authgate/core';

// ---------------------------------------------------------------------------------------------------------------
// Encoding and signing, by hand: attacks need headers and payloads no JOSE library would produce.
// ---------------------------------------------------------------------------------------------------------------

/** base64url of a JSON value, or of a string / bytes taken verbatim (a raw JSON text keeps duplicate members). */
export function b64(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('base64url');
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

export function fromB64(segment: string): Buffer {
  return Buffer.from(segment, 'base64url');
}

export type SigningAlg =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed25519' | 'HS256' | 'HS384' | 'HS512';

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** The JWS signature of `data` with `alg`: RSA PKCS#1 v1.5 / PSS, ECDSA in IEEE P1363 (raw r||s), Ed25519, HMAC. */
export function rawSign(alg: SigningAlg, key: KeyObject | Buffer | string, data: string | Buffer): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'ascii') : data;
  const hash = HASH[alg.slice(-3)] ?? 'sha256';
  if (alg.startsWith('HS'))
    return createHmac(hash, key as Buffer | string)
      .update(bytes)
      .digest();
  const keyObject = key as KeyObject;
  if (alg === 'EdDSA' || alg === 'Ed25519') return cryptoSign(null, bytes, keyObject);
  if (alg.startsWith('RS')) return cryptoSign(hash, bytes, keyObject);
  if (alg.startsWith('PS')) {
    return cryptoSign(hash, bytes, { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(-3)) / 8 });
  }
  return cryptoSign(hash, bytes, { key: keyObject, dsaEncoding: 'ieee-p1363' });
}

/** A compact JWS from a header and payload (objects, or raw JSON text), signed with `alg` by `key`. */
export function compact(header: object | string, payload: object | string, alg: SigningAlg, key: KeyObject | Buffer | string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${rawSign(alg, key, input).toString('base64url')}`;
}

/** Re-encodes one part of a token without re-signing (tampering). */
export function tamper(token: string, part: 'header' | 'payload', change: (value: Record<string, unknown>) => Record<string, unknown>): string {
  const parts = token.split('.');
  const index = part === 'header' ? 0 : 1;
  const decoded = JSON.parse(fromB64(parts[index] as string).toString('utf8')) as Record<string, unknown>;
  parts[index] = b64(change(decoded));
  return parts.join('.');
}

// ---------------------------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------------------------

export interface SuiteKey {
  kid: string;
  /** The algorithm this key signs with in the suite. */
  alg: SigningAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK as published (kid, and alg/use unless the key is published without them). */
  jwk: JWK;
}

type KeySpec = { type: 'rsa'; bits?: number } | { type: 'ec'; curve: 'P-256' | 'P-384' } | { type: 'ed25519' };

function generate(spec: KeySpec): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (spec.type) {
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: spec.bits ?? 2048 });
    case 'ec':
      return generateKeyPairSync('ec', { namedCurve: spec.curve });
    default:
      return generateKeyPairSync('ed25519');
  }
}

/** A fresh key; `publish` lists the JWK members added to the public key (`{}` publishes it without alg or use). */
export function makeKey(kid: string, alg: SigningAlg, spec: KeySpec, publish: Partial<JWK> = { alg, use: 'sig' }): SuiteKey {
  const { privateKey, publicKey } = generate(spec);
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, ...publish };
  return { kid, alg, privateKey, publicKey, jwk };
}

/** The key's SubjectPublicKeyInfo as PEM and DER, and PKCS#1 PEM for RSA: the "secrets" of algorithm confusion. */
export function publicKeyEncodings(key: SuiteKey): { spkiPem: string; spkiDer: Buffer; pkcs1Pem: string | undefined } {
  return {
    spkiPem: key.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    spkiDer: key.publicKey.export({ type: 'spki', format: 'der' }),
    pkcs1Pem: key.publicKey.asymmetricKeyType === 'rsa' ? (key.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  url: string;
}

interface Listening {
  server: Server;
  base: string;
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}` });
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// ---------------------------------------------------------------------------------------------------------------
// The context
// ---------------------------------------------------------------------------------------------------------------

export const ISSUER = 'https://idp.example.com/';
export const AUDIENCE = 'orders-api';
export const ISSUER_A = 'https://a.idp.example/';
export const ISSUER_B = 'https://b.idp.example/';
/** The strict configuration's algorithm allowlist. */
export const ALGORITHMS: readonly Algorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** RFC 9068 access-token type, enforced by every profile: ID tokens (typ JWT) never pass as access tokens. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * Verifier configurations the cases run under. Every one is strict (issuer, audience, algorithm allowlist, typ):
 * - `strict`: the API's real configuration; the published JWKS on the JWKS server.
 * - `hostileJwks`: the JWKS itself is hostile: one good anchor key among keys that must never verify anything.
 * - `onlyBadJwks`: a JWKS with no usable key at all: fail closed with 503, never fall back to anything.
 * - `multiIssuer`: two trusted issuers, each with its own JWKS: one issuer's key never vouches for the other.
 */
export type ProfileName = 'strict' | 'hostileJwks' | 'onlyBadJwks' | 'multiIssuer';
export const PROFILE_NAMES: readonly ProfileName[] = ['strict', 'hostileJwks', 'onlyBadJwks', 'multiIssuer'];

export interface SuiteKeys {
  /** Published with alg RS256 / PS256 / ES256 / EdDSA: the issuer's real keys. */
  rs256: SuiteKey;
  ps256: SuiteKey;
  es256: SuiteKey;
  eddsa: SuiteKey;
  /** Published, valid, but for algorithms outside the allowlist. */
  rs384: SuiteKey;
  es384: SuiteKey;
  /** Published without alg: only kty/crv bind them to an algorithm. */
  rsaNoAlg: SuiteKey;
  ecNoAlg: SuiteKey;
  /** Never published: the attacker's own keys. */
  attackerRsa: SuiteKey;
  attackerEc: SuiteKey;
  /** Hostile JWKS members (see `hostileJwks`). */
  anchor: SuiteKey;
  rsaEnc: SuiteKey;
  ecEncrypt: SuiteKey;
  rsaOpsString: SuiteKey;
  rsa1024: SuiteKey;
  dupA: SuiteKey;
  dupB: SuiteKey;
  ecWithPrivate: SuiteKey;
  ecOffCurve: SuiteKey;
  ecP384LabelledEs256: SuiteKey;
  rsaEncAlg: SuiteKey;
  /** Issuers A and B of the multi-issuer profile. */
  issuerA: SuiteKey;
  issuerB: SuiteKey;
}

export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export interface SecurityContext {
  issuer: string;
  audience: string;
  keys: SuiteKeys;
  /** RSA public exponent 1 "key" (`{kty, n, e: 'AQ'}`) published in the hostile set under kid `rsa-e1`. */
  exponentOneJwk: JWK;
  /** The symmetric key published in the hostile set under kid `hmac` (a JWKS must never hold one). */
  hmacSecret: Buffer;
  jwksUri: string;
  hostileJwksUri: string;
  onlyBadJwksUri: string;
  jwksUriA: string;
  jwksUriB: string;
  /** Base URL of the trap: anything that reaches it is a failure (jku, x5u, discovery from an attacker's iss). */
  trapUrl: string;
  /** Every request the trap received. Must stay empty. */
  trapRequests: readonly RecordedRequest[];
  /** Requests the JWKS server received, by path (to bound refetch amplification). */
  jwksRequests(path?: string): number;
  /** Serves (or replaces) a document on the JWKS server; returns its URL. For rotation and flood tests. */
  serveJwks(path: string, document: unknown): string;
  /** Verifier options per profile. Adapters build one app per profile from these. */
  profiles: Record<ProfileName, VerifierOptions>;
  /** What the verifiers logged (they share `logger`): checked for leaked tokens. */
  logs: readonly CapturedLog[];
  logger: AuthLogger;
  /** Seconds since the epoch, at context creation. Tokens are valid for 10 minutes from then. */
  now: number;
  /** Default access-token claims of the strict profile (iss, aud, sub, iat, exp, scope, client_id, jti). */
  claims(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Default header for a key: alg, typ at+jwt, kid. */
  header(key: SuiteKey, extra?: Record<string, unknown>): Record<string, unknown>;
  /** A good token for the strict profile, with claims and header changes applied (`undefined` removes a member). */
  mint(key: SuiteKey, claims?: Record<string, unknown>, header?: Record<string, unknown>, alg?: SigningAlg): string;
  close(): Promise<void>;
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function suiteKeys(): SuiteKeys {
  return {
    rs256: makeKey('rs256', 'RS256', { type: 'rsa' }),
    ps256: makeKey('ps256', 'PS256', { type: 'rsa' }),
    es256: makeKey('es256', 'ES256', { type: 'ec', curve: 'P-256' }),
    eddsa: makeKey('eddsa', 'EdDSA', { type: 'ed25519' }),
    rs384: makeKey('rs384', 'RS384', { type: 'rsa' }),
    es384: makeKey('es384', 'ES384', { type: 'ec', curve: 'P-384' }),
    rsaNoAlg: makeKey('rsa-noalg', 'RS256', { type: 'rsa' }, {}),
    ecNoAlg: makeKey('ec-noalg', 'ES256', { type: 'ec', curve: 'P-256' }, {}),
    attackerRsa: makeKey('attacker-rsa', 'RS256', { type: 'rsa' }),
    attackerEc: makeKey('attacker-ec', 'ES256', { type: 'ec', curve: 'P-256' }),
    anchor: makeKey('anchor', 'ES256', { type: 'ec', curve: 'P-256' }),
    rsaEnc: makeKey('rsa-enc', 'RS256', { type: 'rsa' }, { use: 'enc' }),
    ecEncrypt: makeKey('ec-encrypt', 'ES256', { type: 'ec', curve: 'P-256' }, { key_ops: ['encrypt'] }),
    rsaOpsString: makeKey('rsa-ops-string', 'RS256', { type: 'rsa' }, { key_ops: 'verify' as unknown as string[] }),
    rsa1024: makeKey('rsa-1024', 'RS256', { type: 'rsa', bits: 1024 }),
    dupA: makeKey('dup', 'RS256', { type: 'rsa' }),
    dupB: makeKey('dup', 'RS256', { type: 'rsa' }),
    ecWithPrivate: makeKey('ec-private', 'ES256', { type: 'ec', curve: 'P-256' }),
    ecOffCurve: makeKey('ec-off-curve', 'ES256', { type: 'ec', curve: 'P-256' }),
    ecP384LabelledEs256: makeKey('ec-p384-es256', 'ES384', { type: 'ec', curve: 'P-384' }, { alg: 'ES256', use: 'sig' }),
    rsaEncAlg: makeKey('rsa-oaep', 'RS256', { type: 'rsa' }, { alg: 'RSA-OAEP-256' }),
    issuerA: makeKey('issuer-a', 'ES256', { type: 'ec', curve: 'P-256' }),
    issuerB: makeKey('issuer-b', 'ES256', { type: 'ec', curve: 'P-256' }),
  };
}

/** An EC public JWK moved off its curve (y + 1): WebCrypto refuses it at import. */
function offCurve(jwk: JWK): JWK {
  const y = Buffer.from(jwk.y as string, 'base64url');
  y[y.length - 1] = ((y[y.length - 1] as number) + 1) & 0xff;
  return { ...jwk, y: y.toString('base64url') };
}

export async function createSecurityContext(): Promise<SecurityContext> {
  const keys = suiteKeys();
  const now = Math.floor(Date.now() / 1000);
  const hmacSecret = Buffer.from('a-shared-secret-that-must-never-be-in-a-jwks', 'utf8');
  const exponentOneJwk: JWK = { kty: 'RSA', kid: 'rsa-e1', alg: 'RS256', use: 'sig', n: keys.rsaNoAlg.jwk.n as string, e: 'AQ' };

  const published = [keys.rs256, keys.ps256, keys.es256, keys.eddsa, keys.rs384, keys.es384, keys.rsaNoAlg, keys.ecNoAlg].map((key) => key.jwk);
  const hostileKeys: JWK[] = [
    keys.anchor.jwk,
    keys.rsaEnc.jwk,
    keys.ecEncrypt.jwk,
    keys.rsaOpsString.jwk,
    keys.rsa1024.jwk,
    keys.dupA.jwk,
    keys.dupB.jwk,
    { ...keys.ecWithPrivate.jwk, d: (keys.ecWithPrivate.privateKey.export({ format: 'jwk' }) as JWK).d as string },
    offCurve(keys.ecOffCurve.jwk),
    keys.ecP384LabelledEs256.jwk,
    keys.rsaEncAlg.jwk,
    exponentOneJwk,
    { kty: 'oct', kid: 'hmac', alg: 'HS256', use: 'sig', k: hmacSecret.toString('base64url') },
  ];
  // Keys refused when the set is read (duplicates, off-curve points and curve/alg mismatches are refused only at
  // lookup, so they are not here): a set of only these holds nothing to verify with.
  const unusableKids = new Set(['rsa-enc', 'ec-encrypt', 'rsa-ops-string', 'rsa-1024', 'ec-private', 'rsa-oaep', 'rsa-e1', 'hmac']);
  const onlyBad = hostileKeys.filter((jwk) => unusableKids.has(jwk.kid as string));
  const documents: Record<string, unknown> = {
    '/jwks.json': { keys: published },
    '/hostile/jwks.json': { keys: hostileKeys },
    '/only-bad/jwks.json': { keys: onlyBad },
    '/a/jwks.json': { keys: [keys.issuerA.jwk] },
    '/b/jwks.json': { keys: [keys.issuerB.jwk] },
  };

  const jwksHits = new Map<string, number>();
  const jwks = await listen((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    jwksHits.set(path, (jwksHits.get(path) ?? 0) + 1);
    const document = documents[path];
    if (document === undefined) {
      res.writeHead(404).end();
      return;
    }
    json(res, document, { 'cache-control': 'max-age=300' });
  });

  // The trap answers like an attacker's server would: with the attacker's keys, and a discovery document pointing
  // at itself. Trusting any of it would verify the attacker's tokens; fetching it at all is already the failure.
  const trapRequests: RecordedRequest[] = [];
  const trap = await listen((req, res) => {
    trapRequests.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    if ((req.url ?? '').includes('.well-known')) {
      json(res, { issuer: `${trap.base}/`, jwks_uri: `${trap.base}/jwks.json` });
      return;
    }
    json(res, { keys: [keys.attackerRsa.jwk, keys.attackerEc.jwk, { ...keys.attackerRsa.jwk, kid: keys.rs256.kid }] });
  });

  const logs: CapturedLog[] = [];
  const capture =
    (level: CapturedLog['level']) =>
    (obj: object, msg?: string): void => {
      logs.push({ level, obj, msg });
    };
  const logger: AuthLogger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };

  const common = { audience: AUDIENCE, algorithms: [...ALGORITHMS], typ: ACCESS_TOKEN_TYP, logger } satisfies Partial<VerifierOptions>;
  const jwksUri = `${jwks.base}/jwks.json`;
  const profiles: Record<ProfileName, VerifierOptions> = {
    strict: { ...common, issuer: ISSUER, jwksUri },
    hostileJwks: { ...common, issuer: ISSUER, jwksUri: `${jwks.base}/hostile/jwks.json` },
    onlyBadJwks: { ...common, issuer: ISSUER, jwksUri: `${jwks.base}/only-bad/jwks.json` },
    multiIssuer: {
      ...common,
      issuer: [
        { issuer: ISSUER_A, jwksUri: `${jwks.base}/a/jwks.json` },
        { issuer: ISSUER_B, jwksUri: `${jwks.base}/b/jwks.json` },
      ],
    },
  };

  let counter = 0;
  const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => {
    counter += 1;
    return withoutUndefined({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'user-1',
      client_id: 'web-app',
      iat: now,
      exp: now + 600,
      scope: 'orders:read',
      jti: `jti-${counter}`,
      ...extra,
    });
  };
  const header = (key: SuiteKey, extra: Record<string, unknown> = {}): Record<string, unknown> =>
    withoutUndefined({ alg: key.alg, typ: ACCESS_TOKEN_TYP, kid: key.kid, ...extra });

  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys,
    exponentOneJwk,
    hmacSecret,
    jwksUri,
    hostileJwksUri: `${jwks.base}/hostile/jwks.json`,
    onlyBadJwksUri: `${jwks.base}/only-bad/jwks.json`,
    jwksUriA: `${jwks.base}/a/jwks.json`,
    jwksUriB: `${jwks.base}/b/jwks.json`,
    trapUrl: trap.base,
    trapRequests,
    jwksRequests: (path) => (path === undefined ? [...jwksHits.values()].reduce((a, b) => a + b, 0) : (jwksHits.get(path) ?? 0)),
    serveJwks: (path, document) => {
      documents[path] = document;
      return `${jwks.base}${path}`;
    },
    profiles,
    logs,
    logger,
    now,
    claims,
    header,
    mint: (key, extraClaims = {}, extraHeader = {}, alg) => {
      const signAlg = alg ?? key.alg;
      return compact(header(key, { alg: signAlg, ...extraHeader }), claims(extraClaims), signAlg, key.privateKey);
    },
    close: async () => {
      await Promise.all([close(jwks.server), close(trap.server)]);
    },
  };
}

/** The RSA public key of a JWK as a KeyObject (for raw RSA operations in the vector tests). */
export function rsaPublicKey(jwk: JWK): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: jwk.n as string, e: jwk.e as string }, format: 'jwk' });
}
