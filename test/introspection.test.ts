/**
 * RFC 7662 introspection in core (issue #13): opaque tokens judged by the authorization server through a cache keyed
 * by the token's hash, one call per token in flight, the checks an active answer must still pass, and every fault
 * of the server answered 503 (never 401, never 200). The server is @authgate/testing's issuer, over real sockets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import { AuthError, createVerifier, type KeySourceEvent, type Verifier, type VerifierOptions } from '@authgate/core';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const AUDIENCE = 'orders-api';
const CLIENT = { clientId: 'test-api', clientSecret: 'test-api-secret' };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

let issuer: TestIssuer;
const cleanups: Array<() => unknown> = [];
beforeAll(async () => {
  const assertionKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePem = assertionKey.privateKey.export({ type: 'pkcs8', format: 'pem' });
  privateAssertionKey = createPrivateKey(privatePem);
  const { d: _d, ...publicJwk } = privateAssertionKey.export({ format: 'jwk' });
  issuer = await createTestIssuer({
    defaultAudience: AUDIENCE,
    introspectionClients: [CLIENT, { clientId: 'a b&c', clientSecret: 'p@ss:w%rd' }, { clientId: 'jwt-api', publicKey: publicJwk }],
  });
});
let privateAssertionKey: ReturnType<typeof createPrivateKey>;
afterAll(() => issuer.close());
afterEach(async () => {
  issuer.introspection.recover();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function verifierWith(
  introspection: Partial<NonNullable<VerifierOptions['introspection']>> = {},
  extra: Partial<VerifierOptions> = {},
  events?: KeySourceEvent[],
): Verifier {
  const verifier = createVerifier({
    issuer: issuer.url,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    logger: silent,
    introspection: { ...CLIENT, ...introspection } as NonNullable<VerifierOptions['introspection']>,
    ...(events === undefined ? {} : { onEvent: (event) => events.push(event) }),
    ...extra,
  });
  cleanups.push(() => verifier.close());
  return verifier;
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => new Error('accepted'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('opaque tokens through introspection', () => {
  it('accepts an active opaque token with its scopes, subject and client; source is introspection', async () => {
    const verifier = verifierWith();
    const token = issuer.opaqueToken({ sub: 'user-7', scope: 'orders:read orders:write', client_id: 'web-app' });
    const identity = await verifier.verify(token);
    expect(identity).toMatchObject({ subject: 'user-7', issuer: issuer.url, source: 'introspection', clientId: 'web-app', kid: undefined });
    expect(identity.scopes).toEqual(['orders:read', 'orders:write']);
    expect(identity.audience).toEqual([AUDIENCE]);
    // The token is there for requireActive, but never serialised.
    expect(identity.token).toBe(token);
    expect(JSON.stringify(identity)).not.toContain(token);
    expect(Object.keys(identity)).not.toContain('token');
  });

  it('finds the endpoint by discovery when none is configured, and refuses opaque tokens when introspection is off', async () => {
    const token = issuer.opaqueToken({ sub: 'user-1' });
    await expect(verifierWith().verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    const plain = createVerifier({ issuer: issuer.url, audience: AUDIENCE, algorithms: ['RS256'], logger: silent });
    cleanups.push(() => plain.close());
    expect((await refusal(plain.verify(token))).status).toBe(401);
  });

  it('authenticates with client_secret_basic (form-encoded), client_secret_post and private_key_jwt', async () => {
    const token = issuer.opaqueToken({ sub: 'user-2' });
    const endpoint = issuer.introspectionEndpoint;
    await expect(verifierWith({ endpoint, clientId: 'a b&c', clientSecret: 'p@ss:w%rd' }).verify(token)).resolves.toBeDefined();
    await expect(verifierWith({ endpoint, clientAuth: 'client_secret_post' }).verify(token)).resolves.toBeDefined();
    const jwtClient = {
      endpoint,
      clientId: 'jwt-api',
      clientSecret: undefined,
      privateKey: privateAssertionKey,
      clientAuth: 'private_key_jwt' as const,
    };
    await expect(verifierWith(jwtClient).verify(token)).resolves.toBeDefined();
  });

  it('refuses inactive, revoked, expired, refresh-token, foreign-audience and foreign-issuer answers with 401', async () => {
    const verifier = verifierWith({ cache: false });
    const unknown = `opaque_${'x'.repeat(30)}`;
    expect((await refusal(verifier.verify(unknown))).reason).toBe('token_inactive');
    const revoked = issuer.opaqueToken({ sub: 'u' });
    issuer.revoke(revoked);
    expect((await refusal(verifier.verify(revoked))).reason).toBe('token_inactive');
    expect(await refusal(verifier.verify(issuer.opaqueToken({ token_type: 'refresh_token' })))).toMatchObject({ status: 401 });
    expect(await refusal(verifier.verify(issuer.opaqueToken({}, { audience: 'billing-api' })))).toMatchObject({ reason: 'audience_mismatch' });
    expect(await refusal(verifier.verify(issuer.opaqueToken({}, { audience: null })))).toMatchObject({ reason: 'audience_mismatch' });
    await expect(verifierWith({ cache: false, requireAudience: false }).verify(issuer.opaqueToken({}, { audience: null }))).resolves.toBeDefined();
    expect(await refusal(verifier.verify(issuer.opaqueToken({}, { issuer: 'https://elsewhere.invalid' })))).toMatchObject({
      reason: 'issuer_not_allowed',
    });
  });

  it('serves a cached active answer synchronously and without a call, and refuses a revoked token once maxTtl passes', async () => {
    const events: KeySourceEvent[] = [];
    const verifier = verifierWith({ cache: { maxTtl: 1 } }, {}, events);
    const token = issuer.opaqueToken({ sub: 'user-3', scope: 'orders:read' });
    await verifier.verify(token);
    issuer.introspection.resetCount();
    expect(verifier.cached?.(token)).toMatchObject({ subject: 'user-3', source: 'introspection' });
    await verifier.verify(token);
    expect(issuer.introspection.requests).toBe(0);
    issuer.revoke(token);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await sleep(1100);
    expect(verifier.cached?.(token)).toBeUndefined();
    expect((await refusal(verifier.verify(token))).reason).toBe('token_inactive');
    expect(events.filter((event) => event.type === 'token_introspected').map((event) => (event as { active: boolean }).active)).toEqual([
      true,
      false,
    ]);
  });

  it('never keeps an active answer past the token exp', async () => {
    const verifier = verifierWith({ cache: { maxTtl: 600 } });
    const token = issuer.opaqueToken({}, { expiresIn: 2 });
    await verifier.verify(token);
    expect(verifier.cached?.(token)).toBeDefined();
    await sleep(2100);
    expect(verifier.cached?.(token)).toBeUndefined();
  });

  it('caches an inactive answer for negativeTtl, then asks again', async () => {
    const verifier = verifierWith({ cache: { negativeTtl: 1 } });
    const token = `opaque_${'n'.repeat(30)}`;
    issuer.introspection.resetCount();
    expect((await refusal(verifier.verify(token))).reason).toBe('token_inactive');
    expect((await refusal(verifier.verify(token))).reason).toBe('token_inactive');
    expect(issuer.introspection.requests).toBe(1);
    await sleep(1100);
    await refusal(verifier.verify(token));
    expect(issuer.introspection.requests).toBe(2);
  });

  it('asks once for 200 concurrent requests with one new opaque token', async () => {
    const verifier = verifierWith();
    const token = issuer.opaqueToken({ sub: 'user-4' });
    issuer.introspection.resetCount();
    issuer.introspection.slow(100);
    const answers = await Promise.all(Array.from({ length: 200 }, () => verifier.verify(token)));
    expect(answers.every((identity) => identity.subject === 'user-4')).toBe(true);
    expect(issuer.introspection.requests).toBe(1);
  });

  it('refuses an empty or out-of-alphabet token as malformed without asking the server', async () => {
    const verifier = verifierWith();
    issuer.introspection.resetCount();
    for (const token of ['', 'has space', 'quote"s', 'ünïcode', 'a\u0000b']) {
      expect((await refusal(verifier.verify(token))).status).toBe(401);
    }
    expect(issuer.introspection.requests).toBe(0);
  });

  it("forJwt: 'always' checks every JWT with the server (through the cache), so a revocation reaches plain routes", async () => {
    const verifier = verifierWith({ forJwt: 'always', cache: { maxTtl: 1 } }, { jwksUri: issuer.jwksUri });
    const jwt = await issuer.sign({ sub: 'user-10' });
    for (let i = 0; i < 3; i += 1) await expect(verifier.verify(jwt)).resolves.toMatchObject({ subject: 'user-10', source: 'jwt' });
    expect(verifier.cached?.(jwt)).toBeDefined();
    issuer.revoke(jwt);
    await sleep(1100);
    expect(verifier.cached?.(jwt)).toBeUndefined();
    expect((await refusal(verifier.verify(jwt))).reason).toBe('token_inactive');
    issuer.introspection.status(503);
    expect(await refusal(verifier.verify(await issuer.sign({})))).toMatchObject({ status: 503 });
  });

  it('keys the cache by a hash of the token: a different token never hits another token entry', async () => {
    const verifier = verifierWith({ cache: { hashKey: 'k'.repeat(32) } });
    const token = issuer.opaqueToken({ sub: 'user-5' });
    await verifier.verify(token);
    expect(verifier.cached?.(`${token}x`)).toBeUndefined();
    expect(verifier.cached?.(token.slice(0, -1))).toBeUndefined();
    expect((await refusal(verifier.verify(`${token}x`))).reason).toBe('token_inactive');
  });
});

describe('faults of the introspection endpoint: 503 with Retry-After, never 401 or 200', () => {
  const faults: Array<[string, (issuer: TestIssuer) => void]> = [
    ['down', (i) => i.introspection.down()],
    ['hanging', (i) => i.introspection.hang()],
    ['500', (i) => i.introspection.status(500)],
    ['garbage', (i) => i.introspection.garbage()],
    ['{}', (i) => i.introspection.empty()],
    ['truncated', (i) => i.introspection.truncated()],
    ['oversized', (i) => i.introspection.oversized(2 * 1024 * 1024, { contentLength: false })],
  ];
  for (const [name, inject] of faults) {
    it(name, async () => {
      const events: KeySourceEvent[] = [];
      const verifier = verifierWith({ timeout: 0.5, endpoint: issuer.introspectionEndpoint }, {}, events);
      inject(issuer);
      const error = await refusal(verifier.verify(issuer.opaqueToken({ sub: 'user-6' })));
      expect(error).toMatchObject({ reason: 'introspection_unavailable', status: 503 });
      expect(error.headers['retry-after']).toBe('5');
      expect(error.toJSON().error).toBe('temporarily_unavailable');
      expect(events.some((event) => event.type === 'introspection_failed')).toBe(true);
    });
  }

  it('a wrong client secret is our fault: 503 and an introspection_failed event, not 401 for the user', async () => {
    const events: KeySourceEvent[] = [];
    const verifier = verifierWith({ clientSecret: 'wrong' }, {}, events);
    const error = await refusal(verifier.verify(issuer.opaqueToken({})));
    expect(error.status).toBe(503);
    expect(events).toContainEqual(expect.objectContaining({ type: 'introspection_failed', kind: 'client_rejected', status: 401 }));
  });

  it('keeps serving a cached active answer while the endpoint is down', async () => {
    const verifier = verifierWith();
    const token = issuer.opaqueToken({ sub: 'user-8' });
    await verifier.verify(token);
    issuer.introspection.down();
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'user-8' });
  });

  it('logs faults without the token', async () => {
    const lines: string[] = [];
    const capture = (obj: object, msg?: string) => void lines.push(JSON.stringify(obj) + (msg ?? ''));
    const verifier = verifierWith({}, { logger: { debug: capture, info: capture, warn: capture, error: capture } });
    issuer.introspection.status(502);
    const token = issuer.opaqueToken({});
    await refusal(verifier.verify(token));
    expect(lines.some((line) => line.includes('introspection failed'))).toBe(true);
    expect(lines.join('\n')).not.toContain(token);
  });
});

describe('RFC 9701 signed answers', () => {
  let server: Server;
  let answer: () => string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/token-introspection+jwt' }).end(answer());
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('accepts an answer signed by the issuer for our client, refuses an unsigned JSON answer with 503', async () => {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
    const verifier = verifierWith({ endpoint, jwtResponse: true, cache: false });
    let signed = await issuer.sign(
      { token_introspection: { active: true, sub: 'user-9', aud: AUDIENCE, iss: issuer.url, scope: 'a' } },
      { audience: CLIENT.clientId, typ: 'token-introspection+jwt' },
    );
    answer = () => signed;
    await expect(verifier.verify('opaque-token-value-1')).resolves.toMatchObject({ subject: 'user-9', scopes: ['a'] });
    signed = await issuer.sign(
      { token_introspection: { active: true, aud: AUDIENCE } },
      { audience: 'someone-else', typ: 'token-introspection+jwt' },
    );
    expect((await refusal(verifier.verify('opaque-token-value-1'))).status).toBe(503);
    signed = await issuer.bad.tampered(
      { token_introspection: { active: false } },
      { audience: CLIENT.clientId, typ: 'token-introspection+jwt' },
      { token_introspection: { active: true, aud: AUDIENCE } },
    );
    expect((await refusal(verifier.verify('opaque-token-value-1'))).status).toBe(503);
    signed = JSON.stringify({ active: true, aud: AUDIENCE });
    expect((await refusal(verifier.verify('opaque-token-value-1'))).status).toBe(503);
  });
});
