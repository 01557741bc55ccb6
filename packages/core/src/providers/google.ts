import { argumentsOf, hostname, insecureHttp, stringList, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface GoogleArguments extends InsecureHttpArgument {
  /** The `aud` your ID tokens carry: a Cloud Run URL, a Pub/Sub push audience, an OAuth client id. */
  audience: string | readonly string[];
  /** Only accept users of this Google Workspace domain (the `hd` claim). */
  hostedDomain?: string;
}

/** Every argument, how it is written in an `AUTHGATE_GOOGLE_*` variable, and whether it is required. */
export const GOOGLE_ARGUMENTS: ArgumentKeys<GoogleArguments> = { audience: 'list', hostedDomain: 'string?', allowInsecureHttp: 'boolean?' };

/**
 * Google-signed ID tokens (Cloud Run and Cloud Functions service calls, Pub/Sub push, IAP-style callers): issuers
 * `https://accounts.google.com` and `accounts.google.com` (one key set, two spellings), keys at
 * `https://www.googleapis.com/oauth2/v3/certs`; `hd` checked when `hostedDomain` is given.
 */
export function google(args: GoogleArguments): ProviderOptions {
  const given = argumentsOf('google', args, "{ audience: 'https://my-service-abc123-ew.a.run.app' }", GOOGLE_ARGUMENTS);
  const hostedDomain = given.hostedDomain === undefined ? undefined : hostname('google', 'hostedDomain', given.hostedDomain, "'example.com'");
  return {
    issuer: ['https://accounts.google.com', 'accounts.google.com'],
    audience: stringList('google', 'audience', given.audience, "'https://my-service-abc123-ew.a.run.app'"),
    algorithms: ['RS256'],
    jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
    ...(hostedDomain === undefined ? {} : { claims: { hd: hostedDomain } }),
    ...insecureHttp(given),
  };
}
