import { fail } from '../config/validate.js';
import { argumentsOf, hostname, insecureHttp, stringList, urlArgument, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface Auth0Arguments extends InsecureHttpArgument {
  /** Your tenant's domain, e.g. `'example.eu.auth0.com'` or a custom domain. Give this or `issuer`. */
  domain?: string;
  /** The exact issuer, `https://<domain>/` (with the trailing slash Auth0 puts in `iss`). Give this or `domain`. */
  issuer?: string;
  /** Your API's identifier in Auth0 (the `audience` clients request tokens for). */
  audience: string | readonly string[];
}

/** Every argument, how it is written in an `AUTHGATE_AUTH0_*` variable, and whether it is required. */
export const AUTH0_ARGUMENTS: ArgumentKeys<Auth0Arguments> = {
  domain: 'string?',
  issuer: 'string?',
  audience: 'list',
  allowInsecureHttp: 'boolean?',
};

/**
 * Auth0 access tokens: issuer `https://<domain>/` (trailing slash), keys at `https://<domain>/.well-known/jwks.json`,
 * RS256; scopes from `scope` and, with RBAC on, from the `permissions` array.
 */
export function auth0(args: Auth0Arguments): ProviderOptions {
  const given = argumentsOf('auth0', args, "{ domain: 'example.eu.auth0.com', audience: 'https://api.example.com' }", AUTH0_ARGUMENTS);
  if ((given.domain === undefined) === (given.issuer === undefined)) fail('providers.auth0: give either domain or issuer (not both)');
  let issuer: string;
  if (given.issuer !== undefined) {
    const url = urlArgument('auth0', 'issuer', given.issuer, given, "'https://example.eu.auth0.com/'");
    if (!given.issuer.endsWith('/')) fail(`providers.auth0: issuer must end with "/" as Auth0's iss does: ${JSON.stringify(`${given.issuer}/`)}`);
    if (url.search !== '' || url.hash !== '') fail('providers.auth0: issuer must not have a query or fragment');
    issuer = given.issuer;
  } else {
    issuer = `https://${hostname('auth0', 'domain', given.domain, "'example.eu.auth0.com'")}/`;
  }
  return {
    issuer,
    audience: stringList('auth0', 'audience', given.audience, "'https://api.example.com'"),
    algorithms: ['RS256'],
    jwksUri: `${issuer}.well-known/jwks.json`,
    scopeClaims: ['scope', 'permissions'],
    ...insecureHttp(given),
  };
}
