import { describe, expect, it } from 'vitest';
import { providers } from '@authgate/express';
import { expectAccepted, expectRefused, withProvider } from './harness.js';

describe('providers.okta through Express and Fastify', () => {
  const suite = withProvider('okta', { audience: 'api://default' }, (idp) => ({
    ...providers.okta({ issuer: idp.issuer, audience: 'api://default' }),
    ...idp.local,
  }));

  it('accepts a custom authorization server token: scp array, cid, groups', async () => {
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'jane@example.com' }), {
      subject: 'jane@example.com',
      scopes: ['openid', 'orders.read'],
      roles: ['Everyone', 'orders-admins'],
      clientId: suite.idp.settings.clientId,
    });
  });

  it('identity.kind: a user token carries uid; a client-credentials token has none', async () => {
    const { clientId } = suite.idp.settings;
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'jane@example.com' }), {
      subject: 'jane@example.com',
      scopes: ['openid', 'orders.read'],
      roles: ['Everyone', 'orders-admins'],
      clientId,
      kind: 'user',
    });
    // Client credentials, as Okta issues them: sub is the client id, no uid, no groups.
    const client = { uid: undefined, groups: undefined, scp: ['orders.read'] };
    await expectAccepted(suite.apps, await suite.idp.token({ ...client, sub: clientId }), {
      subject: clientId,
      scopes: ['orders.read'],
      roles: [],
      clientId,
      kind: 'client',
    });
    // A sub that is not the client id (a customised sub claim): only the missing uid tells.
    await expectAccepted(suite.apps, await suite.idp.token({ ...client, sub: 'nightly-import' }), {
      subject: 'nightly-import',
      scopes: ['orders.read'],
      roles: [],
      clientId,
      kind: 'client',
    });
  });

  it('refuses a token of the org authorization server, and another audience', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ iss: 'https://authgate-test.okta.com' }), 'issuer_not_allowed');
    await expectRefused(suite.apps, await suite.idp.token({ aud: 'api://other' }), 'audience_mismatch');
  });

  it('refuses an org authorization server issuer at start-up, saying why', () => {
    expect(() => providers.okta({ issuer: 'https://acme.okta.com', audience: 'api://default' })).toThrow(/org authorization server/);
    expect(() => providers.okta({ issuer: 'https://acme.okta.com/oauth2/default/extra', audience: 'api://default' })).toThrow(
      /custom authorization server/,
    );
  });
});

describe('providers.auth0 through Express and Fastify', () => {
  const suite = withProvider('auth0', { audience: 'https://orders.example.com' }, (idp) => ({
    ...providers.auth0({ domain: idp.settings.domain, audience: 'https://orders.example.com' }),
    ...idp.local,
  }));

  it('accepts a token with scopes from scope and the RBAC permissions array', async () => {
    expect(suite.idp.issuer).toBe(`https://${suite.idp.settings.domain}/`);
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'auth0|1' }), {
      subject: 'auth0|1',
      scopes: ['openid', 'profile', 'orders:read', 'orders:write'],
      roles: [],
      clientId: suite.idp.settings.clientId,
    });
  });

  it('refuses the issuer without its trailing slash, and another audience', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ iss: `https://${suite.idp.settings.domain}` }), 'issuer_not_allowed');
    await expectRefused(suite.apps, await suite.idp.token({ aud: 'https://billing.example.com' }), 'audience_mismatch');
  });

  it('derives issuer and JWKS from the domain, and validates its arguments', () => {
    const preset = providers.auth0({ domain: 'acme.eu.auth0.com', audience: 'a' });
    expect(preset).toMatchObject({
      issuer: 'https://acme.eu.auth0.com/',
      jwksUri: 'https://acme.eu.auth0.com/.well-known/jwks.json',
      algorithms: ['RS256'],
    });
    expect(() => providers.auth0({ domain: 'https://acme.eu.auth0.com', audience: 'a' })).toThrow(/bare host name/);
    expect(() => providers.auth0({ issuer: 'https://acme.eu.auth0.com', audience: 'a' })).toThrow(/must end with "\/"/);
    expect(() => providers.auth0({ audience: 'a' })).toThrow(/either domain or issuer/);
  });
});
