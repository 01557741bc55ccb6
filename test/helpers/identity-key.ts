import { createPrivateKey, generateKeyPairSync } from 'node:crypto';

/** A private P-256 JWK, exported from a PEM re-import (a fresh KeyObject exported to JWK can deadlock Node 20). */
export function identitySigningKey(kid = 'gw-1'): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { ...(createPrivateKey(privateKey).export({ format: 'jwk' }) as Record<string, string>), kid };
}
