/**
 * Interop with a real OpenID Provider (issue #5): panva's oidc-provider issues RFC 9068 access tokens over real
 * sockets, and authgate verifies them knowing nothing but the issuer URL. Keys come from OIDC discovery alone (no
 * jwksUri), for every signing algorithm the provider offers; rotations on the provider's side are followed.
 */
import { AuthError, createVerifier, type Algorithm, type AuthErrorReason, type KeySourceEvent, type Verifier } from '@authgate/core';
import { decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, startProvider, type RunningProvider, type SigningAlg } from './helpers/oidc-provider.js';

const AUDIENCE = 'orders-api';
const ORDERS_SCOPES = 'orders:read orders:write';
// Ed25519 is RFC 9864's fully-specified name for EdDSA over Ed25519; oidc-provider signs with either.
const ALGORITHMS: readonly SigningAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'];
const ordersResource = (alg: SigningAlg): string => `urn:authgate:orders:${alg.toLowerCase()}`;
const BILLING_RESOURCE = 'urn:authgate:billing';
const PLAIN_JWT_RESOURCE = 'urn:authgate:orders:plain-jwt';
const UNTYPED_RESOURCE = 'urn:authgate:orders:untyped';
const MEDIA_TYPED_RESOURCE = 'urn:authgate:orders:media-type';

// Everything started in a test is stopped after it, failed or not.
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<V extends Verifier>(verifier: V): V {
  cleanups.push(() => verifier.close());
  return verifier;
}

/** The verifier an API in front of this provider would have: issuer + audience + algorithms, and nothing else. */
function verifierFor(
  issuer: string,
  extra: { algorithms?: readonly Algorithm[]; typ?: string | null; events?: KeySourceEvent[]; maxAge?: number } = {},
): Verifier {
  return track(
    createVerifier({
      issuer,
      audience: AUDIENCE,
      algorithms: extra.algorithms ?? ALGORITHMS,
      ...(extra.typ === null ? {} : { typ: extra.typ ?? 'at+jwt' }),
      ...(extra.events === undefined ? {} : { onEvent: (event) => extra.events?.push(event) }),
      ...(extra.maxAge === undefined ? {} : { jwksOptions: { maxAge: extra.maxAge, minAge: 0 } }),
    }),
  );
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be refused, but it verified');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

async function expectRefused(promise: Promise<unknown>, reason: AuthErrorReason): Promise<void> {
  expect((await rejection(promise)).reason).toBe(reason);
}

const refreshTriggers = (events: readonly KeySourceEvent[]): string[] =>
  events.flatMap((event) => (event.type === 'jwks_refreshed' ? [event.trigger] : []));

describe('oidc-provider access tokens, keys by discovery alone', () => {
  let op: RunningProvider;
  const keys = new Map<SigningAlg, JWK>();

  beforeAll(async () => {
    for (const alg of ALGORITHMS) keys.set(alg, await generateSigningKey(alg, `op-${alg.toLowerCase()}-1`));
    op = await startProvider({
      keys: [...keys.values()],
      resources: {
        ...Object.fromEntries(ALGORITHMS.map((alg) => [ordersResource(alg), { audience: AUDIENCE, scope: ORDERS_SCOPES, alg }])),
        [BILLING_RESOURCE]: { audience: 'billing-api', scope: 'invoices:read', alg: 'RS256' },
        [PLAIN_JWT_RESOURCE]: { audience: AUDIENCE, scope: ORDERS_SCOPES, alg: 'ES256', typ: 'JWT' },
        [UNTYPED_RESOURCE]: { audience: AUDIENCE, scope: ORDERS_SCOPES, alg: 'ES256', typ: null },
        [MEDIA_TYPED_RESOURCE]: { audience: AUDIENCE, scope: ORDERS_SCOPES, alg: 'ES256', typ: 'application/at+JWT' },
      },
    });
  });
  afterAll(() => op?.close());

  it('publishes what authgate relies on: an exact issuer and a jwks_uri on the same loopback origin', () => {
    expect(op.metadata.issuer).toBe(op.issuer);
    expect(new URL(op.metadata.jwks_uri).origin).toBe(op.issuer);
  });

  it.each(ALGORITHMS)('verifies a %s access token (at+jwt) with keys found through discovery', async (alg) => {
    const events: KeySourceEvent[] = [];
    const verifier = verifierFor(op.issuer, { events });
    const token = await op.tokenFor({ resource: ordersResource(alg), scope: ORDERS_SCOPES });
    // The provider's side of the contract: RFC 9068 header with the configured key.
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg, kid: keys.get(alg)?.kid });
    const seen = op.requests().length;

    const identity = await verifier.verify(token);

    expect(identity.subject).toBe(op.clientId);
    expect(identity.claims.client_id).toBe(op.clientId);
    expect(identity.issuer).toBe(op.issuer);
    expect(identity.audience).toEqual([AUDIENCE]);
    expect([...identity.scopes].sort()).toEqual(['orders:read', 'orders:write']);
    expect(identity.alg).toBe(alg);
    expect(identity.kid).toBe(keys.get(alg)?.kid);
    expect(identity.claims.jti).toEqual(expect.any(String));
    expect(identity.expiresAt.getTime()).toBeGreaterThan(Date.now());
    // What the provider saw: the discovery document, then the jwks_uri it names. Nothing else.
    expect(op.requests().slice(seen)).toEqual(['GET /.well-known/openid-configuration', `GET ${new URL(op.metadata.jwks_uri).pathname}`]);
    expect(events).toEqual([{ type: 'jwks_refreshed', issuer: op.issuer, uri: op.metadata.jwks_uri, keys: ALGORITHMS.length, trigger: 'startup' }]);
    expect(verifier.health()).toMatchObject({
      ok: true,
      issuers: [{ issuer: op.issuer, kind: 'remote', uri: op.metadata.jwks_uri, keys: ALGORITHMS.length }],
    });
  });

  it('serves a cold start burst with one discovery and one JWKS fetch', async () => {
    const tokens = await Promise.all(
      ALGORITHMS.flatMap((alg) => [1, 2].map(() => op.tokenFor({ resource: ordersResource(alg), scope: ORDERS_SCOPES }))),
    );
    const verifier = verifierFor(op.issuer);
    const seen = op.requests().length;
    const identities = await Promise.all(tokens.map((token) => verifier.verify(token)));
    expect(identities.map((identity) => identity.alg)).toEqual(ALGORITHMS.flatMap((alg) => [alg, alg]));
    expect(op.requests().slice(seen)).toEqual(['GET /.well-known/openid-configuration', `GET ${new URL(op.metadata.jwks_uri).pathname}`]);
  });

  it('reads the narrower scope the provider granted', async () => {
    const verifier = verifierFor(op.issuer);
    const identity = await verifier.verify(await op.tokenFor({ resource: ordersResource('ES256'), scope: 'orders:read admin' }));
    expect(identity.scopes).toEqual(['orders:read']);
  });

  it('refuses a token the provider issued for another resource (audience_mismatch)', async () => {
    const verifier = verifierFor(op.issuer);
    const token = await op.tokenFor({ resource: BILLING_RESOURCE, scope: 'invoices:read' });
    await expectRefused(verifier.verify(token), 'audience_mismatch');
  });

  it.each([
    ['JWT', PLAIN_JWT_RESOURCE, 'JWT'],
    ['absent (like oidc-provider ID tokens)', UNTYPED_RESOURCE, undefined],
  ])('refuses a provider-signed token with typ %s when typ is enforced, and only then', async (_label, resource, typ) => {
    const token = await op.tokenFor({ resource, scope: ORDERS_SCOPES });
    expect(decodeProtectedHeader(token).typ).toBe(typ);
    await expectRefused(verifierFor(op.issuer).verify(token), 'type_not_allowed');
    // The same token is otherwise perfectly valid: typ is the only thing keeping it out.
    await expect(verifierFor(op.issuer, { typ: null }).verify(token)).resolves.toMatchObject({ subject: op.clientId });
  });

  it('accepts typ written as a full media type (application/at+JWT), as RFC 7515 allows', async () => {
    const token = await op.tokenFor({ resource: MEDIA_TYPED_RESOURCE, scope: ORDERS_SCOPES });
    expect(decodeProtectedHeader(token).typ).toBe('application/at+JWT');
    await expect(verifierFor(op.issuer).verify(token)).resolves.toMatchObject({ subject: op.clientId, alg: 'ES256' });
  });

  it('refuses an algorithm the API did not configure, though the provider signs with it', async () => {
    const verifier = verifierFor(op.issuer, { algorithms: ['ES256'] });
    await expectRefused(verifier.verify(await op.tokenFor({ resource: ordersResource('RS256') })), 'algorithm_not_allowed');
  });

  it('discovers the keys of an issuer with a path (a tenant or realm of a multi-tenant provider)', async () => {
    const tenant = await startProvider({
      path: '/realms/acme',
      keys: [await generateSigningKey('PS256', 'acme-ps256')],
      resources: { [ordersResource('PS256')]: { audience: AUDIENCE, scope: ORDERS_SCOPES, alg: 'PS256' } },
    });
    cleanups.push(() => tenant.close());
    expect(tenant.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realms\/acme$/);
    expect(tenant.metadata.jwks_uri).toBe(`${tenant.issuer}/jwks`);
    const identity = await verifierFor(tenant.issuer).verify(await tenant.tokenFor({ resource: ordersResource('PS256'), scope: 'orders:write' }));
    expect(identity).toMatchObject({ issuer: tenant.issuer, kid: 'acme-ps256', scopes: ['orders:write'] });
  });

  it('refuses tokens of another real provider (issuer_not_allowed)', async () => {
    const other = await startProvider({
      keys: [await generateSigningKey('ES256', 'other-es256')],
      resources: { [ordersResource('ES256')]: { audience: AUDIENCE, scope: ORDERS_SCOPES, alg: 'ES256' } },
    });
    cleanups.push(() => other.close());
    const token = await other.tokenFor({ resource: ordersResource('ES256') });
    const seen = other.requests().length;
    await expectRefused(verifierFor(op.issuer).verify(token), 'issuer_not_allowed');
    // Refused on its iss alone: authgate never contacted the stranger.
    expect(other.requests().slice(seen)).toEqual([]);
  });
});

describe('key rotation at the provider', () => {
  const orders = (kid?: string) => ({
    [ordersResource('RS256')]: { audience: AUDIENCE, scope: ORDERS_SCOPES, alg: 'RS256' as const, ...(kid === undefined ? {} : { kid }) },
  });

  /** Stops `op` and brings the same issuer (same port) back with another key set. */
  async function restart(op: RunningProvider, keys: JWK[], kid?: string): Promise<RunningProvider> {
    await op.close();
    const next = await startProvider({ keys, port: op.port, resources: orders(kid) });
    cleanups.push(() => next.close());
    expect(next.issuer).toBe(op.issuer);
    return next;
  }

  it('verifies the first token signed with a new key (unknown kid → immediate refetch)', async () => {
    const [oldKey, newKey] = await Promise.all([generateSigningKey('RS256', 'rsa-2025'), generateSigningKey('RS256', 'rsa-2026')]);
    let op = await startProvider({ keys: [oldKey], resources: orders() });
    cleanups.push(() => op.close());
    const events: KeySourceEvent[] = [];
    const verifier = verifierFor(op.issuer, { events });
    const oldToken = await op.tokenFor({ resource: ordersResource('RS256'), scope: ORDERS_SCOPES });
    expect((await verifier.verify(oldToken)).kid).toBe('rsa-2025');

    // The provider now signs with the new key and still publishes the old one (the usual overlap).
    op = await restart(op, [newKey, oldKey], 'rsa-2026');
    const newTokens = await Promise.all([1, 2, 3, 4, 5].map(() => op.tokenFor({ resource: ordersResource('RS256'), scope: ORDERS_SCOPES })));
    expect(decodeProtectedHeader(newTokens[0] as string).kid).toBe('rsa-2026');

    // Five requests with the new kid at once: all verified, after a single refetch of the JWKS (the jwks_uri found
    // by discovery is kept; discovery is not repeated).
    const seen = op.requests().length;
    const identities = await Promise.all(newTokens.map((token) => verifier.verify(token)));
    for (const identity of identities) expect(identity).toMatchObject({ kid: 'rsa-2026', subject: op.clientId, alg: 'RS256' });
    expect(refreshTriggers(events)).toEqual(['startup', 'unknown_kid']);
    expect(op.requests().slice(seen)).toEqual(['GET /jwks']);
    // Tokens of the old key stay good while the provider publishes it.
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ kid: 'rsa-2025' });
    expect(events.filter((event) => event.type === 'token_rejected')).toEqual([]);
  });

  it('stops accepting a key the provider withdrew once its key set is refreshed', async () => {
    const [retiring, current] = await Promise.all([generateSigningKey('RS256', 'rsa-retiring'), generateSigningKey('RS256', 'rsa-current')]);
    // Both keys published, the retiring one still signing.
    let op = await startProvider({ keys: [retiring, current], resources: orders('rsa-retiring') });
    cleanups.push(() => op.close());
    const events: KeySourceEvent[] = [];
    // A one-second key-set lifetime keeps the test short; real deployments use minutes.
    const verifier = verifierFor(op.issuer, { events, maxAge: 1 });
    const retiredToken = await op.tokenFor({ resource: ordersResource('RS256') });
    expect((await verifier.verify(retiredToken)).kid).toBe('rsa-retiring');

    // The provider drops the retiring key.
    op = await restart(op, [current]);
    const currentToken = await op.tokenFor({ resource: ordersResource('RS256') });
    expect(decodeProtectedHeader(currentToken).kid).toBe('rsa-current');

    // Until authgate refreshes, its last key set (and token cache) still stands: keys are not fetched per request.
    await expect(verifier.verify(retiredToken)).resolves.toMatchObject({ kid: 'rsa-retiring' });

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await verifier.ready(); // the key set is past its max age: ready() refetches now

    expect(refreshTriggers(events)).toEqual(['startup', 'max_age']);
    expect(verifier.health().issuers[0]?.keys).toBe(1);
    await expectRefused(verifier.verify(retiredToken), 'unknown_key');
    await expect(verifier.verify(currentToken)).resolves.toMatchObject({ kid: 'rsa-current', subject: op.clientId });
  });

  it('follows a rotation with no overlap: the new kid is fetched, the old one is refused from then on', async () => {
    const [first, second] = await Promise.all([generateSigningKey('ES256', 'ec-first'), generateSigningKey('ES256', 'ec-second')]);
    const es256 = { [ordersResource('ES256')]: { audience: AUDIENCE, scope: ORDERS_SCOPES, alg: 'ES256' as const } };
    let op = await startProvider({ keys: [first], resources: es256 });
    cleanups.push(() => op.close());
    const events: KeySourceEvent[] = [];
    const verifier = verifierFor(op.issuer, { events });
    const firstToken = await op.tokenFor({ resource: ordersResource('ES256') });
    await verifier.verify(firstToken);

    await op.close();
    op = await startProvider({ keys: [second], port: op.port, resources: es256 });
    cleanups.push(() => op.close());
    const secondToken = await op.tokenFor({ resource: ordersResource('ES256') });

    await expect(verifier.verify(secondToken)).resolves.toMatchObject({ kid: 'ec-second' });
    // The refetch withdrew ec-first: its cached identity went with it.
    await expectRefused(verifier.verify(firstToken), 'unknown_key');
    expect(refreshTriggers(events).slice(0, 2)).toEqual(['startup', 'unknown_kid']);
  });
});
