import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '@authgate/fastify';
import { expectAccepted, expectRefused, serveBoth, withProvider, type BothAdapters } from './harness.js';

describe('providers.cognito through Express and Fastify', () => {
  const suite = withProvider('cognito', {}, ({ settings: { region, userPoolId, clientId }, local }) => ({
    ...providers.cognito({ region, userPoolId, clientId, tokenUse: 'access' }),
    ...local,
  }));
  let idApps: BothAdapters;
  beforeAll(async () => {
    const { region, userPoolId, clientId } = suite.idp.settings;
    idApps = await serveBoth({
      ...providers.cognito({ region, userPoolId, clientId: ['other-client', clientId], tokenUse: 'id' }),
      ...suite.idp.local,
    });
  });
  afterAll(async () => idApps?.close());

  it('accepts an access token (no aud) whose kid holds + / =, with groups as roles', async () => {
    const token = await suite.idp.token({ sub: 'u-1' });
    const kid = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string;
    expect(kid).toMatch(/[+/=]/);
    const { clientId } = suite.idp.settings;
    await expectAccepted(suite.apps, token, {
      subject: 'u-1',
      scopes: ['orders/read', 'aws.cognito.signin.user.admin'],
      roles: ['admins'],
      clientId,
    });
  });

  it('accepts an id token on an id preset (aud is the client)', async () => {
    await expectAccepted(idApps, await suite.idp.token({ sub: 'u-2' }, { kind: 'id' }), {
      subject: 'u-2',
      scopes: [],
      roles: ['admins'],
      clientId: undefined,
    });
  });

  it('refuses an id token on an access preset, and an access token on an id preset', async () => {
    await expectRefused(suite.apps, await suite.idp.token({}, { kind: 'id' }), 'claim_mismatch');
    await expectRefused(idApps, await suite.idp.token(), 'claim_missing');
  });

  it('refuses an access token of another app client', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ client_id: 'someone-elses-client' }), 'claim_mismatch');
  });

  it('refuses a token of another user pool', async () => {
    const { region } = suite.idp.settings;
    await expectRefused(
      suite.apps,
      await suite.idp.token({ iss: `https://cognito-idp.${region}.amazonaws.com/${region}_Other1` }),
      'issuer_not_allowed',
    );
  });

  it('validates its arguments', () => {
    expect(() => providers.cognito({ region: 'eu-west-1', userPoolId: 'us-east-1_Abc', clientId: 'c', tokenUse: 'access' })).toThrow(
      /starts with its region/,
    );
    expect(() => providers.cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_Abc', clientId: [], tokenUse: 'access' })).toThrow(/clientId/);
    expect(() => providers.cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_Abc', clientId: 'c', tokenUse: 'refresh' as 'id' })).toThrow(
      /tokenUse/,
    );
  });
});
