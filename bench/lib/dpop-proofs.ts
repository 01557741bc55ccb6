import { createPublicKey, generateKeyPairSync, hash, randomUUID, sign, type KeyObject } from 'node:crypto';

/**
 * A DPoP client for the benchmark: one P-256 key, proofs signed with node:crypto (tens of microseconds each), so
 * fresh single-use proofs for a whole measurement are minted in a second or two right before it.
 */
export interface ProofMinter {
  /** RFC 7638 thumbprint: the token's `cnf.jkt`. */
  readonly jkt: string;
  /** `count` distinct proofs (own `jti`, `iat` now) for `GET url` with `token`. */
  mint(url: string, token: string, count: number): string[];
}

export function createProofMinter(): ProofMinter {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Re-imported from PEM before the JWK export (a fresh KeyObject exported to JWK can deadlock Node 20).
  const jwk = createPublicKey(publicKey.export({ format: 'pem', type: 'spki' })).export({ format: 'jwk' });
  const members = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: members })).toString('base64url');
  const prefix = randomUUID();
  let serial = 0;
  return {
    jkt: hash('sha256', JSON.stringify(members), 'base64url'),
    mint(url, token, count) {
      const ath = hash('sha256', token, 'base64url');
      const iat = Math.floor(Date.now() / 1000);
      const proofs: string[] = new Array(count);
      for (let i = 0; i < count; i += 1) {
        serial += 1;
        const payload = Buffer.from(JSON.stringify({ jti: `${prefix}-${serial}`, htm: 'GET', htu: url, iat, ath })).toString('base64url');
        const input = `${header}.${payload}`;
        proofs[i] = `${input}.${signWith(privateKey, input)}`;
      }
      return proofs;
    },
  };
}

function signWith(key: KeyObject, input: string): string {
  return sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}
