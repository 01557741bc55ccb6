import { createPublicKey, hash, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AuthError, isAuthError } from '../errors.js';
import { decodeToken } from '../token/decode.js';
import { verifySignature } from '../token/signature.js';
import { keyFitsAlgorithm, selectUsableKeys } from '../keys/jwk.js';
import type { Algorithm } from '../keys/algorithms.js';
import { normalizeHtu } from './htu.js';
import type { NormalizedDpop } from './options.js';

/** What a valid proof establishes: the key's RFC 7638 thumbprint, and what the replay check needs. */
export interface VerifiedProof {
  jkt: string;
  jti: string;
  iat: number;
}

/** The request the proof must be for. */
export interface ProofContext {
  method: string | undefined;
  /** The request's normalised public URL (see `requestUrl`), or undefined when it cannot be told (refused). */
  url: string | undefined;
  accessToken: string;
  realm: string;
  nowSeconds: number;
}

const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;

interface ProofKey {
  alg: Algorithm;
  key: KeyObject;
  jkt: string;
}

// Clients sign every proof with the same key and header (`typ`, `alg`, `jwk`), so the header segment identifies
// an already vetted and imported key: one lookup instead of a key import and a thumbprint per request.
const proofKeys = new LRUCache<string, ProofKey>({ max: 1024 });

function invalid(realm: string, detail: string): AuthError {
  return new AuthError('dpop_proof_invalid', { realm, detail });
}

/** RFC 7638: the required public members in lexicographic order, hashed with SHA-256. */
function thumbprint(jwk: Record<string, unknown>): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return hash('sha256', JSON.stringify(members), 'base64url');
}

/** The proof's own key, from its `jwk` header: public only, fit for the header's `alg`, which must be allowed. */
function proofKey(header: Readonly<Record<string, unknown>>, dpop: NormalizedDpop, realm: string): ProofKey {
  const typ = header.typ;
  if (typeof typ !== 'string' || typ.toLowerCase() !== 'dpop+jwt') throw invalid(realm, 'typ is not dpop+jwt');
  const alg = header.alg;
  if (typeof alg !== 'string' || !dpop.algorithms.has(alg as Algorithm)) throw invalid(realm, 'alg is not an allowed proof algorithm');
  if (header.crit !== undefined || header.b64 !== undefined) throw invalid(realm, 'crit or b64 in the header');
  const jwk = header.jwk;
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) throw invalid(realm, 'jwk header is missing');
  const { usable, rejected } = selectUsableKeys({ keys: [jwk] });
  const candidate = usable[0];
  if (candidate === undefined) throw invalid(realm, `jwk refused: ${rejected[0]?.why ?? 'unusable'}`);
  if (!keyFitsAlgorithm(candidate, alg as Algorithm)) throw invalid(realm, 'jwk does not fit alg');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: candidate.jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    throw invalid(realm, 'jwk cannot be imported');
  }
  return { alg: alg as Algorithm, key, jkt: thumbprint(jwk as Record<string, unknown>) };
}

/**
 * Verifies one DPoP proof for one request (RFC 9449 §4.3): shape, `typ`, allowed asymmetric `alg`, a public `jwk`
 * that verifies the signature, then `htm`, `htu`, `iat` within the window, `ath` of the access token, and the
 * server nonce when one is required. The replay check and the token's `cnf.jkt` come after, with the token.
 * Throws an `AuthError` (`dpop_proof_invalid`, `dpop_nonce_required`) and nothing else.
 */
export function verifyProof(proof: string, dpop: NormalizedDpop, context: ProofContext): VerifiedProof {
  const { realm } = context;
  let decoded: ReturnType<typeof decodeToken>;
  try {
    decoded = decodeToken(proof, MAX_PROOF_LENGTH, realm);
  } catch (error) {
    throw invalid(realm, `proof: ${isAuthError(error) ? (error.detail ?? error.reason) : 'undecodable'}`);
  }
  if (!decoded.signed) throw invalid(realm, 'proof is unsigned');
  const headerSegment = proof.slice(0, proof.indexOf('.'));
  let key = proofKeys.get(headerSegment);
  if (key === undefined) {
    key = proofKey(decoded.header, dpop, realm);
    proofKeys.set(headerSegment, key);
  } else if (!dpop.algorithms.has(key.alg)) {
    // The cache is shared by every authenticator; each checks its own allowlist.
    throw invalid(realm, 'alg is not an allowed proof algorithm');
  }
  if (!verifySignature(key.alg, key.key, decoded.signingInput, decoded.signature)) throw invalid(realm, 'proof signature is invalid');

  const { jti, htm, htu, iat, ath, nonce } = decoded.payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw invalid(realm, 'jti is missing or too long');
  if (typeof htm !== 'string' || htm !== context.method) throw invalid(realm, 'htm is not the request method');
  if (typeof htu !== 'string' || context.url === undefined || normalizeHtu(htu) !== context.url) throw invalid(realm, 'htu is not the request URL');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid(realm, 'iat is missing');
  if (Math.abs(context.nowSeconds - iat) > dpop.iatWindow) throw invalid(realm, iat > context.nowSeconds ? 'iat is in the future' : 'iat is too old');
  if (typeof ath !== 'string' || ath !== hash('sha256', context.accessToken, 'base64url')) throw invalid(realm, 'ath is not the access token hash');
  if (dpop.nonce !== undefined && (typeof nonce !== 'string' || !dpop.nonce.isValid(nonce))) {
    throw new AuthError('dpop_nonce_required', { realm, detail: nonce === undefined ? 'no nonce' : 'stale or unknown nonce' });
  }
  return { jkt: key.jkt, jti, iat };
}
