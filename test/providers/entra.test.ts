import { describe, expect, it } from 'vitest';
import { AuthConfigError, providers as coreProviders } from '@authgate/core';
import { providers } from '@authgate/express';
import { createProviderIssuer } from '@authgate/testing';
import { expectAccepted, expectRefused, serveBoth, withProvider } from './harness.js';

const OTHER_TENANT = '0d2f6a3c-1b4e-4c5d-9e8f-a0b1c2d3e4f5';
const THIRD_TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

describe('providers.entra (single tenant, v2) through Express and Fastify', () => {
  const suite = withProvider('entra', {}, ({ settings: { tenant, audience }, local }) => ({ ...providers.entra({ tenant, audience }), ...local }));

  it('is the same preset from core and from each adapter', () => {
    expect(providers).toBe(coreProviders);
  });

  it('accepts a delegated token (scp) and an app-only token (roles), with keys that carry no alg', async () => {
    const jwks = (await (await fetch((suite.idp.local as { jwksUri: string }).jwksUri)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.every((key) => key.alg === undefined && typeof key.issuer === 'string')).toBe(true);
    const { clientId } = suite.idp.settings;
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'user-sub-1' }), {
      subject: 'user-sub-1',
      scopes: ['Orders.Read', 'Orders.Write'],
      roles: [],
      clientId,
    });
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'app-oid-1' }, { kind: 'app' }), {
      subject: 'app-oid-1',
      scopes: [],
      roles: ['Orders.Read.All'],
      clientId,
    });
  });

  it('refuses a Microsoft Graph token (nonce header) with a reason that says so', async () => {
    await expectRefused(suite.apps, await suite.idp.token({}, { kind: 'graph' }), 'header_refused');
    // Even with this API's audience: the nonce alone marks it.
    await expectRefused(suite.apps, await suite.idp.token({ aud: suite.idp.settings.audience }, { kind: 'graph' }), 'header_refused');
  });

  it('refuses a token of another tenant', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ tid: OTHER_TENANT }), 'issuer_not_allowed');
  });

  it('validates its arguments', () => {
    expect(() => providers.entra({ tenant: 'contoso.onmicrosoft.com', audience: 'x' })).toThrow(/tenant id \(a GUID\)/);
    expect(() => providers.entra({ tenant: 'common', audience: 'x' })).toThrow(/allowedTenants/);
    expect(() => providers.entra({ tenant: 'common', audience: 'x', allowedTenants: ['acme'] })).toThrow(AuthConfigError);
    expect(() => providers.entra({ tenant: OTHER_TENANT, audience: 'x', allowedTenants: '*' })).toThrow(/only with tenant 'common'/);
    expect(() => providers.entra({ tenant: OTHER_TENANT, audience: 'x', version: 3 as 2 })).toThrow(/version/);
  });
});

describe('providers.entra v1 tokens', () => {
  it('reads the client from appid and the issuer from sts.windows.net', async () => {
    const idp = await createProviderIssuer('entra', { version: 1, audience: 'api://orders' });
    const { tenant, audience, clientId } = idp.settings;
    const apps = await serveBoth({ ...providers.entra({ tenant, audience, version: 1 }), ...idp.local });
    try {
      expect(idp.issuer).toBe(`https://sts.windows.net/${tenant}/`);
      await expectAccepted(apps, await idp.token({ sub: 'u1' }), { subject: 'u1', scopes: ['Orders.Read', 'Orders.Write'], roles: [], clientId });
      // A v2 token of the same tenant is not what a v1 API accepts.
      await expectRefused(apps, await idp.token({ iss: `https://login.microsoftonline.com/${tenant}/v2.0` }), 'issuer_not_allowed');
    } finally {
      await apps.close();
      await idp.close();
    }
  });
});

describe('providers.entra multi-tenant (common, {tenantid} keys)', () => {
  const suite = withProvider('entra', { multiTenant: true }, ({ settings: { tenant, audience }, local }) => ({
    ...providers.entra({ tenant: 'common', audience, allowedTenants: [tenant, OTHER_TENANT] }),
    ...local,
  }));

  it('accepts tokens of each allowed tenant (iss matched through the {tid} template)', async () => {
    const { clientId } = suite.idp.settings;
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'a' }), {
      subject: 'a',
      scopes: ['Orders.Read', 'Orders.Write'],
      roles: [],
      clientId,
    });
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'b', tid: OTHER_TENANT }), {
      subject: 'b',
      scopes: ['Orders.Read', 'Orders.Write'],
      roles: [],
      clientId,
    });
  });

  it('refuses a tenant not in allowedTenants', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ tid: THIRD_TENANT }), 'claim_mismatch');
  });

  it('refuses a token whose iss does not follow its own tid', async () => {
    await expectRefused(
      suite.apps,
      await suite.idp.token({ tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${suite.idp.settings.tenant}/v2.0` }),
      'issuer_not_allowed',
    );
  });

  it('refuses a token signed by a key whose issuer member names another tenant', async () => {
    const kid = await suite.idp.addKey({ issuer: `https://login.microsoftonline.com/${THIRD_TENANT}/v2.0` });
    await expectRefused(suite.apps, await suite.idp.token({ tid: OTHER_TENANT }, { kid }), 'issuer_not_allowed');
  });

  it("accepts any tenant only when told so explicitly (allowedTenants: '*')", async () => {
    const { audience, clientId } = suite.idp.settings;
    const open = await serveBoth({ ...providers.entra({ tenant: 'organizations', audience, allowedTenants: '*' }), ...suite.idp.local });
    try {
      await expectAccepted(open, await suite.idp.token({ sub: 'c', tid: THIRD_TENANT }), {
        subject: 'c',
        scopes: ['Orders.Read', 'Orders.Write'],
        roles: [],
        clientId,
      });
    } finally {
      await open.close();
    }
  });
});
