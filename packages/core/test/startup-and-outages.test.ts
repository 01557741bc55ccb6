import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthConfigError, AuthStartupError, createVerifier, decodeUnverified, AuthError, type VerifierOptions } from '@authgate/core';
import {
  makeKey,
  recordingLogger,
  refusedUrl,
  sendJson,
  serveJwks,
  sleep,
  startTestServer,
  type TestKey,
  type TestServer,
} from './remote-helpers.js';

const AUDIENCE = 'orders-api';
let key: TestKey;
let server: TestServer;
const closers: Array<() => void> = [];

beforeAll(async () => {
  key = await makeKey('key-a');
});
beforeEach(async () => {
  server = await startTestServer();
  server.route(
    '/jwks',
    serveJwks(() => ({ keys: [key.jwk] })),
  );
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await server.close();
});

function verifierFor(options: Partial<VerifierOptions>) {
  const verifier = createVerifier({ issuer: server.origin, audience: AUDIENCE, algorithms: ['ES256'], jwksUri: server.url('/jwks'), ...options });
  closers.push(() => verifier.close());
  return verifier;
}

function token(claims: Record<string, unknown> = {}): Promise<string> {
  return key.sign({ sub: 'user-1', iss: server.origin, aud: AUDIENCE, ...claims });
}

async function startupError(options: Partial<VerifierOptions>): Promise<AuthStartupError> {
  const error = await verifierFor({ ...options, logger: false })
    .ready()
    .then(
      () => undefined,
      (failure: unknown) => failure,
    );
  expect(error).toBeInstanceOf(AuthStartupError);
  expect(error).toBeInstanceOf(AuthConfigError); // start-up code that catches config errors needs no change
  return error as AuthStartupError;
}

describe('ready() says why start-up failed, with a reason and a hint', () => {
  it('refused: nothing listens there', async () => {
    const error = await startupError({ jwksUri: await refusedUrl() });
    expect(error.reason).toBe('refused');
    expect(error.message).toMatch(
      /^authgate: cannot load the signing keys of issuer ".*" from http:\/\/127\.0\.0\.1:\d+\/jwks: connection failed \(ECONNREFUSED\) \[refused\]\. Hint: /,
    );
    expect(error.hint).toMatch(/port/);
  });

  it('dns: the host does not resolve', async () => {
    const error = await startupError({ jwksUri: 'https://authgate-test.invalid/jwks', jwksOptions: { timeout: 10 } });
    expect(error.reason).toBe('dns');
    expect(error.hint).toMatch(/DNS/);
  });

  it('tls: the TLS handshake fails', async () => {
    const error = await startupError({ jwksUri: server.url('/jwks').replace('http:', 'https:') });
    expect(error.reason).toBe('tls');
    expect(error.hint).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it('bad_document: the URL answers something else (HTML, a 404)', async () => {
    server.route('/html', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    expect((await startupError({ jwksUri: server.url('/html') })).reason).toBe('bad_document');
    expect((await startupError({ jwksUri: server.url('/missing') })).reason).toBe('bad_document');
    server.route('/object', (_req, res) => sendJson(res, { hello: 'world' }));
    expect((await startupError({ jwksUri: server.url('/object') })).reason).toBe('bad_document');
  });

  it('unreachable: the provider fails (5xx)', async () => {
    server.route('/down', (_req, res) => res.writeHead(503).end());
    const error = await startupError({ jwksUri: server.url('/down') });
    expect(error.reason).toBe('unreachable');
    expect(error.message).toContain('HTTP 503');
  });

  it('issuer_mismatch: discovery names another issuer (the trailing slash)', async () => {
    server.route('/.well-known/openid-configuration', (_req, res) => sendJson(res, { issuer: server.origin, jwks_uri: server.url('/jwks') }));
    const error = await startupError({ issuer: `${server.origin}/`, jwksUri: undefined });
    expect(error.reason).toBe('issuer_mismatch');
    expect(error.hint).toMatch(/trailing slash/);
  });
});

describe('an outage is logged once per state change, not per request', () => {
  it('warns when fetches start failing and when they recover; retries in between go to debug', async () => {
    const logger = recordingLogger();
    const verifier = verifierFor({ logger, jwksOptions: { maxAge: 1, minAge: 0 } });
    await verifier.ready();
    const good = await token();
    await verifier.verify(good);
    await server.stop();
    await sleep(1100); // the set is due: the next requests refresh in the background, and fail
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 20; i += 1) expect((await verifier.verify(good)).subject).toBe('user-1'); // the stale set verifies
      await sleep(1200); // past the retry backoff: another failed fetch
    }
    const failures = () => logger.entries.filter((entry) => entry.msg?.includes('failed'));
    expect(failures().filter((entry) => entry.level === 'debug').length).toBeGreaterThan(0); // failed again, not re-warned
    expect(failures().filter((entry) => entry.level === 'warn')).toHaveLength(1);
    expect(failures().find((entry) => entry.level === 'warn')?.msg).toContain('verifying with the last good key set');

    await server.start();
    // Requests let the due refresh start once the backoff allows; the first success ends the outage.
    for (let i = 0; i < 40 && !logger.entries.some((entry) => entry.msg?.includes('recovered')); i += 1) {
      await verifier.verify(good);
      await sleep(250);
    }
    expect(logger.entries.filter((entry) => entry.level === 'warn' && entry.msg?.includes('recovered'))).toHaveLength(1);
    expect(logger.text()).not.toContain(good);
  }, 30_000);

  it('a cold outage answers 503 and warns once', async () => {
    const logger = recordingLogger();
    const verifier = createVerifier({ issuer: server.origin, audience: AUDIENCE, algorithms: ['ES256'], jwksUri: await refusedUrl(), logger });
    closers.push(() => verifier.close());
    const good = await token();
    for (let i = 0; i < 30; i += 1) {
      const error = await verifier.verify(good).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect((error as AuthError).reason).toBe('key_source_unavailable');
    }
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('answered 503');
  });
});

describe('identity.token and identity.header', () => {
  it('carry the raw token (not enumerable: never serialized or spread) and the protected header', async () => {
    const verifier = verifierFor({ logger: false });
    const good = await token();
    for (let i = 0; i < 3; i += 1) {
      // Fresh, then admitted to the cache, then from the cache: the same answer each time.
      const identity = await verifier.verify(good);
      expect(identity.token).toBe(good);
      expect(identity.header).toEqual({ alg: 'ES256', kid: 'key-a' });
      expect(Object.keys(identity)).not.toContain('token');
      expect(JSON.stringify(identity)).not.toContain(good);
      expect({ ...identity }).not.toHaveProperty('token');
      expect(Object.isFrozen(identity)).toBe(true);
    }
  });
});

describe('decodeUnverified', () => {
  it('shows what a token claims, without checking anything', async () => {
    const claimed = await token({ scope: 'orders:read' });
    const tampered = `${claimed.slice(0, -4)}AAAA`;
    const { header, payload } = decodeUnverified(tampered);
    expect(header).toMatchObject({ alg: 'ES256', kid: 'key-a' });
    expect(payload).toMatchObject({ sub: 'user-1', scope: 'orders:read', iss: server.origin });
  });

  it('refuses what is not a JWS at all', () => {
    expect(() => decodeUnverified('not-a-token')).toThrow(AuthError);
    expect(() => decodeUnverified('a.b.c.d.e')).toThrow(/Encrypted/);
  });
});
