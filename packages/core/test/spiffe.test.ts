import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, AuthError, createVerifier, providers, type Verifier } from '@authgate/core';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { sendJson, startTestServer, type TestServer } from './remote-helpers.js';

/**
 * JWT-SVIDs (SPIFFE workload identity) against a local trust bundle: the bundle holds a `jwt-svid` key, an
 * `x509-svid` key and a key with no `use`; only the first may verify a JWT-SVID.
 */
interface BundleKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function bundleKey(kid: string, use: string | undefined, alg: 'ES256' | 'RS256' = 'ES256'): Promise<BundleKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, ...(use === undefined ? {} : { use }) };
  return { kid, privateKey, jwk };
}

let svidKey: BundleKey;
let svidRsaKey: BundleKey;
let x509Key: BundleKey;
let plainKey: BundleKey;
let bundle: { keys: JWK[]; spiffe_sequence: number; spiffe_refresh_hint: number };
let verifier: Verifier;
let server: TestServer;

const TRUST_DOMAIN = 'example.org';
const AUDIENCE = 'spiffe://example.org/orders';

async function svid(claims: Record<string, unknown>, key: BundleKey = svidKey, alg = 'ES256'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'spiffe://example.org/ns/prod/sa/checkout', aud: AUDIENCE, exp: now + 300, iat: now, ...claims })
    .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

async function refused(token: string, using: Verifier = verifier): Promise<AuthError> {
  const error = await using.verify(token).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).status).toBe(401);
  expect((error as AuthError).code).toBe('invalid_token');
  return error as AuthError;
}

beforeAll(async () => {
  [svidKey, svidRsaKey, x509Key, plainKey] = await Promise.all([
    bundleKey('svid-1', 'jwt-svid'),
    bundleKey('svid-rsa', 'jwt-svid', 'RS256'),
    bundleKey('x509-1', 'x509-svid'),
    bundleKey('plain-1', undefined),
  ]);
  bundle = { keys: [svidKey.jwk, svidRsaKey.jwk, x509Key.jwk, plainKey.jwk], spiffe_sequence: 7, spiffe_refresh_hint: 300 };
  verifier = createVerifier({
    ...providers.spiffe({ trustDomain: TRUST_DOMAIN, audience: AUDIENCE, bundle }),
    cache: false,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  server = await startTestServer();
  server.route('/bundle', (_req, res) => sendJson(res, bundle));
});
afterAll(() => server.close());

describe('providers.spiffe: JWT-SVIDs from a trust bundle', () => {
  it('accepts a JWT-SVID of the trust domain: identity.workload is its SPIFFE ID, kind client, no iss needed', async () => {
    const identity = await verifier.verify(await svid({}));
    expect(identity.workload).toBe('spiffe://example.org/ns/prod/sa/checkout');
    expect(identity.kind).toBe('client');
    expect(identity.audience).toEqual([AUDIENCE]);
    const rsa = await verifier.verify(await svid({ sub: 'spiffe://example.org/billing' }, svidRsaKey, 'RS256'));
    expect(rsa.workload).toBe('spiffe://example.org/billing');
  });

  it('ignores iss, whatever it says (the spec requires none)', async () => {
    expect((await verifier.verify(await svid({ iss: 'https://anything.example' }))).workload).toBe('spiffe://example.org/ns/prod/sa/checkout');
  });

  it('refuses another trust domain, matched exactly (example.org.evil.com, sub-domains, case)', async () => {
    for (const sub of [
      'spiffe://other.org/ns/prod/sa/checkout',
      'spiffe://example.org.evil.com/ns/prod/sa/checkout',
      'spiffe://evil.example.org/x',
      'spiffe://Example.org/x',
      'spiffe://example.org:443/x',
      'spiffe://user@example.org/x',
      'spiffe://example.org',
      'spiffe://example.org/',
      'spiffe://example.org/a//b',
      'spiffe://example.org/a/../b',
      'https://example.org/x',
      'SPIFFE://example.org/x',
    ]) {
      expect((await refused(await svid({ sub }))).reason).toBe('claim_invalid');
    }
    expect((await refused(await svid({ sub: undefined }))).reason).toBe('claim_missing');
  });

  it('refuses a JWT-SVID without aud, or for another audience', async () => {
    expect((await refused(await svid({ aud: undefined }))).reason).toBe('claim_missing');
    expect((await refused(await svid({ aud: 'spiffe://example.org/other' }))).reason).toBe('audience_mismatch');
  });

  it('refuses a token signed with a key the bundle marks x509-svid, or marks not at all', async () => {
    expect((await refused(await svid({}, x509Key))).reason).toBe('unknown_key');
    expect((await refused(await svid({}, plainKey))).reason).toBe('unknown_key');
  });

  it('reads the bundle from its endpoint (jwksUri) with the same rules', async () => {
    const remote = createVerifier({
      ...providers.spiffe({ trustDomain: TRUST_DOMAIN, audience: AUDIENCE, jwksUri: server.url('/bundle') }),
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect((await remote.verify(await svid({}))).workload).toBe('spiffe://example.org/ns/prod/sa/checkout');
    expect((await refused(await svid({}, x509Key), remote)).reason).toBe('unknown_key');
    expect((await refused(await svid({ sub: 'spiffe://example.org.evil.com/x' }), remote)).reason).toBe('claim_invalid');
    remote.close();
  });

  it('validates its arguments', () => {
    expect(() => providers.spiffe({ trustDomain: 'spiffe://example.org', audience: AUDIENCE, bundle })).toThrow(/give the name alone: "example.org"/);
    expect(() => providers.spiffe({ trustDomain: 'Example.org', audience: AUDIENCE, bundle })).toThrow(AuthConfigError);
    expect(() => providers.spiffe({ trustDomain: TRUST_DOMAIN, audience: null as never, bundle })).toThrow(/audience is required/);
    expect(() => providers.spiffe({ trustDomain: TRUST_DOMAIN, audience: AUDIENCE })).toThrow(/exactly one/);
    expect(() => createVerifier({ ...providers.spiffe({ trustDomain: TRUST_DOMAIN, audience: AUDIENCE, bundle: { keys: [x509Key.jwk] } }) })).toThrow(
      /no usable signature key/,
    );
  });
});
