import type { SignOptions, TokenClaims } from '../types.js';

/** The identity providers `@authgate/core`'s `providers` presets cover, by the same names. */
export type ProviderName = 'auth0' | 'okta' | 'entra' | 'keycloak' | 'cognito' | 'google' | 'firebase' | 'githubActions' | 'kubernetes' | 'awsAlb';

/**
 * Who the simulated provider is. Every field has a realistic default; give the ones your preset call names, so the
 * preset and the tokens agree (e.g. the same Entra `tenant`).
 */
export interface ProviderSettings {
  /** The API's audience (`aud`). Default `'api://authgate-test'` (Entra v2: `clientId`-style GUID; Firebase: `projectId`). */
  audience?: string;
  /** The client the tokens are issued to (`azp`, `cid`, `client_id`, `appid`, ALB `client`). Default a fixed test id. */
  clientId?: string;
  /** Auth0 tenant domain. Default `'authgate-test.eu.auth0.com'`. */
  domain?: string;
  /** Okta, Keycloak and Kubernetes issuer. Defaults: `https://authgate-test.okta.com/oauth2/default`, `https://sso.example.com/realms/authgate`, `https://kubernetes.default.svc.cluster.local`. */
  issuer?: string;
  /** Entra tenant id (a GUID). Default a fixed test GUID. */
  tenant?: string;
  /** Entra token version. Default 2. */
  version?: 1 | 2;
  /** Entra: serve the multi-tenant (`common`) key set, whose keys carry `issuer: …/{tenantid}/…`. Default false (the tenant's own keys, with its issuer). */
  multiTenant?: boolean;
  /** AWS region (Cognito, ALB). Default `'eu-west-1'`. */
  region?: string;
  /** Cognito user pool id. Default `<region>_AuthGate1`. */
  userPoolId?: string;
  /** Firebase project id. Default `'authgate-test'`. */
  projectId?: string;
  /** GitHub repository `owner/name`. Default `'authgate/example'`. */
  repository?: string;
  /** ALB ARN (the `signer` header). Default a fixed test ARN in `region`. */
  albArn?: string;
  /** Google Workspace domain (`hd`). Absent by default. */
  hostedDomain?: string;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
}

/**
 * The kinds of token each provider issues: `auth0` `access`; `okta` `access`; `entra` `delegated` (user, `scp`),
 * `app` (app-only, `roles`) and `graph` (a Microsoft Graph token: `nonce` header); `keycloak` `access`; `cognito`
 * `access` and `id`; `google` `id`; `firebase` `id`; `githubActions` `id`; `kubernetes` `serviceAccount`; `awsAlb`
 * `userClaims` (`x-amzn-oidc-data`). The first listed is the default.
 */
export type ProviderTokenKind = 'access' | 'id' | 'delegated' | 'app' | 'graph' | 'serviceAccount' | 'userClaims';

export interface ProviderSignOptions extends Pick<SignOptions, 'expiresIn' | 'issuedAt' | 'notBefore' | 'noExp'> {
  /** Which kind of token; default the provider's first. */
  kind?: ProviderTokenKind;
  /** Sign with this published key (e.g. one from `addKey`, or Keycloak's `encryptionKid`). Default the current signing key. */
  kid?: string;
  /** More or changed protected header fields. */
  header?: Readonly<Record<string, unknown>>;
}

export interface ProviderIssuer {
  readonly provider: ProviderName;
  /** The `iss` its tokens carry: the real provider's spelling (e.g. `https://login.microsoftonline.com/<tid>/v2.0`). */
  readonly issuer: string;
  /** Settings after defaults: pass the same values to the preset. */
  readonly settings: Readonly<Required<Omit<ProviderSettings, 'hostedDomain' | 'host'>>> & { hostedDomain?: string };
  /** Where a verifier finds the keys here: spread after the preset, `{ ...providers.x(...), ...idp.local }`. */
  readonly local: { jwksUri: string; allowInsecureHttp: true } | { publicKeyUri: string; allowInsecureHttp: true };
  /** Keycloak: the kid of the `use: enc` key published beside the signing key (a verifier must never use it). */
  readonly encryptionKid: string | undefined;
  /** The key requests (JWKS or per-kid PEM) served so far. */
  readonly keyRequests: number;
  /** A realistic token of this provider; `claims` change or add claims (a claim set to `undefined` is removed). */
  token(claims?: TokenClaims, options?: ProviderSignOptions): Promise<string>;
  /** Publishes one more signing key with these extra JWK members (e.g. `{ issuer: '…other tenant…' }`); returns its kid. */
  addKey(members?: Readonly<Record<string, unknown>>): Promise<string>;
  close(): Promise<void>;
}
