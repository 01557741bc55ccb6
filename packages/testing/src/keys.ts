import { createPublicKey, randomBytes, type JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { PublicJwk, PublicJwks, SigningAlgorithm } from './types.js';

/**
 * The issuer's key pairs. Private keys are generated non-extractable and never leave this module's closures: callers
 * get signing done for them (`SigningKey.privateKey` is only handed to the sign module inside this package).
 */

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/** Internal: one key pair, bound to one algorithm. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: PublicJwk;
}

export async function generateSigningKey(alg: SigningAlgorithm, kidPrefix: string): Promise<SigningKey> {
  // Non-extractable private keys: nothing in this package can export them, even by mistake.
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const exported = await exportJWK(publicKey);
  // A thumbprint makes kids unique across issuers in one test run, so a verifier mixing them up cannot pass by luck.
  const thumbprint = await calculateJwkThumbprint(exported);
  const kid = `${kidPrefix}${alg.toLowerCase()}-${thumbprint.slice(0, 16)}`;
  const publicJwk: PublicJwk = { kty: exported.kty as PublicJwk['kty'], kid, alg, use: 'sig' };
  for (const member of ['n', 'e', 'crv', 'x', 'y'] as const) {
    const value = exported[member];
    if (typeof value === 'string') publicJwk[member] = value;
  }
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export class KeyStore {
  private readonly current = new Map<SigningAlgorithm, SigningKey>();
  /** Published keys in publication order (oldest first), by kid. */
  private readonly published = new Map<string, SigningKey>();
  /** One never-published key per algorithm, for tokens with an unknown kid. Generated on first need. */
  private readonly unpublished = new Map<SigningAlgorithm, Promise<SigningKey>>();

  private constructor(readonly algorithms: readonly SigningAlgorithm[]) {}

  static async create(algorithms: readonly SigningAlgorithm[]): Promise<KeyStore> {
    const store = new KeyStore(algorithms);
    await store.rotate();
    return store;
  }

  /** New current key(s); the previous ones stay published so tokens already issued keep verifying. */
  async rotate(algorithm?: SigningAlgorithm): Promise<string[]> {
    const targets = algorithm === undefined ? this.algorithms : [this.configured(algorithm)];
    const keys = await Promise.all(targets.map((alg) => generateSigningKey(alg, '')));
    for (const key of keys) {
      this.current.set(key.alg, key);
      this.published.set(key.kid, key);
    }
    return keys.map((key) => key.kid);
  }

  remove(kid: string): void {
    if (!this.published.delete(kid)) {
      throw new Error(
        `@authgate/testing: no published key has kid ${JSON.stringify(kid)}; published: ${[...this.published.keys()].join(', ') || 'none'}`,
      );
    }
  }

  /** The current key of an algorithm (possibly withdrawn from the JWKS by `remove`). */
  signingKey(algorithm?: SigningAlgorithm): SigningKey {
    const alg = algorithm === undefined ? (this.algorithms[0] as SigningAlgorithm) : this.configured(algorithm);
    return this.current.get(alg) as SigningKey;
  }

  unpublishedKey(algorithm?: SigningAlgorithm): Promise<SigningKey> {
    const alg = this.signingKey(algorithm).alg;
    let key = this.unpublished.get(alg);
    if (key === undefined) {
      key = generateSigningKey(alg, `unpublished-${randomBytes(4).toString('hex')}-`);
      this.unpublished.set(alg, key);
    }
    return key;
  }

  /** A published RSA key (current ones first), for the HMAC confusion token. */
  publishedRsaKey(): SigningKey | undefined {
    const candidates = [...this.current.values(), ...this.published.values()];
    return candidates.find((key) => key.publicJwk.kty === 'RSA' && this.published.has(key.kid));
  }

  /** SPKI PEM with its trailing newline: what a verifier that reads "the public key file" would hold. */
  static publicPem(key: SigningKey): string {
    const { n, e } = key.publicJwk;
    const rsaJwk: JsonWebKey = { kty: 'RSA', n, e };
    return createPublicKey({ key: rsaJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  }

  publicJwks(): PublicJwks {
    // Copies: a caller editing the result must not change what the endpoint serves.
    return { keys: [...this.published.values()].map((key) => ({ ...key.publicJwk })) };
  }

  private configured(algorithm: SigningAlgorithm): SigningAlgorithm {
    if (!this.algorithms.includes(algorithm)) {
      throw new Error(`@authgate/testing: algorithm ${JSON.stringify(algorithm)} is not configured; configured: ${this.algorithms.join(', ')}`);
    }
    return algorithm;
  }
}
