import type { JSONWebKeySet } from 'jose';
import { fail, nonEmptyStrings } from '../config/validate.js';
import type { Algorithm } from '../keys/algorithms.js';
import type { VerifierOptions } from '../options.js';
import { normalizeTrustDomain } from '../token/spiffe-id.js';
import { keysOf, rejectUnknownKeys, type ArgumentKeys } from '../config/known-keys.js';

/** A SPIFFE trust bundle as SPIFFE serves it: a JWK Set, each key marked `use: "jwt-svid"` or `"x509-svid"`. */
export interface SpiffeBundle extends JSONWebKeySet {
  spiffe_sequence?: number;
  spiffe_refresh_hint?: number;
}

export interface SpiffeOptions {
  /** The trust domain whose workloads are accepted, e.g. `'example.org'`: matched exactly. */
  trustDomain: string;
  /** This service's audience: JWT-SVIDs must carry `aud` naming it (the spec requires `aud`). */
  audience: string | readonly string[];
  /** The trust domain's bundle endpoint (a JWKS URL, e.g. SPIRE's `https_web` bundle endpoint). Give this or `bundle`. */
  jwksUri?: string;
  /** The trust bundle itself, parsed (e.g. from the Workload API or a file). */
  bundle?: SpiffeBundle;
  /** Accepted algorithms (JWT-SVID §3: RS, ES and PS families). Default all nine. */
  algorithms?: readonly Algorithm[];
  /** Allow an `http:` bundle endpoint outside loopback (tests only). */
  allowInsecureHttp?: boolean;
}

/** Every argument, how it is written in an `AUTHGATE_SPIFFE_*` variable, and whether it is required. */
export const SPIFFE_ARGUMENTS: ArgumentKeys<SpiffeOptions> = {
  trustDomain: 'string',
  audience: 'list',
  jwksUri: 'string?',
  bundle: 'json?',
  algorithms: 'list?',
  allowInsecureHttp: 'boolean?',
};

const JWT_SVID_ALGORITHMS: readonly Algorithm[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

/**
 * JWT-SVIDs (SPIFFE workload identity), as plain `VerifierOptions`: `sub` must be a workload SPIFFE ID in
 * `trustDomain` (exactly: `example.org.evil.com` is another domain) and becomes `identity.workload`; `aud` is
 * required; only the bundle's keys marked `use: "jwt-svid"` verify (never its `x509-svid` keys); `iss` is not checked
 * (JWT-SVIDs need none); `identity.kind` is `'client'` (a workload, no user).
 */
export function spiffe(options: SpiffeOptions): VerifierOptions {
  if (options === null || typeof options !== 'object') fail('spiffe() needs { trustDomain, audience, jwksUri | bundle }');
  rejectUnknownKeys(options, keysOf(SPIFFE_ARGUMENTS), '', 'providers.spiffe');
  const trustDomain = normalizeTrustDomain(options.trustDomain, 'spiffe: trustDomain');
  if (options.audience === null || options.audience === undefined)
    fail('spiffe: audience is required (JWT-SVIDs always carry aud; name this service)');
  const audience = nonEmptyStrings('spiffe: audience', options.audience);
  if ((options.jwksUri === undefined) === (options.bundle === undefined))
    fail('spiffe: give the trust bundle as jwksUri (its endpoint) or bundle (parsed), exactly one');
  return {
    issuer: null,
    audience,
    algorithms: options.algorithms ?? JWT_SVID_ALGORITHMS,
    ...(options.jwksUri === undefined ? { jwks: options.bundle as JSONWebKeySet } : { jwksUri: options.jwksUri }),
    keyUse: 'jwt-svid',
    trustDomain,
    tokenKind: 'client',
    ...(options.allowInsecureHttp === true ? { allowInsecureHttp: true } : {}),
  };
}
