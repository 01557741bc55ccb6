import { describe, expect, it } from 'vitest';
import { providers } from '@authgate/core';
import { expectAccepted, expectRefused, withProvider } from './harness.js';

const HEADER = 'x-amzn-oidc-data';

describe('providers.awsAlb through Express and Fastify', () => {
  const suite = withProvider('awsAlb', { region: 'eu-west-1' }, (idp) => ({
    ...providers.awsAlb({ region: idp.settings.region, albArn: idp.settings.albArn }),
    ...idp.local,
  }));

  it('accepts the padded ES256 token from x-amzn-oidc-data, with its key fetched as PEM once per kid', async () => {
    const token = await suite.idp.token({ sub: 'f3a1-user' });
    expect(token.split('.').every((segment) => segment.length % 4 === 0)).toBe(true);
    expect(token).toMatch(/=\./);
    const expected = { subject: 'f3a1-user', scopes: [], roles: [], clientId: undefined };
    await expectAccepted(suite.apps, token, expected, HEADER);
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'f3a1-user' }), expected, HEADER);
    // One fetch per verifier (one per adapter), then the cached key.
    expect(suite.idp.keyRequests).toBe(2);
  });

  it('refuses a token another load balancer signed (the signer header)', async () => {
    const other = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/someone-else/0123456789abcdef';
    await expectRefused(suite.apps, await suite.idp.token({}, { header: { signer: other } }), 'header_mismatch', HEADER);
  });

  it('refuses wrong padding, and padding stripped after signing (the signature covers the padded segments)', async () => {
    const token = await suite.idp.token();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    await expectRefused(suite.apps, `${header}=.${payload}.${signature}`, 'malformed_token', HEADER);
    const stripped = [header, payload, signature].map((part) => part.replace(/=+$/, '')).join('.');
    await expectRefused(suite.apps, stripped, 'signature_invalid', HEADER);
  });

  it('refuses an unknown kid (its PEM URL answers 404), and a kid that is not a plain identifier without a fetch', async () => {
    const before = suite.idp.keyRequests;
    await expectRefused(suite.apps, await suite.idp.token({}, { header: { kid: '0f9e8d7c-unknown' } }), 'unknown_key', HEADER);
    await expectRefused(suite.apps, await suite.idp.token({}, { header: { kid: '../../etc/passwd' } }), 'unknown_key', HEADER);
    expect(suite.idp.keyRequests).toBe(before);
  });

  it('refuses an expired token, and reads no Authorization header', async () => {
    await expectRefused(suite.apps, await suite.idp.token({}, { issuedAt: '-3h', expiresIn: '1h' }), 'token_expired', HEADER);
    const { express, fastify } = await suite.apps.call(await suite.idp.token());
    expect([express.status, fastify.status]).toEqual([401, 401]);
    expect(express.challenge).toBe('Bearer realm="api"');
  });

  it('validates its arguments', () => {
    expect(() =>
      providers.awsAlb({ region: 'eu-west-1', albArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/50dc6c495c0c9188' }),
    ).toThrow(/region us-east-1, not eu-west-1/);
    expect(() => providers.awsAlb({ region: 'eu-west-1', albArn: 'my-alb' })).toThrow(/Application Load Balancer ARN/);
    expect(() => providers.awsAlb({ region: 'Europe', albArn: 'x' })).toThrow(/AWS region/);
  });
});
