import { describe, expect, it } from 'vitest';
import { providers } from '@authgate/fastify';
import { expectAccepted, expectRefused, withProvider } from './harness.js';

describe('providers.google through Express and Fastify', () => {
  const audience = 'https://orders-abc123-ew.a.run.app';
  const suite = withProvider('google', { audience, hostedDomain: 'example.com' }, (idp) => ({
    ...providers.google({ audience, hostedDomain: 'example.com' }),
    ...idp.local,
  }));

  it('accepts ID tokens under both issuer spellings, from one key set', async () => {
    const expected = { subject: '110169484474386276334', scopes: [], roles: [], clientId: '1234567890-abc.apps.googleusercontent.com' };
    await expectAccepted(suite.apps, await suite.idp.token(), expected);
    await expectAccepted(suite.apps, await suite.idp.token({ iss: 'accounts.google.com' }), expected);
  });

  it('refuses another hosted domain, a token without hd, and another audience', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ hd: 'evil.example' }), 'claim_mismatch');
    await expectRefused(suite.apps, await suite.idp.token({ hd: undefined }), 'claim_mismatch');
    await expectRefused(suite.apps, await suite.idp.token({ aud: 'https://other.a.run.app' }), 'audience_mismatch');
  });
});

describe('providers.firebase through Express and Fastify', () => {
  const suite = withProvider('firebase', { projectId: 'orders-prod' }, (idp) => ({
    ...providers.firebase({ projectId: 'orders-prod' }),
    ...idp.local,
  }));

  it('accepts an ID token of the project', async () => {
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'Kx3v', user_id: 'Kx3v' }), {
      subject: 'Kx3v',
      scopes: [],
      roles: [],
      clientId: undefined,
    });
  });

  it('refuses a token of another project', async () => {
    await expectRefused(
      suite.apps,
      await suite.idp.token({ iss: 'https://securetoken.google.com/other-project', aud: 'other-project' }),
      'issuer_not_allowed',
    );
    await expectRefused(suite.apps, await suite.idp.token({ aud: 'other-project' }), 'audience_mismatch');
  });

  it('refuses an empty sub and an auth_time in the future', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ sub: '' }), 'claim_mismatch');
    await expectRefused(suite.apps, await suite.idp.token({ auth_time: Math.floor(Date.now() / 1000) + 3600 }), 'claim_mismatch');
    await expectRefused(suite.apps, await suite.idp.token({ auth_time: undefined }), 'claim_missing');
  });

  it('validates its arguments', () => {
    expect(() => providers.firebase({ projectId: 'My Project' })).toThrow(/project id/);
  });
});
