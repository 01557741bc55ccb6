import { randomUUID, type KeyObject } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { fail } from '../config/validate.js';
import type { OptionKeys } from '../config/known-keys.js';

/**
 * How authgate authenticates itself to an authorization server (introspection, token exchange): one implementation
 * for every outgoing call that needs a client identity.
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface ClientCredentials {
  /** This API's client id at the authorization server. */
  clientId: string;
  /** The shared secret, for `client_secret_basic` (default) and `client_secret_post`. */
  clientSecret?: string;
  /** Default `'client_secret_basic'` with a secret, `'private_key_jwt'` with a private key. */
  clientAuth?: ClientAuthMethod;
  /** A private JWK (with `alg`, or RS256 for RSA / ES256 for P-256 is assumed) or a KeyObject, for `private_key_jwt`. */
  privateKey?: JWK | KeyObject;
  /** The JWS algorithm of the client assertion; default from the key (`alg`, else RS256 / ES256 / EdDSA by key type). */
  privateKeyAlg?: string;
}

/** The credential keys every options object built on `ClientCredentials` accepts besides its own. */
export const CLIENT_CREDENTIAL_KEYS: OptionKeys<ClientCredentials> = {
  clientId: true,
  clientSecret: true,
  clientAuth: true,
  privateKey: true,
  privateKeyAlg: true,
};

export interface NormalizedClientAuth {
  readonly clientId: string;
  readonly method: ClientAuthMethod;
  /** Adds the client's credentials to an outgoing form request for `endpoint`. */
  apply(endpoint: string, form: URLSearchParams, headers: Record<string, string>): Promise<void>;
}

const METHODS: ReadonlySet<string> = new Set<ClientAuthMethod>(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
// RFC 7523 §3: a short-lived assertion; 60 s is the most the issue allows.
const ASSERTION_LIFETIME_SECONDS = 60;

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
function basicCredentials(clientId: string, secret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

function defaultAlg(key: JWK | KeyObject): string {
  if (!('export' in key) && typeof key.alg === 'string') return key.alg;
  const kty = 'export' in key ? key.asymmetricKeyType : key.kty;
  const crv = 'export' in key ? key.asymmetricKeyDetails?.namedCurve : key.crv;
  if (kty === 'rsa' || kty === 'RSA') return 'RS256';
  if (kty === 'ed25519' || (kty === 'OKP' && crv === 'Ed25519')) return 'EdDSA';
  if (crv === 'P-384' || crv === 'secp384r1') return 'ES384';
  return 'ES256';
}

/** Validates client credentials once, at construction. `path` names the option in messages (e.g. `introspection`). */
export function normalizeClientAuth(value: ClientCredentials, path: string): NormalizedClientAuth {
  if (value === null || typeof value !== 'object') fail(`${path} must be an object with clientId and clientSecret or privateKey`);
  const { clientId, clientSecret, privateKey } = value;
  if (typeof clientId !== 'string' || clientId === '') fail(`${path}.clientId is required: this API's client id at the authorization server`);
  const method = value.clientAuth ?? (privateKey !== undefined ? 'private_key_jwt' : 'client_secret_basic');
  if (!METHODS.has(method))
    fail(`${path}.clientAuth must be 'client_secret_basic', 'client_secret_post' or 'private_key_jwt' (got ${JSON.stringify(method)})`);
  if (method === 'private_key_jwt') {
    if (privateKey === undefined || privateKey === null || typeof privateKey !== 'object')
      fail(`${path}.privateKey is required with private_key_jwt: a private JWK or KeyObject`);
    if ('export' in privateKey ? privateKey.type !== 'private' : typeof privateKey.d !== 'string') fail(`${path}.privateKey must be a private key`);
    if (clientSecret !== undefined) fail(`${path}: give clientSecret or privateKey, not both`);
    const alg = value.privateKeyAlg ?? defaultAlg(privateKey);
    const key = 'export' in privateKey ? Promise.resolve(privateKey) : importJWK(privateKey, alg);
    // An unusable key must fail loudly at the first call, not hang it; catch here so no rejection goes unhandled.
    key.catch(() => undefined);
    const kid = 'export' in privateKey ? undefined : privateKey.kid;
    return {
      clientId,
      method,
      async apply(endpoint, form) {
        const now = Math.floor(Date.now() / 1000);
        const assertion = await new SignJWT({})
          .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
          .setIssuer(clientId)
          .setSubject(clientId)
          .setAudience(endpoint)
          .setJti(randomUUID())
          .setIssuedAt(now)
          .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
          .sign(await key);
        form.set('client_id', clientId);
        form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        form.set('client_assertion', assertion);
      },
    };
  }
  if (typeof clientSecret !== 'string' || clientSecret === '')
    fail(`${path}.clientSecret is required with ${method} (or give privateKey for private_key_jwt)`);
  if (privateKey !== undefined) fail(`${path}: privateKey is only used with clientAuth 'private_key_jwt'`);
  if (method === 'client_secret_post') {
    return {
      clientId,
      method,
      async apply(_endpoint, form) {
        form.set('client_id', clientId);
        form.set('client_secret', clientSecret);
      },
    };
  }
  const authorization = basicCredentials(clientId, clientSecret);
  return {
    clientId,
    method,
    async apply(_endpoint, _form, headers) {
      headers.authorization = authorization;
    },
  };
}
