import { randomUUID } from 'node:crypto';
import type { TokenClaims } from '../types.js';
import type { ProviderIssuer, ProviderName, ProviderSettings, ProviderTokenKind } from './types.js';

/** Each provider's token kinds, default first. */
export const TOKEN_KINDS: Readonly<Record<ProviderName, readonly ProviderTokenKind[]>> = {
  auth0: ['access'],
  okta: ['access'],
  entra: ['delegated', 'app', 'graph'],
  keycloak: ['access'],
  cognito: ['access', 'id'],
  google: ['id'],
  firebase: ['id'],
  githubActions: ['id'],
  kubernetes: ['serviceAccount'],
  awsAlb: ['userClaims'],
};

export const TEST_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const GRAPH_AUDIENCE = '00000003-0000-0000-c000-000000000000';

export type ResolvedSettings = ProviderIssuer['settings'];

export function resolveSettings(provider: ProviderName, given: ProviderSettings = {}): ResolvedSettings {
  const region = given.region ?? 'eu-west-1';
  const projectId = given.projectId ?? 'authgate-test';
  const defaultIssuer: Partial<Record<ProviderName, string>> = {
    okta: 'https://authgate-test.okta.com/oauth2/default',
    keycloak: 'https://sso.example.com/realms/authgate',
    kubernetes: 'https://kubernetes.default.svc.cluster.local',
    awsAlb: `https://cognito-idp.${region}.amazonaws.com/${region}_AuthGate1`,
  };
  return {
    audience:
      given.audience ?? (provider === 'firebase' ? projectId : provider === 'entra' ? '6e74172b-be56-4843-9ff4-e66a39bb12e3' : 'api://authgate-test'),
    clientId: given.clientId ?? (provider === 'entra' ? 'b7c1f1a2-3d4e-4f50-8a61-7b8c9d0e1f23' : '4fmvht22tjrgd7d3k3tghttct7'),
    domain: given.domain ?? 'authgate-test.eu.auth0.com',
    issuer: given.issuer ?? defaultIssuer[provider] ?? '',
    tenant: (given.tenant ?? TEST_TENANT).toLowerCase(),
    version: given.version ?? 2,
    multiTenant: given.multiTenant ?? false,
    region,
    userPoolId: given.userPoolId ?? `${region}_AuthGate1`,
    projectId,
    repository: given.repository ?? 'authgate/example',
    albArn: given.albArn ?? `arn:aws:elasticloadbalancing:${region}:123456789012:loadbalancer/app/authgate-test/50dc6c495c0c9188`,
    ...(given.hostedDomain === undefined ? {} : { hostedDomain: given.hostedDomain }),
  };
}

export function entraIssuer(version: 1 | 2, tenant: string): string {
  return version === 2 ? `https://login.microsoftonline.com/${tenant}/v2.0` : `https://sts.windows.net/${tenant}/`;
}

/** The `iss` of a provider's tokens. */
export function issuerOf(provider: ProviderName, s: ResolvedSettings): string {
  switch (provider) {
    case 'auth0':
      return `https://${s.domain}/`;
    case 'entra':
      return entraIssuer(s.version, s.tenant);
    case 'cognito':
      return `https://cognito-idp.${s.region}.amazonaws.com/${s.userPoolId}`;
    case 'google':
      return 'https://accounts.google.com';
    case 'firebase':
      return `https://securetoken.google.com/${s.projectId}`;
    case 'githubActions':
      return 'https://token.actions.githubusercontent.com';
    default:
      return s.issuer;
  }
}

export interface Shape {
  header: Record<string, unknown>;
  claims: TokenClaims;
}

/** The claims and header fields a real token of this kind carries (besides alg, kid, iat, exp). */
export function shapeOf(provider: ProviderName, kind: ProviderTokenKind, s: ResolvedSettings, now: number): Shape {
  const iss = issuerOf(provider, s);
  const user = randomUUID();
  switch (provider) {
    case 'auth0':
      return {
        header: { typ: 'JWT' },
        claims: {
          iss,
          sub: 'auth0|64f1c2a9e4b0a1b2c3d4e5f6',
          aud: [s.audience, `https://${s.domain}/userinfo`],
          azp: s.clientId,
          scope: 'openid profile orders:read',
          permissions: ['orders:read', 'orders:write'],
        },
      };
    case 'okta':
      return {
        header: {},
        claims: {
          ver: 1,
          jti: `AT.${randomUUID()}`,
          iss,
          aud: s.audience,
          cid: s.clientId,
          uid: '00u1a2b3c4d5e6f7g8h9',
          scp: ['openid', 'orders.read'],
          sub: 'jane@example.com',
          groups: ['Everyone', 'orders-admins'],
          auth_time: now - 60,
        },
      };
    case 'entra':
      return entraShape(kind, s, now);
    case 'keycloak':
      return {
        header: { typ: 'JWT' },
        claims: {
          iss,
          sub: user,
          aud: 'account',
          typ: 'Bearer',
          azp: s.clientId,
          sid: randomUUID(),
          acr: '1',
          scope: 'openid profile email',
          realm_access: { roles: ['offline_access', 'uma_authorization', 'orders-user'] },
          resource_access: { [s.clientId]: { roles: ['orders-admin'] }, account: { roles: ['manage-account', 'view-profile'] } },
          email_verified: true,
          preferred_username: 'jane',
        },
      };
    case 'cognito':
      return kind === 'id'
        ? {
            header: {},
            claims: {
              sub: user,
              'cognito:groups': ['admins'],
              email_verified: true,
              iss,
              'cognito:username': 'jane',
              origin_jti: randomUUID(),
              aud: s.clientId,
              event_id: randomUUID(),
              token_use: 'id',
              auth_time: now - 60,
              email: 'jane@example.com',
            },
          }
        : {
            header: {},
            claims: {
              sub: user,
              'cognito:groups': ['admins'],
              iss,
              client_id: s.clientId,
              origin_jti: randomUUID(),
              event_id: randomUUID(),
              token_use: 'access',
              scope: 'orders/read aws.cognito.signin.user.admin',
              auth_time: now - 60,
              username: 'jane',
            },
          };
    case 'google':
      return {
        header: { typ: 'JWT' },
        claims: {
          iss,
          azp: '1234567890-abc.apps.googleusercontent.com',
          aud: s.audience,
          sub: '110169484474386276334',
          email: 'caller@example.iam.gserviceaccount.com',
          email_verified: true,
          ...(s.hostedDomain === undefined ? {} : { hd: s.hostedDomain }),
        },
      };
    case 'firebase':
      return {
        header: { typ: 'JWT' },
        claims: {
          iss,
          aud: s.projectId,
          auth_time: now - 60,
          user_id: 'Kx3vP9yHqRb2',
          sub: 'Kx3vP9yHqRb2',
          email: 'jane@example.com',
          email_verified: true,
          firebase: { identities: { email: ['jane@example.com'] }, sign_in_provider: 'password' },
        },
      };
    case 'githubActions': {
      const [owner] = s.repository.split('/');
      return {
        header: { typ: 'JWT', x5t: 'ykNaY4qM_ta4k2TgZOCEYLkcYlA' },
        claims: {
          iss,
          aud: s.audience,
          sub: `repo:${s.repository}:ref:refs/heads/main`,
          ref: 'refs/heads/main',
          sha: 'd0c2b3f4a5e6d7c8b9a0e1f2a3b4c5d6e7f8a9b0',
          repository: s.repository,
          repository_owner: owner,
          repository_owner_id: '65432',
          repository_id: '123456',
          run_id: '8123456789',
          run_number: '42',
          run_attempt: '1',
          actor: 'octocat',
          workflow: 'deploy',
          event_name: 'push',
          ref_type: 'branch',
          job_workflow_ref: `${s.repository}/.github/workflows/deploy.yml@refs/heads/main`,
          runner_environment: 'github-hosted',
          nbf: now - 5,
        },
      };
    }
    case 'kubernetes':
      return {
        header: {},
        claims: {
          iss,
          aud: [s.audience],
          sub: 'system:serviceaccount:orders:orders-worker',
          nbf: now,
          'kubernetes.io': {
            namespace: 'orders',
            pod: { name: 'orders-worker-7d9f8', uid: randomUUID() },
            serviceaccount: { name: 'orders-worker', uid: randomUUID() },
          },
        },
      };
    case 'awsAlb':
      return {
        header: { typ: 'JWT', iss: s.issuer, client: s.clientId, signer: s.albArn },
        claims: { sub: user, email: 'jane@example.com', email_verified: 'true', username: 'jane', iss: s.issuer },
      };
  }
}

function entraShape(kind: ProviderTokenKind, s: ResolvedSettings, now: number): Shape {
  const v2 = s.version === 2;
  const client = v2 ? { azp: s.clientId, azpacr: '1' } : { appid: s.clientId, appidacr: '1' };
  const common = {
    iss: entraIssuer(s.version, s.tenant),
    aud: s.audience,
    nbf: now,
    tid: s.tenant,
    ver: v2 ? '2.0' : '1.0',
    uti: 'AbCdEfGhIjKlMnOp',
    rh: '0.AAAA',
    aio: 'E2ZgYJg',
  };
  const oid = '00000000-0000-0000-66f3-3332eca7ea81';
  if (kind === 'app') return { header: { typ: 'JWT' }, claims: { ...common, ...client, oid, sub: oid, idtyp: 'app', roles: ['Orders.Read.All'] } };
  const delegated = {
    ...common,
    ...client,
    oid,
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    name: 'Jane Doe',
    preferred_username: 'jane@contoso.com',
    scp: 'Orders.Read Orders.Write',
  };
  // Graph tokens: a nonce in the header (signed over its hash, so only Graph can verify them) and Graph's audience.
  if (kind === 'graph')
    return {
      header: { typ: 'JWT', nonce: 'pW4Jj8lJ0G5y0ZbW2dTgk2d5ogVn8ex7e3w5ISLm8zs' },
      claims: { ...delegated, aud: GRAPH_AUDIENCE, scp: 'User.Read' },
    };
  return { header: { typ: 'JWT' }, claims: delegated };
}
