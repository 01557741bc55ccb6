import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { encodeSegment, signParts } from './sign.js';
import { epochSeconds, nowSeconds } from './time.js';
import type { TimeInput } from './types.js';

/** The proof algorithms a DPoP client key can use (the asymmetric ones @authgate/core accepts by default). */
export type DpopAlgorithm = 'ES256' | 'EdDSA' | 'RS256' | 'PS256';

/** The request a proof is for. */
export interface DpopProofRequest {
  /** `htm`, e.g. `'GET'`. */
  method: string;
  /** `htu`: the URL the request goes to (a query and fragment are kept as given: the verifier ignores them). */
  url: string;
  /** The access token the proof accompanies: its hash becomes `ath`. */
  accessToken?: string;
  /** The server's `DPoP-Nonce`, when it asked for one. */
  nonce?: string;
}

/** Deliberate mistakes, for testing a resource server's refusals. Each replaces what a correct client would send. */
export interface DpopProofMistakes {
  /** `iat`; default now. E.g. `'-5m'` (too old) or `'5m'` (in the future). */
  issuedAt?: TimeInput;
  /** `jti`; default a fresh UUID. Reuse one to replay. */
  jti?: string;
  /** `ath` instead of the access token's hash; `null` leaves it out. */
  ath?: string | null;
  /** Header `typ`; default `'dpop+jwt'`. `null` leaves it out. */
  typ?: string | null;
  /** `alg: 'none'` (no signature) or `'HS256'` (signed with the public key's bytes as an HMAC secret). */
  alg?: 'none' | 'HS256';
  /** Put the private key in the header's `jwk` (a proof must carry a public key only). */
  privateJwk?: boolean;
  /** Carry another key's public JWK in the header while signing with this one. */
  jwk?: JWK;
  /** Claims to add or replace (e.g. `{ htm: 'POST' }`); `undefined` values remove a claim. */
  claims?: Record<string, unknown>;
}

/** A DPoP client key: binds tokens (`cnf`) and signs proofs. */
export interface DpopKey {
  readonly alg: DpopAlgorithm;
  /** RFC 7638 SHA-256 thumbprint of the public key: the token's `cnf.jkt`. */
  readonly jkt: string;
  /** The claim that binds a token to this key: `issuer.sign({ cnf: key.cnf })`. */
  readonly cnf: { jkt: string };
  readonly publicJwk: JWK;
  /** A proof for one request (a fresh `jti` each call), with the mistakes asked for. */
  proof(request: DpopProofRequest, mistakes?: DpopProofMistakes): Promise<string>;
}

/** A fresh DPoP key pair (ES256 by default). */
export async function createDpopKey(alg: DpopAlgorithm = 'ES256'): Promise<DpopKey> {
  // Extractable only so the `privateJwk` mistake can be made; the key never leaves this closure otherwise.
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const exported = await exportJWK(publicKey);
  const publicJwk: JWK = Object.fromEntries(Object.entries(exported).filter(([member]) => ['kty', 'crv', 'x', 'y', 'n', 'e'].includes(member)));
  const jkt = await calculateJwkThumbprint(publicJwk, 'sha256');
  return {
    alg,
    jkt,
    cnf: Object.freeze({ jkt }),
    publicJwk,
    proof: (request, mistakes = {}) => signProof(alg, privateKey, publicJwk, request, mistakes),
  };
}

async function signProof(
  alg: DpopAlgorithm,
  privateKey: CryptoKey,
  publicJwk: JWK,
  request: DpopProofRequest,
  mistakes: DpopProofMistakes,
): Promise<string> {
  const jwk = mistakes.privateJwk === true ? await exportJWK(privateKey) : (mistakes.jwk ?? publicJwk);
  const header: Record<string, unknown> = { alg: mistakes.alg ?? alg, jwk };
  const typ = mistakes.typ === undefined ? 'dpop+jwt' : mistakes.typ;
  if (typ !== null) header.typ = typ;
  const payload: Record<string, unknown> = {
    jti: mistakes.jti ?? randomUUID(),
    htm: request.method,
    htu: request.url,
    iat: mistakes.issuedAt === undefined ? nowSeconds() : epochSeconds(mistakes.issuedAt, nowSeconds(), 'issuedAt'),
  };
  const ath =
    mistakes.ath === undefined && request.accessToken !== undefined
      ? createHash('sha256').update(request.accessToken).digest('base64url')
      : mistakes.ath;
  if (typeof ath === 'string') payload.ath = ath;
  if (request.nonce !== undefined) payload.nonce = request.nonce;
  for (const [claim, value] of Object.entries(mistakes.claims ?? {})) {
    if (value === undefined) delete payload[claim];
    else payload[claim] = value;
  }
  if (mistakes.alg === 'none') return `${encodeSegment(header)}.${encodeSegment(payload)}.`;
  if (mistakes.alg === 'HS256') return signParts(header, payload, new TextEncoder().encode(JSON.stringify(publicJwk)));
  return signParts(header, payload, privateKey);
}
