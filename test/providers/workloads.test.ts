import { describe, expect, it } from 'vitest';
import { providers } from '@authgate/core';
import { expectAccepted, expectRefused, withProvider } from './harness.js';

describe('providers.githubActions through Express and Fastify', () => {
  const suite = withProvider('githubActions', { audience: 'https://github.com/authgate', repository: 'authgate/example' }, (idp) => ({
    ...providers.githubActions({ audience: 'https://github.com/authgate', owner: 'authgate', repository: 'authgate/example' }),
    ...idp.local,
  }));

  it('accepts a workflow token of the repository, as a client (a workload)', async () => {
    await expectAccepted(suite.apps, await suite.idp.token(), {
      subject: 'repo:authgate/example:ref:refs/heads/main',
      scopes: [],
      roles: [],
      clientId: undefined,
      kind: 'client',
    });
  });

  it('refuses a workflow of another repository or owner', async () => {
    await expectRefused(
      suite.apps,
      await suite.idp.token({ repository: 'authgate/other', sub: 'repo:authgate/other:ref:refs/heads/main' }),
      'claim_mismatch',
    );
    await expectRefused(suite.apps, await suite.idp.token({ repository: 'mallory/example', repository_owner: 'mallory' }), 'claim_mismatch');
  });

  it('validates its arguments', () => {
    expect(() => providers.githubActions({ audience: 'a', owner: 'acme', repository: 'other/repo' })).toThrow(/not owned by/);
    expect(() => providers.githubActions({ audience: 'a', repository: 'just-a-name' })).toThrow(/owner\/name/);
  });
});

describe('providers.kubernetes through Express and Fastify', () => {
  const suite = withProvider('kubernetes', { audience: 'orders-api' }, (idp) => ({
    ...providers.kubernetes({ issuer: idp.issuer, audience: 'orders-api' }),
    ...idp.local,
  }));

  it('accepts a projected service-account token, as a client (a workload)', async () => {
    await expectAccepted(suite.apps, await suite.idp.token(), {
      subject: 'system:serviceaccount:orders:orders-worker',
      scopes: [],
      roles: [],
      clientId: undefined,
      kind: 'client',
    });
  });

  it('refuses a subject that is not a service account, and another audience', async () => {
    await expectRefused(suite.apps, await suite.idp.token({ sub: 'jane' }), 'claim_mismatch');
    await expectRefused(suite.apps, await suite.idp.token({ aud: ['vault'] }), 'audience_mismatch');
  });

  it('takes an explicit jwksUri under the URL policy', () => {
    expect(() => providers.kubernetes({ issuer: 'https://k8s.example', audience: 'a', jwksUri: 'http://10.0.0.1/openid/v1/jwks' })).toThrow(/http:/);
  });
});
