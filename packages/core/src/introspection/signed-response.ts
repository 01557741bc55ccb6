import type { Algorithm } from '../keys/algorithms.js';
import type { KeySource } from '../keys/key-source.js';
import type { NormalizedOptions } from '../options.js';
import { decodeToken } from '../token/decode.js';
import { verifySignature } from '../token/signature.js';
import { canonicalTyp } from '../token/typ.js';
import { IntrospectionFault, type SignedResponseReader } from './client.js';

/**
 * RFC 9701 signed introspection answers: a JWS of type `token-introspection+jwt`, signed by the issuer with a key of
 * its JWKS and one of the configured algorithms, naming the issuer as `iss` and this API's client as `aud`; the answer
 * itself is its `token_introspection` member. Anything else is a fault of the server (503), never the user's.
 */
export function signedResponseReader(
  source: KeySource,
  issuer: string,
  clientId: string,
  options: NormalizedOptions,
  maxBytes: number,
): SignedResponseReader {
  const bad = (why: string): IntrospectionFault => new IntrospectionFault('bad_answer', `signed answer refused: ${why}`);
  return async (jwt) => {
    let decoded;
    try {
      decoded = decodeToken(jwt, maxBytes, options.realm);
    } catch {
      throw bad('not a compact JWS');
    }
    const { header, payload } = decoded;
    if (typeof header.typ !== 'string' || canonicalTyp(header.typ) !== 'token-introspection+jwt') throw bad('typ is not token-introspection+jwt');
    const alg = header.alg as Algorithm;
    if (typeof header.alg !== 'string' || !options.algorithms.has(alg)) throw bad('alg is not configured');
    if (header.crit !== undefined) throw bad('crit is present');
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    let key;
    try {
      key = source.keyNow(kid, alg) ?? (await source.getKey(kid, alg));
    } catch {
      throw bad('no key of the issuer verifies it');
    }
    if (!decoded.signed || !verifySignature(alg, key.key, decoded.signingInput, decoded.signature)) throw bad('signature is invalid');
    if (payload.iss !== issuer) throw bad('iss is not the issuer');
    const aud = payload.aud;
    if (!(aud === clientId || (Array.isArray(aud) && aud.includes(clientId)))) throw bad('aud is not our client');
    return payload.token_introspection;
  };
}
