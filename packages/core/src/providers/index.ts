import { auth0 } from './auth0.js';
import { awsAlb } from './aws-alb.js';
import { cognito } from './cognito.js';
import { entra } from './entra.js';
import { firebase } from './firebase.js';
import { githubActions } from './github-actions.js';
import { google } from './google.js';
import { keycloak } from './keycloak.js';
import { kubernetes } from './kubernetes.js';
import { okta } from './okta.js';
import { spiffe } from './spiffe.js';

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
