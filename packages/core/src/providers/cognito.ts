import { fail } from '../config/validate.js';
import { argumentsOf, awsRegion, insecureHttp, requiredString, stringList, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface CognitoArguments extends InsecureHttpArgument {
  /** The user pool's region, e.g. `'eu-west-1'`. */
  region: string;
  /** The user pool id, `<region>_<id>`, e.g. `'eu-west-1_AbCdEf123'`. */
  userPoolId: string;
  /** The app client id(s) whose tokens are accepted. */
  clientId: string | readonly string[];
  /** `'access'` for access tokens (APIs), `'id'` for ID tokens. Each refuses the other. */
  tokenUse: 'access' | 'id';
}

/** Every argument, how it is written in an `AUTHGATE_COGNITO_*` variable, and whether it is required. */
export const COGNITO_ARGUMENTS: ArgumentKeys<CognitoArguments> = {
  region: 'string',
  userPoolId: 'string',
  clientId: 'list',
  tokenUse: 'string',
  allowInsecureHttp: 'boolean?',
};

/**
 * Amazon Cognito user pools: issuer `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`, keys at
 * `<issuer>/.well-known/jwks.json` (kids hold `+`, `/` and `=`). Access tokens have no `aud`: `client_id` must be one
 * of `clientId` and `token_use` `access`; ID tokens have the client in `aud` and `token_use` `id`. Roles from
 * `cognito:groups`.
 */
export function cognito(args: CognitoArguments): ProviderOptions {
  const given = argumentsOf(
    'cognito',
    args,
    "{ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789', tokenUse: 'access' }",
    COGNITO_ARGUMENTS,
  );
  const region = awsRegion('cognito', given.region);
  const userPoolId = requiredString('cognito', 'userPoolId', given.userPoolId, "'eu-west-1_AbCdEf123'");
  if (!new RegExp(`^${region}_[A-Za-z0-9]+$`).test(userPoolId)) {
    fail(`providers.cognito: userPoolId must be ${region}_<id> (a pool id starts with its region); got ${JSON.stringify(userPoolId)}`);
  }
  const clientIds = stringList('cognito', 'clientId', given.clientId, "'1example23456789'");
  if (given.tokenUse !== 'access' && given.tokenUse !== 'id') fail("providers.cognito: tokenUse must be 'access' (for APIs) or 'id'");
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const byUse: Pick<ProviderOptions, 'audience' | 'claims'> =
    given.tokenUse === 'access'
      ? { audience: null, claims: { token_use: 'access', client_id: clientIds } }
      : { audience: clientIds, claims: { token_use: 'id' } };
  return {
    issuer,
    ...byUse,
    algorithms: ['RS256'],
    jwksUri: `${issuer}/.well-known/jwks.json`,
    scopeClaims: ['scope'],
    rolesClaims: ['cognito:groups'],
    ...insecureHttp(given),
  };
}
