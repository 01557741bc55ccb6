/**
 * Sender-constrained tokens from a real authorization server (oidc-provider with `features.dpop` and
 * `features.mTLS.certificateBoundAccessTokens`) and a real client library (oauth4webapi, which makes its own DPoP
 * proofs), verified by authgate through both adapters over real HTTP and TLS.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCa, type TestCertificate } from '@authgate/testing';
import { generateSigningKey, startProvider, type RunningProvider } from '../helpers/oidc-provider.js';
import { FRAMEWORKS, send, startProtected, type ProtectedServer } from './servers.js';

const AUDIENCE = 'orders-api';
const RESOURCE = 'urn:authgate:orders';
const CLIENT = { id: 'orders-batch', secret: 'a-long-enough-client-secret-for-tests' };
const CERT_HEADER = 'x-test-client-cert';

let dpopProvider: RunningProvider;
let mtlsProvider: RunningProvider;
let ca: TestCa;
let serverCert: TestCertificate;
let alice: TestCertificate;
let mallory: TestCertificate;
const running: ProtectedServer[] = [];

beforeAll(async () => {
  const keys = [await generateSigningKey('ES256', 'es-1')];
  const resources = { [RESOURCE]: { audience: AUDIENCE, scope: 'orders:read', alg: 'ES256' as const } };
  dpopProvider = await startProvider({
    keys,
    resources,
    client: CLIENT,
    configure: (configuration) => {
      configuration.features = { ...configuration.features, dPoP: { enabled: true } };
    },
  });
  mtlsProvider = await startProvider({
    keys,
    resources,
    client: { ...CLIENT, metadata: { tls_client_certificate_bound_access_tokens: true } },
    configure: (configuration) => {
      configuration.features = {
        ...configuration.features,
        mTLS: {
          enabled: true,
          certificateBoundAccessTokens: true,
          // The token endpoint sits behind a TLS-terminating proxy here (the test), which forwards the certificate.
          getCertificate: (ctx) => {
            const value = ctx.get(CERT_HEADER);
            return value === '' ? undefined : decodeURIComponent(value);
          },
        },
      };
    },
  });
  ca = await createTestCa();
  [serverCert, alice, mallory] = await Promise.all([
    ca.issue({ commonName: 'api', serverNames: ['127.0.0.1'] }),
    ca.issue({ commonName: 'alice' }),
    ca.issue({ commonName: 'mallory' }),
  ]);
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
  await dpopProvider?.close();
  await mtlsProvider?.close();
  await ca?.close();
});

const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe.each(FRAMEWORKS)('%s: tokens from oidc-provider', (framework) => {
  it('DPoP: oauth4webapi gets a DPoP-bound token and calls the API with its own proofs; the same token as Bearer is refused', async () => {
    const api = await startProtected(framework, { issuer: dpopProvider.issuer, audience: AUDIENCE, algorithms: ['ES256'] });
    running.push(api);
    const issuerUrl = new URL(dpopProvider.issuer);
    const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, insecure));
    const client: oauth.Client = { client_id: CLIENT.id };
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, keyPair);
    const grant = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(CLIENT.secret),
      new URLSearchParams({ resource: RESOURCE, scope: 'orders:read' }),
      { DPoP, ...insecure },
    );
    const tokens = await oauth.processClientCredentialsResponse(as, client, grant);
    expect(tokens.token_type).toBe('dpop');
    const url = new URL('/protected', api.origin);
    for (let i = 0; i < 3; i += 1) {
      const response = await oauth.protectedResourceRequest(tokens.access_token, 'GET', url, undefined, undefined, { DPoP, ...insecure });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { confirmation: { jkt: string } };
      expect(body.confirmation.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    const posted = await oauth.protectedResourceRequest(tokens.access_token, 'POST', url, undefined, undefined, { DPoP, ...insecure });
    expect(posted.status).toBe(200);

    const asBearer = await send(api.origin, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token", .*DPoP realm="api", algs="/);

    // Another client key's proofs for the same token: refused.
    const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const stolen: unknown = await oauth
      .protectedResourceRequest(tokens.access_token, 'GET', url, undefined, undefined, { DPoP: thief, ...insecure })
      .catch((error: unknown) => error);
    // oauth4webapi reads our challenge itself: a DPoP challenge with invalid_token.
    expect(stolen).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = stolen as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause.find((c) => c.scheme === 'dpop')?.parameters.error).toBe('invalid_token');
    expect(challenge.cause.find((c) => c.scheme === 'dpop')?.parameters.algs).toBe('ES256 EdDSA RS256 PS256');
  });

  it('mTLS: a certificate-bound token is accepted over TLS with its certificate, refused with another', async () => {
    const tls = { key: serverCert.keyPem, cert: serverCert.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false };
    const api = await startProtected(framework, { issuer: mtlsProvider.issuer, audience: AUDIENCE, algorithms: ['ES256'] }, { tls });
    running.push(api);
    const token = await mtlsProvider.tokenFor({ resource: RESOURCE, scope: 'orders:read', headers: { [CERT_HEADER]: alice.escapedPem } });
    const withAlice = { cert: alice.certPem, key: alice.keyPem, ca: ca.certPem };
    for (let i = 0; i < 3; i += 1) {
      const ok = await send(api.origin, { headers: { authorization: `Bearer ${token}` }, tls: withAlice });
      expect(ok.status, ok.body).toBe(200);
      expect(JSON.parse(ok.body).confirmation).toEqual({ 'x5t#S256': alice.thumbprint });
    }
    const other = await send(api.origin, {
      headers: { authorization: `Bearer ${token}` },
      tls: { cert: mallory.certPem, key: mallory.keyPem, ca: ca.certPem },
    });
    expect(other.status).toBe(401);
    expect(other.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
  });
});
