import { fail } from '../config/validate.js';
import { argumentsOf, insecureHttp, stringList, urlArgument, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface OktaArguments extends InsecureHttpArgument {
  /** A custom authorization server's issuer: `https://<org>.okta.com/oauth2/<id>` (`default` is one). */
  issuer: string;
  /** The audience set on that authorization server, e.g. `'api://default'`. */
  audience: string | readonly string[];
}

/** Every argument, how it is written in an `AUTHGATE_OKTA_*` variable, and whether it is required. */
export const OKTA_ARGUMENTS: ArgumentKeys<OktaArguments> = { issuer: 'string', audience: 'list', allowInsecureHttp: 'boolean?' };

/**
 * Okta custom authorization servers: keys found by discovery, scopes from the `scp` array, the client from `cid`
 * (`identity.clientId`), roles from `groups` (when a groups claim is configured). `identity.kind`: Okta puts `uid`
 * (the user's id) only in tokens issued for a user, so a token without it is a client-credentials token.
 */
export function okta(args: OktaArguments): ProviderOptions {
  const given = argumentsOf('okta', args, "{ issuer: 'https://example.okta.com/oauth2/default', audience: 'api://default' }", OKTA_ARGUMENTS);
  const url = urlArgument('okta', 'issuer', given.issuer, given, "'https://example.okta.com/oauth2/default'");
  if (!/^\/oauth2\/[A-Za-z0-9_-]+$/.test(url.pathname) || url.search !== '' || url.hash !== '') {
    fail(
      `providers.okta: issuer ${JSON.stringify(given.issuer)} is not a custom authorization server (…/oauth2/<id>). ` +
        "The org authorization server's access tokens are meant for Okta's own APIs and cannot be validated by yours: " +
        'use a custom authorization server such as https://<org>.okta.com/oauth2/default',
    );
  }
  return {
    issuer: given.issuer,
    audience: stringList('okta', 'audience', given.audience, "'api://default'"),
    algorithms: ['RS256'],
    scopeClaims: ['scp'],
    rolesClaims: ['groups'],
    tokenKind: { userClaim: 'uid' },
    ...insecureHttp(given),
  };
}
