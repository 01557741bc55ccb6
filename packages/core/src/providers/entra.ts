import { fail } from '../config/validate.js';
import { argumentsOf, insecureHttp, stringList, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface EntraArguments extends InsecureHttpArgument {
  /** Your tenant id (a GUID), or `'common'` / `'organizations'` for a multi-tenant app (then `allowedTenants` is required). */
  tenant: string;
  /** Your API's application (client) id or App ID URI, as it appears in `aud`. */
  audience: string | readonly string[];
  /** Token version your API is configured for (`accessTokenAcceptedVersion`): 2 (default) or 1. */
  version?: 2 | 1;
  /** Multi-tenant only: the tenant ids (GUIDs) whose tokens are accepted, or `'*'` for any tenant, explicitly. */
  allowedTenants?: readonly string[] | '*';
}

/** Every argument, how it is written in an `AUTHGATE_ENTRA_*` variable, and whether it is required. */
export const ENTRA_ARGUMENTS: ArgumentKeys<EntraArguments> = {
  tenant: 'string',
  audience: 'list',
  version: 'number?',
  allowedTenants: 'list?',
  allowInsecureHttp: 'boolean?',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MULTI_TENANT = new Set(['common', 'organizations']);

/** Why: Graph tokens carry a `nonce` header and are signed over a hash of it, for Graph alone to verify. */
export const GRAPH_TOKEN_REASON = "a Microsoft Graph token (its nonce header): request a token for this API's audience instead";

function issuerFor(version: 1 | 2, tenant: string): string {
  return version === 2 ? `https://login.microsoftonline.com/${tenant}/v2.0` : `https://sts.windows.net/${tenant}/`;
}

/**
 * Microsoft Entra ID: issuer per version (v2 `https://login.microsoftonline.com/<tid>/v2.0`, v1
 * `https://sts.windows.net/<tid>/`), the tenant's keys (which carry no `alg`); multi-tenant apps match `iss` against
 * the `{tid}` template, check each key's `issuer` member, and accept only `allowedTenants`. Scopes from `scp`
 * (delegated), roles from `roles` (app-only), client from `azp`/`appid`; Microsoft Graph tokens are refused.
 */
export function entra(args: EntraArguments): ProviderOptions {
  const given = argumentsOf('entra', args, "{ tenant: '<tenant GUID>', audience: '<application id>' }", ENTRA_ARGUMENTS);
  const version = given.version ?? 2;
  if (version !== 1 && version !== 2) fail('providers.entra: version must be 2 (the default) or 1');
  const tenant = typeof given.tenant === 'string' ? given.tenant.toLowerCase() : given.tenant;
  const multiTenant = typeof tenant === 'string' && MULTI_TENANT.has(tenant);
  if (typeof tenant !== 'string' || (!multiTenant && !GUID.test(tenant))) {
    fail(
      `providers.entra: tenant must be your tenant id (a GUID), or 'common' / 'organizations' with allowedTenants; got ${JSON.stringify(given.tenant)}`,
    );
  }
  let tenantRule: ProviderOptions['claims'] | undefined;
  if (multiTenant) {
    const allowed = given.allowedTenants;
    if (allowed === undefined) {
      fail(
        `providers.entra: tenant '${tenant}' accepts tokens of other organisations: list them in allowedTenants (tenant GUIDs), or pass allowedTenants: '*' to accept any tenant on purpose`,
      );
    }
    if (allowed !== '*') {
      if (!Array.isArray(allowed) || allowed.length === 0 || allowed.some((id) => typeof id !== 'string' || !GUID.test(id))) {
        fail("providers.entra: allowedTenants must be a non-empty array of tenant GUIDs, or '*'");
      }
      tenantRule = { tid: allowed.map((id) => id.toLowerCase()) };
    }
  } else if (given.allowedTenants !== undefined) {
    fail("providers.entra: allowedTenants applies only with tenant 'common' or 'organizations'");
  }
  const keysPath = version === 2 ? 'discovery/v2.0/keys' : 'discovery/keys';
  return {
    issuer: issuerFor(version, multiTenant ? '{tid}' : tenant),
    audience: stringList('entra', 'audience', given.audience, "'<application id>' or 'api://orders'"),
    algorithms: ['RS256'],
    jwksUri: `https://login.microsoftonline.com/${tenant}/${keysPath}`,
    scopeClaims: ['scp'],
    rolesClaims: ['roles'],
    refuseHeaders: { nonce: GRAPH_TOKEN_REASON },
    ...(multiTenant ? { requiredClaims: ['tid'] } : {}),
    ...(tenantRule === undefined ? {} : { claims: tenantRule }),
    ...insecureHttp(given),
  };
}
