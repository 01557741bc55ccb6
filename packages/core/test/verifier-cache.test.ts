import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError, createVerifier, type Verifier } from '@authgate/core';
import { makeKey, recordingLogger, serveJwks, startTestServer, until, type TestKey, type TestServer } from './remote-helpers.js';

// Cache hits must not outlive the key set: a withdrawn key's tokens and an outage past maxStale reach cached tokens too.
const ISSUER = 'https://idp.test/';
let server: TestServer | undefined;
let verifier: Verifier | undefined;

afterEach(async () => {
  vi.useRealTimers();
  verifier?.close();
  await server?.close();
});

// Tokens live 5 minutes; every clock jump below stays inside that.
const tokenOf = (key: TestKey): Promise<string> => key.sign({ iss: ISSUER, aud: 'api', sub: 'user-1' });

async function setUp(): Promise<{ keys: { current: TestKey[] }; token: string }> {
  vi.useFakeTimers({ toFake: ['Date'] });
  const first = await makeKey('first');
  const keys = { current: [first] };
  server = await startTestServer();
  server.route(
    '/jwks',
    serveJwks(() => ({ keys: keys.current.map((key) => key.jwk) })),
  );
  verifier = createVerifier({
    issuer: ISSUER,
    audience: 'api',
    algorithms: ['ES256'],
    jwksUri: server.url('/jwks'),
    jwksOptions: { maxAge: 60, minAge: 0, maxStale: 120 },
    logger: recordingLogger(),
  });
  const token = await tokenOf(first);
  await verifier.verify(token);
  await verifier.verify(token); // the second verification puts it in the cache
  return { keys, token };
}

describe('verified-token cache and the key set', () => {
  it('a cache hit starts the due refresh, and a withdrawn key stops verifying its cached tokens', async () => {
    const { keys, token } = await setUp();
    keys.current = [await makeKey('second')];
    vi.setSystemTime(Date.now() + 61_000);
    // Served from the cache while the routine refresh runs in the background...
    await expect(verifier?.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    await until(() => server?.hits('/jwks') === 2);
    await until(() => verifier?.health().issuers[0]?.lastRefresh?.getTime() === Date.now());
    // ...which withdrew the key, evicting what it verified (from the synchronous answer too).
    expect(verifier?.cached?.(token)).toBeUndefined();
    await expect(verifier?.verify(token)).rejects.toMatchObject({ reason: 'unknown_key' });
  });

  it('past maxStale a cached token is refused with 503, like any other', async () => {
    const { token } = await setUp();
    await server?.stop();
    vi.setSystemTime(Date.now() + 30_000);
    await expect(verifier?.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    expect(verifier?.cached?.(token)).toMatchObject({ subject: 'user-1' });
    vi.setSystemTime(Date.now() + (60 + 120 + 1) * 1000);
    expect(verifier?.cached?.(token)).toBeUndefined();
    const error = await verifier?.verify(token).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 503, reason: 'key_source_unavailable' });
  });
});
