import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuthConfigError, providers, providerVariables, verifierOptionsFromEnv, type ProviderName } from '@authgate/core';

// AUTHGATE_PROVIDER without any HTTP: how variables become a preset's arguments. Through both adapters over HTTP:
// packages/{express,fastify}/test/env-and-option-names.test.ts and test/providers/from-env.test.ts.

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function fromEnv(env: NodeJS.ProcessEnv, explicit: Record<string, unknown> = {}): Record<string, unknown> {
  return verifierOptionsFromEnv(explicit, env) as Record<string, unknown>;
}

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    fromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('AUTHGATE_PROVIDER: variables become the preset arguments', () => {
  it('gives exactly what the preset gives for the same arguments, lists split on commas', () => {
    const env = {
      AUTHGATE_PROVIDER: 'okta',
      AUTHGATE_OKTA_ISSUER: 'https://acme.okta.com/oauth2/default',
      AUTHGATE_OKTA_AUDIENCE: 'api://default, api://orders',
    };
    expect(fromEnv(env)).toEqual(providers.okta({ issuer: 'https://acme.okta.com/oauth2/default', audience: ['api://default', 'api://orders'] }));
  });

  it.each(['github-actions', 'GITHUB_ACTIONS', 'githubactions', 'githubActions'])('reads %s as githubActions', (spelling) => {
    const options = fromEnv({ AUTHGATE_PROVIDER: spelling, AUTHGATE_GITHUB_ACTIONS_AUDIENCE: 'https://github.com/acme' });
    expect(options.issuer).toBe('https://token.actions.githubusercontent.com');
  });

  it('parses numbers, booleans, a lone * and JSON by the argument type', () => {
    const entra = fromEnv({
      AUTHGATE_PROVIDER: 'entra',
      AUTHGATE_ENTRA_TENANT: 'common',
      AUTHGATE_ENTRA_AUDIENCE: 'api://orders',
      AUTHGATE_ENTRA_VERSION: '1',
      AUTHGATE_ENTRA_ALLOWED_TENANTS: '*',
      AUTHGATE_ENTRA_ALLOW_INSECURE_HTTP: 'true',
    });
    expect(entra).toEqual(providers.entra({ tenant: 'common', audience: 'api://orders', version: 1, allowedTenants: '*', allowInsecureHttp: true }));
    const bundle = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k', use: 'jwt-svid' }] };
    const spiffe = fromEnv({
      AUTHGATE_PROVIDER: 'spiffe',
      AUTHGATE_SPIFFE_TRUST_DOMAIN: 'example.org',
      AUTHGATE_SPIFFE_AUDIENCE: 'orders',
      AUTHGATE_SPIFFE_BUNDLE: JSON.stringify(bundle),
    });
    expect(spiffe.jwks).toEqual(bundle);
  });

  it('leaves out the preset key source when explicit options bring their own; other explicit keys are spread after', () => {
    const env = { AUTHGATE_PROVIDER: 'auth0', AUTHGATE_AUTH0_DOMAIN: 'acme.eu.auth0.com', AUTHGATE_AUTH0_AUDIENCE: 'orders' };
    expect(fromEnv(env).jwksUri).toBe('https://acme.eu.auth0.com/.well-known/jwks.json');
    expect(fromEnv(env, { jwks: { keys: [] } }).jwksUri).toBeUndefined();
    expect(fromEnv(env, { jwks: { keys: [] } }).issuer).toBe('https://acme.eu.auth0.com/');
  });
});

describe('AUTHGATE_PROVIDER: every failure names the variable', () => {
  it.each<[string, NodeJS.ProcessEnv, string | RegExp]>([
    [
      'an unknown preset',
      { AUTHGATE_PROVIDER: 'oktaa' },
      /AUTHGATE_PROVIDER "oktaa" is not a provider preset: did you mean okta\? \(known: auth0, okta, /,
    ],
    [
      'a missing argument',
      { AUTHGATE_PROVIDER: 'cognito', AUTHGATE_COGNITO_REGION: 'eu-west-1' },
      'needs AUTHGATE_COGNITO_USER_POOL_ID and AUTHGATE_COGNITO_CLIENT_ID and AUTHGATE_COGNITO_TOKEN_USE',
    ],
    [
      'a misspelled variable',
      { AUTHGATE_PROVIDER: 'keycloak', AUTHGATE_KEYCLOAK_ISSUER: 'https://sso.example.com/realms/a', AUTHGATE_KEYCLOAK_CLIENTID: 'x' },
      'AUTHGATE_KEYCLOAK_CLIENTID is not an argument of the keycloak preset: did you mean AUTHGATE_KEYCLOAK_CLIENT_ID?',
    ],
    [
      'a boolean that is not true or false',
      { AUTHGATE_PROVIDER: 'google', AUTHGATE_GOOGLE_AUDIENCE: 'a', AUTHGATE_GOOGLE_ALLOW_INSECURE_HTTP: 'yes' },
      'AUTHGATE_GOOGLE_ALLOW_INSECURE_HTTP must be true or false (got "yes")',
    ],
    [
      'a number that is not one',
      { AUTHGATE_PROVIDER: 'entra', AUTHGATE_ENTRA_TENANT: TENANT, AUTHGATE_ENTRA_AUDIENCE: 'a', AUTHGATE_ENTRA_VERSION: 'v2' },
      'AUTHGATE_ENTRA_VERSION must be a number',
    ],
    [
      'JSON that is not JSON',
      { AUTHGATE_PROVIDER: 'spiffe', AUTHGATE_SPIFFE_TRUST_DOMAIN: 'example.org', AUTHGATE_SPIFFE_AUDIENCE: 'a', AUTHGATE_SPIFFE_BUNDLE: '{keys' },
      'AUTHGATE_SPIFFE_BUNDLE must be JSON',
    ],
    [
      'what the preset refuses, with the variables it concerns',
      { AUTHGATE_PROVIDER: 'keycloak', AUTHGATE_KEYCLOAK_ISSUER: 'https://sso.example.com/realms/a' },
      /AUTHGATE_PROVIDER=keycloak: providers\.keycloak: give clientId .* \(from AUTHGATE_KEYCLOAK_AUDIENCE, AUTHGATE_KEYCLOAK_CLIENT_ID\)$/,
    ],
    [
      'a basic variable beside it',
      { AUTHGATE_PROVIDER: 'google', AUTHGATE_GOOGLE_AUDIENCE: 'a', AUTHGATE_ISSUER: 'https://idp.example.com/' },
      'AUTHGATE_ISSUER is set beside AUTHGATE_PROVIDER',
    ],
  ])('%s', (_name, env, message) => {
    const text = refusal(env);
    if (typeof message === 'string') expect(text).toContain(message);
    else expect(text).toMatch(message);
    expect(text.startsWith('authgate: ')).toBe(true);
  });

  it('never prints a string argument (it may be a secret)', () => {
    expect(
      refusal({ AUTHGATE_PROVIDER: 'firebase', AUTHGATE_FIREBASE_PROJECT_ID: 'x', AUTHGATE_FIREBASE_PROJECT: 'secret-value-123' }),
    ).not.toContain('secret-value-123');
  });
});

describe('the READMEs list exactly the variables the presets declare', () => {
  const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

  it.each(['../README.md', '../../../README.md'])('%s', (path) => {
    const text = readFileSync(new URL(path, import.meta.url), 'utf8');
    for (const name of Object.keys(providers) as ProviderName[]) {
      const spelled = kebab(name) === name ? `\`${name}\`` : `\`${name}\` / \`${kebab(name)}\``;
      const row = text.split('\n').find((line) => line.startsWith(`| ${spelled} `) && line.includes('AUTHGATE_'));
      expect(row, `${path}: the row of ${name}`).toBeDefined();
      const [, required, optional] = (row as string).split('|').slice(1, 4);
      const names = (cell: string | undefined): string[] => [...(cell ?? '').matchAll(/`(AUTHGATE_[A-Z0-9_]+)`/g)].map((match) => match[1] as string);
      const variables = providerVariables(name);
      expect(names(required), `${path}: ${name} required`).toEqual(variables.filter((entry) => entry.required).map((entry) => entry.variable));
      expect(names(optional), `${path}: ${name} optional`).toEqual(variables.filter((entry) => !entry.required).map((entry) => entry.variable));
    }
  });
});
