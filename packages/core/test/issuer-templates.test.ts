import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, createVerifier, type VerifierOptions } from '@authgate/core';
import { AUDIENCE, makeKey, refusalReason as reason, sign, type TestKey } from './helpers/keys.js';
import { serveJwks, startTestServer, type TestServer } from './remote-helpers.js';

const TEMPLATE = 'https://login.example.com/{tid}/v2.0';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let key: TestKey;
let tenantKey: TestKey;
let server: TestServer;

function verifierWith(overrides: Partial<VerifierOptions>) {
  return createVerifier({
    issuer: TEMPLATE,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    jwks: { keys: [key.publicJwk] },
    logger: quiet,
    ...overrides,
  });
}

beforeAll(async () => {
  key = await makeKey('ES256');
  tenantKey = await makeKey('ES256', { issuer: 'https://login.example.com/{tenantid}/v2.0' });
  server = await startTestServer();
});
afterAll(() => server.close());

describe('issuer templates', () => {
  it("matches iss built from the same token's claim, and nothing near it", async () => {
    const verifier = verifierWith({ cache: false });
    const identity = await verifier.verify(await sign(key, { iss: `https://login.example.com/${TENANT}/v2.0`, tid: TENANT }));
    expect(identity.issuer).toBe(`https://login.example.com/${TENANT}/v2.0`);
    for (const claims of [
      { iss: `https://login.example.com/${TENANT}/v2.0`, tid: 'other-tenant' },
      { iss: `https://login.example.com/${TENANT}/v2.0` },
      { iss: `https://login.example.com/${TENANT}/v2.0`, tid: [TENANT] },
      { iss: 'https://login.example.com/a/b/v2.0', tid: 'a/b' },
      { iss: 'https://login.example.com/a?b/v2.0', tid: 'a?b' },
      { iss: 'https://login.example.com/ /v2.0', tid: ' ' },
      { iss: 'https://login.example.com//v2.0', tid: '' },
      { iss: `https://login.example.com/${'x'.repeat(65)}/v2.0`, tid: 'x'.repeat(65) },
      { iss: `https://login.example.com/${TENANT}/v2.0/`, tid: TENANT },
      { iss: `https://evil.example/${TENANT}/v2.0`, tid: TENANT },
      // The template text itself is never an issuer.
      { iss: TEMPLATE, tid: TENANT },
      { iss: TEMPLATE },
    ]) {
      expect(await reason(verifier.verify(await sign(key, claims)))).toBe('issuer_not_allowed');
    }
    expect((await verifier.verify(await sign(key, { iss: `https://login.example.com/${'x'.repeat(64)}/v2.0`, tid: 'x'.repeat(64) }))).subject).toBe(
      'user-1',
    );
  });

  it('keeps working from the token cache (the cached identity finds its key source)', async () => {
    const verifier = verifierWith({});
    const token = await sign(key, { iss: `https://login.example.com/${TENANT}/v2.0`, tid: TENANT });
    for (let i = 0; i < 3; i += 1) await verifier.verify(token);
    expect(verifier.cached?.(token)?.issuer).toBe(`https://login.example.com/${TENANT}/v2.0`);
  });

  it('refuses templates without explicit keys, and malformed templates, at construction', () => {
    expect(() => createVerifier({ issuer: TEMPLATE, audience: AUDIENCE, algorithms: ['ES256'] })).toThrow(/template: give jwksUri or jwks/);
    expect(() => createVerifier({ issuer: [{ issuer: TEMPLATE }], audience: AUDIENCE, algorithms: ['ES256'] })).toThrow(AuthConfigError);
    for (const bad of ['https://x/{tid/v2', 'https://x/tid}/v2', 'https://x/{}/v2', '{tid}/v2', 'https://x/{t d}/']) {
      expect(() => verifierWith({ issuer: bad })).toThrow(AuthConfigError);
    }
  });
});

describe('several issuers, one key set', () => {
  it('a top-level jwksUri serves every issuer, fetched once', async () => {
    server.route(
      '/shared',
      serveJwks(() => ({ keys: [key.publicJwk] })),
    );
    const verifier = createVerifier({
      issuer: ['https://accounts.example.com', 'accounts.example.com'],
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwksUri: server.url('/shared'),
      logger: quiet,
    });
    for (const iss of ['https://accounts.example.com', 'accounts.example.com']) {
      expect((await verifier.verify(await sign(key, { iss }))).issuer).toBe(iss);
    }
    expect(await reason(verifier.verify(await sign(key, { iss: 'https://accounts.example.com/' })))).toBe('issuer_not_allowed');
    expect(server.hits('/shared')).toBe(1);
    expect(verifier.health().issuers).toHaveLength(1);
    verifier.close();
  });

  it("an issuer with its own keys keeps them: another issuer's key never verifies its tokens", async () => {
    const other = await makeKey('ES256');
    const verifier = createVerifier({
      issuer: ['https://a.example', { issuer: 'https://b.example', jwks: { keys: [other.publicJwk] } }],
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [key.publicJwk] },
      logger: quiet,
      cache: false,
    });
    await expect(verifier.verify(await sign(key, { iss: 'https://a.example' }))).resolves.toBeDefined();
    await expect(verifier.verify(await sign(other, { iss: 'https://b.example' }))).resolves.toBeDefined();
    expect(await reason(verifier.verify(await sign(key, { iss: 'https://b.example' }, { kid: other.kid })))).toBe('signature_invalid');
    expect(await reason(verifier.verify(await sign(other, { iss: 'https://a.example' })))).toBe('unknown_key');
  });
});

describe('a JWK with an issuer member', () => {
  it('verifies only tokens of that issuer, {tenantid} filled from tid', async () => {
    server.route(
      '/tenant-keys',
      serveJwks(() => ({ keys: [tenantKey.publicJwk] })),
    );
    const verifier = verifierWith({ jwks: undefined, jwksUri: server.url('/tenant-keys'), cache: false });
    const iss = `https://login.example.com/${TENANT}/v2.0`;
    await expect(verifier.verify(await sign(tenantKey, { iss, tid: TENANT }))).resolves.toBeDefined();
    // The template lets another tenant's iss through; a key that names tenant A's issuer still refuses it.
    const fixed = await makeKey('ES256', { issuer: `https://login.example.com/${TENANT}/v2.0` });
    server.route(
      '/tenant-keys',
      serveJwks(() => ({ keys: [tenantKey.publicJwk, fixed.publicJwk] })),
    );
    const otherTenant = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    const verifier2 = verifierWith({ jwks: undefined, jwksUri: server.url('/tenant-keys'), cache: false });
    expect(await reason(verifier2.verify(await sign(fixed, { iss: `https://login.example.com/${otherTenant}/v2.0`, tid: otherTenant })))).toBe(
      'issuer_not_allowed',
    );
    await expect(verifier2.verify(await sign(fixed, { iss, tid: TENANT }))).resolves.toBeDefined();
    verifier.close();
    verifier2.close();
  });

  it('with an exact issuer, a key naming another issuer refuses, and a missing tid refuses', async () => {
    const verifier = createVerifier({
      issuer: 'https://login.example.com/common/v2.0',
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [tenantKey.publicJwk] },
      logger: quiet,
      cache: false,
    });
    expect(await reason(verifier.verify(await sign(tenantKey, { iss: 'https://login.example.com/common/v2.0', tid: TENANT })))).toBe(
      'issuer_not_allowed',
    );
    expect(await reason(verifier.verify(await sign(tenantKey, { iss: 'https://login.example.com/common/v2.0' })))).toBe('issuer_not_allowed');
    // tid "common" fills {tenantid} to exactly the configured issuer: accepted, the key's rule holds.
    await expect(verifier.verify(await sign(tenantKey, { iss: 'https://login.example.com/common/v2.0', tid: 'common' }))).resolves.toBeDefined();
  });

  it('a key whose issuer member is not a string is refused', () => {
    expect(() => verifierWith({ jwks: { keys: [{ ...key.publicJwk, issuer: 42 } as never] } })).toThrow(/issuer is not a non-empty string/);
  });
});
