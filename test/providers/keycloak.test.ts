import { describe, expect, it } from 'vitest';
import { providers } from '@authgate/core';
import { expectAccepted, expectRefused, serveBoth, withProvider } from './harness.js';

describe('providers.keycloak through Express and Fastify', () => {
  const suite = withProvider('keycloak', { clientId: 'orders-api' }, (idp) => ({
    ...providers.keycloak({ issuer: idp.issuer, clientId: 'orders-api' }),
    ...idp.local,
  }));

  const realmRoles = ['offline_access', 'uma_authorization', 'orders-user'];

  it('accepts a default access token (aud "account") checked by azp, with realm roles plus this client\'s roles', async () => {
    const jwks = (await (await fetch((suite.idp.local as { jwksUri: string }).jwksUri)).json()) as { keys: Array<{ use: string }> };
    expect(jwks.keys.map((key) => key.use).sort()).toEqual(['enc', 'sig']);
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'kc-user' }), {
      subject: 'kc-user',
      scopes: ['openid', 'profile', 'email'],
      roles: [...realmRoles, 'orders-admin'],
      clientId: 'orders-api',
    });
  });

  it('does not grant a role of another client', async () => {
    const token = await suite.idp.token({
      sub: 'kc-user',
      resource_access: { 'billing-api': { roles: ['orders-admin'] }, account: { roles: ['manage-account'] } },
    });
    await expectAccepted(suite.apps, token, {
      subject: 'kc-user',
      scopes: ['openid', 'profile', 'email'],
      roles: realmRoles,
      clientId: 'orders-api',
    });
  });

  it('refuses a token issued to another client (azp)', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ azp: 'billing-api' }), 'claim_mismatch');
  });

  it('never verifies with the use: enc key of the same JWKS', async () => {
    await expectRefused(suite.apps, await suite.idp.token({}, { kid: suite.idp.encryptionKid as string }), 'unknown_key');
  });

  it('with audience and clientId both, checks both', async () => {
    const both = await serveBoth({
      ...providers.keycloak({ issuer: suite.idp.issuer, clientId: 'orders-api', audience: 'orders' }),
      ...suite.idp.local,
    });
    try {
      await expectRefused(both, await suite.idp.token(), 'audience_mismatch');
      await expectAccepted(both, await suite.idp.token({ sub: 's', aud: ['orders', 'account'] }), {
        subject: 's',
        scopes: ['openid', 'profile', 'email'],
        roles: [...realmRoles, 'orders-admin'],
        clientId: 'orders-api',
      });
      await expectRefused(both, await suite.idp.token({ aud: 'orders', azp: 'billing-api' }), 'claim_mismatch');
    } finally {
      await both.close();
    }
  });

  it('validates its arguments', () => {
    expect(() => providers.keycloak({ issuer: 'https://sso.example.com/realms/acme' })).toThrow(/give clientId/);
    expect(() => providers.keycloak({ issuer: 'https://sso.example.com/auth', clientId: 'x' })).toThrow(/realms/);
    expect(() => providers.keycloak({ issuer: 'http://sso.example.com/realms/acme', clientId: 'x' })).toThrow(/http: on a non-loopback host/);
    expect(providers.keycloak({ issuer: 'http://sso.example.com/realms/acme', clientId: 'x', allowInsecureHttp: true }).allowInsecureHttp).toBe(true);
  });
});
