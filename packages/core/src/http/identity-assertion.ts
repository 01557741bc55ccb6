import { createPrivateKey, createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import { fail, nonEmptyStrings, nonNegativeSeconds } from '../config/validate.js';
import { describeType, keysOf, rejectUnknownKeys, type OptionKeys } from '../config/known-keys.js';
import type { Identity } from '../identity.js';

/**
 * The signed identity assertion: a short-lived ES256 JWT of a verified identity, minted by a gateway (or an adapter
 * in front of a proxy) for services that must not trust the network. Services verify it with the ordinary
 * `jwtAuth({ typ: 'authgate-identity+jwt', tokenLocations: { header: 'x-authgate-identity' }, ... })`.
 */

export const IDENTITY_ASSERTION_TYP = 'authgate-identity+jwt';
export const IDENTITY_ASSERTION_HEADER = 'x-authgate-identity';
const DEFAULT_TTL = 60;

/** `forwardIdentity.sign`: how identity assertions are signed. Durations in seconds. */
export interface IdentitySigningOptions {
  /** A private EC P-256 JWK (`kty: 'EC'`, `crv: 'P-256'`, `d`, `x`, `y`) with a `kid`. Its public half is served as JWKS. */
  key: JWK;
  /** The assertion's `iss`: this gateway's identifier, which services list as their `issuer`. */
  issuer: string;
  /** The assertion's `aud`: the service(s) it is meant for. */
  audience: string | readonly string[];
  /** Lifetime in seconds (never beyond the access token's own `exp`). Default 60. */
  ttl?: number;
}

export const IDENTITY_SIGNING_OPTION_KEYS: OptionKeys<IdentitySigningOptions> = { key: true, issuer: true, audience: true, ttl: true };

export interface IdentitySigner {
  /** The compact JWT for this identity; reused while more than half its lifetime remains. */
  assertion(identity: Identity<object>): string;
  /** The public key set services fetch (`/.well-known/jwks.json`). */
  readonly jwks: JSONWebKeySet;
}

function importSigningKey(key: unknown): { privateKey: KeyObject; publicJwk: JWK; kid: string } {
  if (key === null || typeof key !== 'object') fail('forwardIdentity.sign.key must be a private EC P-256 JWK with a kid');
  const jwk = key as JWK;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') fail('forwardIdentity.sign.key must be an EC P-256 JWK (kty "EC", crv "P-256"): assertions are ES256');
  if (typeof jwk.d !== 'string') fail('forwardIdentity.sign.key must be a private JWK (with "d"); only its public half is published');
  if (typeof jwk.kid !== 'string' || jwk.kid === '') fail('forwardIdentity.sign.key needs a kid, so services can tell keys apart across rotations');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: jwk.d, x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch {
    fail('forwardIdentity.sign.key is not a valid EC P-256 private key (check d, x and y)');
  }
  // The published half is rebuilt from the private key, never copied from the given members.
  const exported = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, kid: jwk.kid, publicJwk: { kty: 'EC', crv: 'P-256', x: exported.x, y: exported.y, kid: jwk.kid, alg: 'ES256', use: 'sig' } };
}

/** Validates `forwardIdentity.sign` once and returns the minting function. */
export function createIdentitySigner(options: IdentitySigningOptions): IdentitySigner {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail(`forwardIdentity.sign must be an object: { key, issuer, audience, ttl? } (got ${describeType(options)})`);
  rejectUnknownKeys(options, keysOf(IDENTITY_SIGNING_OPTION_KEYS), 'forwardIdentity.sign');
  const { privateKey, publicJwk, kid } = importSigningKey(options.key);
  if (typeof options.issuer !== 'string' || options.issuer === '')
    fail("forwardIdentity.sign.issuer must be a non-empty string (this gateway's identifier)");
  const audience = nonEmptyStrings('forwardIdentity.sign.audience', options.audience);
  const ttl = nonNegativeSeconds('forwardIdentity.sign.ttl', options.ttl, DEFAULT_TTL);
  if (ttl < 1) fail('forwardIdentity.sign.ttl must be at least 1 second');
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: IDENTITY_ASSERTION_TYP, kid })).toString('base64url');
  const minted = new WeakMap<Identity<object>, { jwt: string; renewAt: number }>();

  function mint(identity: Identity<object>, now: number): { jwt: string; renewAt: number } {
    const exp = Math.min(now + ttl, identity.claims.exp);
    const { roles, clientId } = identity;
    const payload = {
      iss: options.issuer,
      aud: audience.length === 1 ? audience[0] : audience,
      ...(identity.subject === undefined ? {} : { sub: identity.subject }),
      iat: now,
      exp,
      jti: randomUUID(),
      ...(identity.scopes.length === 0 ? {} : { scope: identity.scopes.join(' ') }),
      ...(roles.length === 0 ? {} : { roles }),
      ...(clientId === undefined ? {} : { client_id: clientId }),
      // Who vouched for the caller first: the access token's issuer.
      token_iss: identity.issuer,
    };
    const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return { jwt: `${input}.${signature.toString('base64url')}`, renewAt: now + Math.floor((exp - now) / 2) };
  }

  return {
    jwks: Object.freeze({ keys: [Object.freeze(publicJwk)] }) as JSONWebKeySet,
    assertion(identity) {
      const now = Math.floor(Date.now() / 1000);
      const reused = minted.get(identity);
      if (reused !== undefined && now < reused.renewAt) return reused.jwt;
      const fresh = mint(identity, now);
      minted.set(identity, fresh);
      return fresh.jwt;
    },
  };
}
