import { auth0, AUTH0_ARGUMENTS } from './auth0.js';
import { awsAlb, AWS_ALB_ARGUMENTS } from './aws-alb.js';
import { cognito, COGNITO_ARGUMENTS } from './cognito.js';
import { entra, ENTRA_ARGUMENTS } from './entra.js';
import { firebase, FIREBASE_ARGUMENTS } from './firebase.js';
import { githubActions, GITHUB_ACTIONS_ARGUMENTS } from './github-actions.js';
import { google, GOOGLE_ARGUMENTS } from './google.js';
import { keycloak, KEYCLOAK_ARGUMENTS } from './keycloak.js';
import { kubernetes, KUBERNETES_ARGUMENTS } from './kubernetes.js';
import { okta, OKTA_ARGUMENTS } from './okta.js';
import { spiffe, SPIFFE_ARGUMENTS } from './spiffe.js';
import type { ArgumentKeys } from '../config/known-keys.js';
import type { ProviderOptions } from './common.js';

export type { ProviderOptions, InsecureHttpArgument } from './common.js';
export type { Auth0Arguments } from './auth0.js';
export type { AwsAlbArguments } from './aws-alb.js';
export type { CognitoArguments } from './cognito.js';
export type { EntraArguments } from './entra.js';
export type { FirebaseArguments } from './firebase.js';
export type { GithubActionsArguments } from './github-actions.js';
export type { GoogleArguments } from './google.js';
export type { KeycloakArguments } from './keycloak.js';
export type { KubernetesArguments } from './kubernetes.js';
export type { OktaArguments } from './okta.js';
export type { SpiffeOptions, SpiffeBundle } from './spiffe.js';

/**
 * One function per identity provider, each returning plain `VerifierOptions` to spread; your own fields after it win:
 * `jwtAuth({ ...providers.entra({ tenant, audience }), jwksUri: 'http://127.0.0.1:4000/keys' })`.
 * Arguments are validated at once (`AuthConfigError` naming the preset and the fix).
 */
export const providers = Object.freeze({ auth0, okta, entra, keycloak, cognito, google, firebase, githubActions, kubernetes, awsAlb, spiffe });

export type ProviderName = keyof typeof providers;

/**
 * Each preset's declared arguments (names, how each is written as text, which are required), by preset name: what
 * the gateway's `{ provider, ...arguments }` and `AUTHGATE_PROVIDER` read. Typed from the presets themselves, so a
 * preset whose argument type changes without its record fails the build.
 */
export const PROVIDER_ARGUMENTS: { readonly [N in ProviderName]: ArgumentKeys<Parameters<(typeof providers)[N]>[0]> } = Object.freeze({
  auth0: AUTH0_ARGUMENTS,
  okta: OKTA_ARGUMENTS,
  entra: ENTRA_ARGUMENTS,
  keycloak: KEYCLOAK_ARGUMENTS,
  cognito: COGNITO_ARGUMENTS,
  google: GOOGLE_ARGUMENTS,
  firebase: FIREBASE_ARGUMENTS,
  githubActions: GITHUB_ACTIONS_ARGUMENTS,
  kubernetes: KUBERNETES_ARGUMENTS,
  awsAlb: AWS_ALB_ARGUMENTS,
  spiffe: SPIFFE_ARGUMENTS,
});

/** Preset names compared without case, `-` or `_`: `github-actions`, `GITHUB_ACTIONS` and `githubActions` are one. */
function comparable(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

/** The preset a name means (`'github-actions'` → `'githubActions'`), or `undefined` for no preset. */
export function providerNamed(name: string): ProviderName | undefined {
  const wanted = comparable(name);
  return (Object.keys(providers) as ProviderName[]).find((known) => comparable(known) === wanted);
}

/** A preset called with arguments read from text (a config file, the environment): they are checked by the preset. */
export function presetOptions(name: ProviderName, args: Readonly<Record<string, unknown>>): ProviderOptions {
  // The arguments come from text, so their type is what the preset checks, not what TypeScript knows.
  return (providers[name] as unknown as (given: Readonly<Record<string, unknown>>) => ProviderOptions)(args);
}
