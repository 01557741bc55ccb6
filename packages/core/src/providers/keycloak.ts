import { fail } from '../config/validate.js';
import { argumentsOf, insecureHttp, requiredString, stringList, urlArgument, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface KeycloakArguments extends InsecureHttpArgument {
  /** The realm URL, which is the issuer: `https://sso.example.com/realms/<realm>`. */
  issuer: string;
  /** Accepted `aud` value(s), when your tokens carry this API's audience (an audience mapper). */
  audience?: string | readonly string[];
  /**
   * The client the tokens are issued to: checked against `azp`, and its roles (`resource_access.<clientId>.roles`)
   * join the realm roles. Required without `audience` (Keycloak's default access tokens carry `aud: "account"` or none).
   */
  clientId?: string;
}

/** Every argument, how it is written in an `AUTHGATE_KEYCLOAK_*` variable, and whether it is required. */
export const KEYCLOAK_ARGUMENTS: ArgumentKeys<KeycloakArguments> = {
  issuer: 'string',
  audience: 'list?',
  clientId: 'string?',
  allowInsecureHttp: 'boolean?',
};

/**
 * Keycloak: keys by discovery (its JWKS also lists `use: enc` keys, which are never used to verify); roles from
 * `realm_access.roles` plus `resource_access.<clientId>.roles` (another client's roles are not granted).
 */
export function keycloak(args: KeycloakArguments): ProviderOptions {
  const given = argumentsOf('keycloak', args, "{ issuer: 'https://sso.example.com/realms/acme', clientId: 'orders-api' }", KEYCLOAK_ARGUMENTS);
  const url = urlArgument('keycloak', 'issuer', given.issuer, given, "'https://sso.example.com/realms/acme'");
  if (!/\/realms\/[^/]+$/.test(url.pathname)) {
    fail(
      `providers.keycloak: issuer must be the realm URL, ending in /realms/<realm> (e.g. https://sso.example.com/realms/acme); got ${JSON.stringify(given.issuer)}`,
    );
  }
  const clientId = given.clientId === undefined ? undefined : requiredString('keycloak', 'clientId', given.clientId, "'orders-api'");
  if (given.audience === undefined && clientId === undefined) {
    fail(
      'providers.keycloak: give clientId (checked against azp) or audience: Keycloak access tokens carry aud "account" or none unless you add an audience mapper',
    );
  }
  return {
    issuer: given.issuer,
    audience: given.audience === undefined ? null : stringList('keycloak', 'audience', given.audience, "'orders-api'"),
    algorithms: ['RS256'],
    scopeClaims: ['scope'],
    rolesClaims: [['realm_access', 'roles'], ...(clientId === undefined ? [] : [['resource_access', clientId, 'roles']])],
    ...(clientId === undefined ? {} : { claims: { azp: clientId } }),
    ...insecureHttp(given),
  };
}
