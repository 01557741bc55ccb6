import { afterAll, describe, expect, it } from 'vitest';
import { expectAccepted, expectRefused, serveBoth, withProvider } from './harness.js';

// AUTHGATE_PROVIDER and AUTHGATE_<PRESET>_<ARGUMENT>: both adapters built from the environment (plus, where a local
// stand-in needs it, explicit options that win key by key), against provider-shaped tokens.

function clearEnv(): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('AUTHGATE_')) delete process.env[name];
}

/**
 * Sets exactly these AUTHGATE_* variables (the adapters read them while being built) and returns the explicit
 * options, which leave out what the environment gives (hence the cast: the options type wants it given).
 */
function fromEnv(variables: Record<string, string>, explicit: Record<string, unknown>): Parameters<typeof serveBoth>[0] {
  clearEnv();
  Object.assign(process.env, variables);
  return explicit as unknown as Parameters<typeof serveBoth>[0];
}

afterAll(clearEnv);

describe('AUTHGATE_PROVIDER=keycloak through Express and Fastify', () => {
  const suite = withProvider('keycloak', { clientId: 'orders-api' }, (idp) =>
    fromEnv(
      { AUTHGATE_PROVIDER: 'keycloak', AUTHGATE_KEYCLOAK_ISSUER: idp.issuer, AUTHGATE_KEYCLOAK_CLIENT_ID: 'orders-api' },
      // Keycloak keys come by discovery; the stand-in serves its JWKS only, so an explicit key source replaces it.
      idp.local,
    ),
  );

  it("accepts the realm's token checked by azp, with the preset's roles", async () => {
    await expectAccepted(suite.apps, await suite.idp.token({ sub: 'kc-user' }), {
      subject: 'kc-user',
      scopes: ['openid', 'profile', 'email'],
      roles: ['offline_access', 'uma_authorization', 'orders-user', 'orders-admin'],
      clientId: 'orders-api',
    });
  });

  it("refuses another client's token and another realm's", async () => {
    await expectRefused(suite.apps, await suite.idp.token({ azp: 'billing-api' }), 'claim_mismatch');
    await expectRefused(suite.apps, await suite.idp.token({ iss: 'https://sso.example.com/realms/other' }), 'issuer_not_allowed');
  });
});

describe('AUTHGATE_PROVIDER=aws-alb through Express and Fastify', () => {
  const HEADER = 'x-amzn-oidc-data';
  const suite = withProvider('awsAlb', { region: 'eu-west-1' }, (idp) =>
    fromEnv(
      { AUTHGATE_PROVIDER: 'aws-alb', AUTHGATE_AWS_ALB_REGION: idp.settings.region, AUTHGATE_AWS_ALB_ALB_ARN: idp.settings.albArn },
      // The stand-in's per-kid PEM keys replace the real ALB key endpoint.
      idp.local,
    ),
  );

  it('reads the token where the preset says (x-amzn-oidc-data), not Authorization', async () => {
    await expectAccepted(
      suite.apps,
      await suite.idp.token({ sub: 'alb-user' }),
      { subject: 'alb-user', scopes: [], roles: [], clientId: undefined },
      HEADER,
    );
    const { express, fastify } = await suite.apps.call(await suite.idp.token());
    expect([express.status, fastify.status]).toEqual([401, 401]);
  });

  it('refuses a token another load balancer signed', async () => {
    const other = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/someone-else/0123456789abcdef';
    await expectRefused(suite.apps, await suite.idp.token({}, { header: { signer: other } }), 'header_mismatch', HEADER);
  });
});
