import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import {
  AuthConfigError,
  createHmacNonce,
  createIdentityForwarder,
  createMemoryRevocationList,
  createRequestAuthenticator,
  createTokenExchange,
  createVerifier,
  providers,
  type VerifierOptions,
} from '@authgate/core';
import { jwtAuth } from '@authgate/express';
import authgate from '@authgate/fastify';
import { createRedisRevocationList } from '@authgate/redis';
import { createGateway, type GatewayConfig } from '@authgate/gateway';
import { identitySigningKey } from './helpers/identity-key.js';

// Every options object authgate takes, each with a misspelled key: start-up fails naming the wrong key and the right
// one. The verifier's own top-level, issuer, jwksOptions and cache typos are in packages/core/test/option-names.test.ts.

const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k', use: 'sig' }] };
const base: VerifierOptions = { issuer: 'https://idp.example.com/', audience: 'api', algorithms: ['EdDSA'], jwks, logger: false };
const client = { clientId: 'api', clientSecret: 'secret' };
const signingKey = identitySigningKey('k1');
const gatewayBase: GatewayConfig = { verifier: base, logLevel: 'silent' };

/** Runs a set-up step; returns the `AuthConfigError`'s message (closing whatever was built if nothing was thrown). */
async function refusal(setUp: () => unknown): Promise<string> {
  let built: unknown;
  try {
    built = await setUp();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as Error).message;
  }
  await (built as { close?: () => unknown } | undefined)?.close?.();
  throw new Error('the options were accepted');
}

function withVerifier(options: Partial<VerifierOptions>): () => unknown {
  return () => createVerifier({ ...base, ...options } as VerifierOptions);
}

function withAuthenticator(options: Record<string, unknown>): () => unknown {
  return () => createRequestAuthenticator(createVerifier(base), options);
}

const typos: Array<[string, () => unknown, string]> = [
  // core: the verifier's nested options
  [
    'introspection',
    withVerifier({ introspection: { ...client, endpoint: 'https://idp.example.com/introspect', timout: 2 } as never }),
    'unknown option introspection.timout: did you mean introspection.timeout?',
  ],
  [
    'introspection client credentials',
    withVerifier({ introspection: { clientId: 'api', clientSecert: 's' } as never }),
    'unknown option introspection.clientSecert: did you mean introspection.clientSecret?',
  ],
  [
    'introspection.cache',
    withVerifier({ introspection: { ...client, cache: { maxTTL: 5 } } as never }),
    'unknown option introspection.cache.maxTTL: did you mean introspection.cache.maxTtl?',
  ],
  [
    'decryption',
    withVerifier({ decryption: { keys: [], keyManagementAlgorithm: ['RSA-OAEP-256'] } as never }),
    'unknown option decryption.keyManagementAlgorithm: did you mean decryption.keyManagementAlgorithms?',
  ],
  // core: the request authenticator's (every adapter's) binding options
  ['createRequestAuthenticator', withAuthenticator({ optinal: true }), 'unknown option optinal: did you mean optional?'],
  ['dpop', withAuthenticator({ dpop: { iatWindw: 30 } }), 'unknown option dpop.iatWindw: did you mean dpop.iatWindow?'],
  ['mtls', withAuthenticator({ mtls: { certifcate: 'socket' } }), 'unknown option mtls.certifcate: did you mean mtls.certificate?'],
  [
    'mtls.certificate',
    withAuthenticator({ mtls: { certificate: { header: 'x-ssl-client-cert', trustedProxy: ['10.0.0.0/8'] } } }),
    'unknown option mtls.certificate.trustedProxy: did you mean mtls.certificate.trustedProxies?',
  ],
  ['createHmacNonce', () => createHmacNonce({ lifetme: 60 } as never), 'createHmacNonce: unknown option lifetme: did you mean lifetime?'],
  // token exchange
  [
    'tokenExchange',
    () => createTokenExchange({ ...client, issuer: 'https://idp.example.com/', subjectTokenTyp: 'x' } as never),
    'unknown option tokenExchange.subjectTokenTyp: did you mean tokenExchange.subjectTokenType?',
  ],
  [
    'tokenExchange.cache',
    () => createTokenExchange({ ...client, issuer: 'https://idp.example.com/', cache: { refreshBefor: 5 } } as never),
    'unknown option tokenExchange.cache.refreshBefor: did you mean tokenExchange.cache.refreshBefore?',
  ],
  [
    'tokenExchange through an adapter',
    () => jwtAuth({ ...base, tokenExchange: { ...client, tokenEndpoint: 'https://idp.example.com/token', timeot: 2 } } as never),
    'unknown option tokenExchange.timeot: did you mean tokenExchange.timeout?',
  ],
  // workload: its own key, and the workload verifier's options at every level
  [
    'workload',
    () => jwtAuth({ ...base, workload: { ...base, headr: 'x-svid' } } as never),
    'unknown option workload.headr: did you mean workload.header?',
  ],
  [
    'workload verifier',
    () => jwtAuth({ ...base, workload: { ...base, clockTolerence: 5 } } as never),
    'unknown option workload.clockTolerence: did you mean workload.clockTolerance?',
  ],
  [
    'workload verifier, nested',
    () => Fastify().register(authgate, { ...base, workload: { ...base, jwksOptions: { timout: 1 } } } as never),
    'unknown option workload.jwksOptions.timout: did you mean workload.jwksOptions.timeout?',
  ],
  // identity forwarding
  [
    'forwardIdentity',
    () => createIdentityForwarder({ header: { 'x-user-id': false } } as never),
    'unknown option forwardIdentity.header: did you mean forwardIdentity.headers?',
  ],
  [
    'forwardIdentity.sign',
    () => createIdentityForwarder({ sign: { key: signingKey, issuer: 'gw', audiences: 'svc' } } as never),
    'unknown option forwardIdentity.sign.audiences: did you mean forwardIdentity.sign.audience?',
  ],
  [
    'forwardIdentity through an adapter',
    () => Fastify().register(authgate, { ...base, forwardIdentity: { tokn: 'strip' } } as never),
    'unknown option forwardIdentity.tokn: did you mean forwardIdentity.token?',
  ],
  // revocation lists
  [
    'createMemoryRevocationList',
    () => createMemoryRevocationList({ maxEntires: 10 } as never),
    'createMemoryRevocationList: unknown option maxEntires: did you mean maxEntries?',
  ],
  [
    'createRedisRevocationList',
    () => createRedisRevocationList({ redis: 'redis://127.0.0.1:1', keyPrefx: 'x:' } as never),
    'createRedisRevocationList: unknown option keyPrefx: did you mean keyPrefix?',
  ],
  [
    'createRedisRevocationList failMode',
    () => createRedisRevocationList({ redis: 'redis://127.0.0.1:1', failmode: 'closed' } as never),
    'createRedisRevocationList: unknown option failmode: did you mean failMode?',
  ],
  // the gateway's config, every level
  ['gateway', () => createGateway({ ...gatewayBase, logLevl: 'silent' } as never), 'config unknown option logLevl: did you mean logLevel?'],
  [
    'gateway rules',
    () => createGateway({ ...gatewayBase, rules: [{ path: '/a', auth: 'required', metods: ['GET'] }] } as never),
    'config unknown option rules[0].metods: did you mean rules[0].methods?',
  ],
  [
    'gateway verifier',
    () => createGateway({ ...gatewayBase, verifier: { ...base, clockTolerence: 5 } } as never),
    'config verifier: unknown option clockTolerence: did you mean clockTolerance?',
  ],
  [
    'gateway preset arguments',
    () => createGateway({ ...gatewayBase, verifier: { provider: 'okta', isuer: 'https://acme.okta.com/oauth2/default', audience: 'api' } }),
    'config unknown option verifier.isuer: did you mean verifier.issuer?',
  ],
  [
    'gateway preset name',
    () => createGateway({ ...gatewayBase, verifier: { provider: 'keycloack', issuer: 'https://sso.example.com/realms/a', clientId: 'api' } }),
    'is not a preset (auth0, okta, entra, keycloak, cognito, google, firebase, githubActions, kubernetes, awsAlb, spiffe): did you mean keycloak?',
  ],
  [
    'gateway forwardIdentity',
    () => createGateway({ ...gatewayBase, forwardIdentity: { sign: { key: signingKey, issuer: 'gw', audience: 's', tll: 30 } } } as never),
    'config forwardIdentity: unknown option forwardIdentity.sign.tll: did you mean forwardIdentity.sign.ttl?',
  ],
  // every preset's arguments
  [
    'providers.okta',
    () => providers.okta({ isuer: 'https://acme.okta.com/oauth2/default', audience: 'api' } as never),
    'providers.okta: unknown option isuer: did you mean issuer?',
  ],
  [
    'providers.auth0',
    () => providers.auth0({ domian: 'acme.eu.auth0.com', audience: 'api' } as never),
    'providers.auth0: unknown option domian: did you mean domain?',
  ],
  [
    'providers.entra',
    () => providers.entra({ tenantId: 'x', audience: 'api' } as never),
    'providers.entra: unknown option tenantId: did you mean tenant?',
  ],
  [
    'providers.keycloak',
    () => providers.keycloak({ issuer: 'https://sso.example.com/realms/a', clientID: 'api' } as never),
    'providers.keycloak: unknown option clientID: did you mean clientId?',
  ],
  [
    'providers.cognito',
    () => providers.cognito({ region: 'eu-west-1', userPoolID: 'eu-west-1_A', clientId: 'c', tokenUse: 'access' } as never),
    'providers.cognito: unknown option userPoolID: did you mean userPoolId?',
  ],
  [
    'providers.google',
    () => providers.google({ audience: 'api', hostedDomian: 'example.com' } as never),
    'providers.google: unknown option hostedDomian: did you mean hostedDomain?',
  ],
  [
    'providers.firebase',
    () => providers.firebase({ projectID: 'my-project' } as never),
    'providers.firebase: unknown option projectID: did you mean projectId?',
  ],
  [
    'providers.githubActions',
    () => providers.githubActions({ audience: 'a', repositry: 'acme/deploy' } as never),
    'providers.githubActions: unknown option repositry: did you mean repository?',
  ],
  [
    'providers.kubernetes',
    () => providers.kubernetes({ issuer: 'https://k8s.example', audience: 'a', jwksUrl: 'https://k8s.example/jwks' } as never),
    'providers.kubernetes: unknown option jwksUrl: did you mean jwksUri?',
  ],
  [
    'providers.awsAlb',
    () => providers.awsAlb({ region: 'eu-west-1', albArm: 'arn' } as never),
    'providers.awsAlb: unknown option albArm: did you mean albArn?',
  ],
  [
    'providers.spiffe',
    () => providers.spiffe({ trustDomian: 'example.org', audience: 'a', bundle: jwks } as never),
    'providers.spiffe: unknown option trustDomian: did you mean trustDomain?',
  ],
];

describe('a misspelled key in any options object fails start-up, naming it and the key it meant', () => {
  it.each(typos)('%s', async (_name, setUp, message) => {
    expect(await refusal(setUp)).toContain(message);
  });
});

describe('a value of the wrong type says what was expected', () => {
  it.each<[string, () => unknown, string]>([
    [
      'introspection.cache',
      withVerifier({ introspection: { ...client, cache: true } as never }),
      'introspection.cache must be an object ({ maxTtl, negativeTtl, maxEntries, hashKey }) or false to turn it off (got a boolean)',
    ],
    [
      'introspection.requireAudience',
      withVerifier({ introspection: { ...client, requireAudience: 'no' } as never }),
      'must be true or false (got a string)',
    ],
    [
      'decryption.keys',
      withVerifier({ decryption: { keys: 'k' } as never }),
      'decryption.keys must be an array of at least one private key (got a string)',
    ],
    ['dpop', withAuthenticator({ dpop: 'required' }), "dpop must be an object, e.g. { mode: 'allowed' } (got a string)"],
    ['dpop.algorithms', withAuthenticator({ dpop: { algorithms: 'ES256' } }), 'dpop.algorithms must be an array of algorithm names'],
    [
      'tokenExchange.allowInsecureHttp',
      () => createTokenExchange({ ...client, issuer: 'https://idp.example.com/', allowInsecureHttp: 'yes' } as never),
      'tokenExchange.allowInsecureHttp must be true or false (got a string)',
    ],
    [
      'revocation maxEntries',
      () => createMemoryRevocationList({ maxEntries: '10' } as never),
      'maxEntries must be a positive integer (got a string)',
    ],
    [
      'redis maxStaleness',
      () => createRedisRevocationList({ redis: 'redis://127.0.0.1:1', maxStaleness: '60' } as never),
      'maxStaleness must be a finite number of seconds, not negative (got a string)',
    ],
    [
      'workload verifier algorithms',
      () => jwtAuth({ ...base, workload: { ...base, algorithms: 'EdDSA' } } as never),
      'workload.algorithms must be an array',
    ],
  ])('%s', async (_name, setUp, message) => {
    expect(await refusal(setUp)).toContain(message);
  });

  it('never prints a wrong string value (it may be a secret)', async () => {
    expect(await refusal(() => createMemoryRevocationList({ maxEntries: 'secret-value-123' } as never))).not.toContain('secret-value-123');
  });
});
