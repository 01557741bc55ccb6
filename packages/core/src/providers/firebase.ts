import { fail } from '../config/validate.js';
import { argumentsOf, insecureHttp, nonEmptyString, requiredString, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface FirebaseArguments extends InsecureHttpArgument {
  /** Your Firebase project id. */
  projectId: string;
}

/** Every argument, how it is written in an `AUTHGATE_FIREBASE_*` variable, and whether it is required. */
export const FIREBASE_ARGUMENTS: ArgumentKeys<FirebaseArguments> = { projectId: 'string', allowInsecureHttp: 'boolean?' };

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** `auth_time` is when the user signed in: never after the token was issued (and `iat` is never in the future). */
function authTimeNotAfterIssue(value: unknown, payload: Readonly<Record<string, unknown>>): boolean {
  return typeof value === 'number' && Number.isFinite(value) && typeof payload.iat === 'number' && value <= payload.iat;
}

/**
 * Firebase Authentication ID tokens: issuer `https://securetoken.google.com/<projectId>`, audience the project, the
 * securetoken service account's keys; `sub` non-empty and `auth_time` not in the future, as Firebase requires.
 */
export function firebase(args: FirebaseArguments): ProviderOptions {
  const given = argumentsOf('firebase', args, "{ projectId: 'my-project' }", FIREBASE_ARGUMENTS);
  const projectId = requiredString('firebase', 'projectId', given.projectId, "'my-project'");
  if (!PROJECT_ID.test(projectId))
    fail(
      `providers.firebase: projectId must be a Google Cloud project id (6-30 lowercase letters, digits, hyphens); got ${JSON.stringify(projectId)}`,
    );
  return {
    issuer: `https://securetoken.google.com/${projectId}`,
    audience: projectId,
    algorithms: ['RS256'],
    jwksUri: 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com',
    requiredClaims: ['sub', 'iat', 'auth_time'],
    claims: { sub: nonEmptyString, auth_time: authTimeNotAfterIssue },
    ...insecureHttp(given),
  };
}
