import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverJwksUri, discoveryUrls } from '../src/keys/discovery.js';
import { AuthConfigError, AuthError } from '../src/errors.js';
import { KeySourceFetchError } from '../src/net/fetch-json.js';
import { RemoteKeySource } from '../src/keys/remote-jwks.js';
import {
  DEFAULT_JWKS,
  makeKey,
  manualClock,
  recordingEvents,
  recordingLogger,
  sendJson,
  settle,
  startTestServer,
  type TestKey,
  type TestServer,
} from './remote-helpers.js';

const OIDC = '/.well-known/openid-configuration';
const OAUTH = '/.well-known/oauth-authorization-server';
const LIMITS = { timeoutSeconds: 1, maxBytes: 64 * 1024, allowInsecureHttp: false };

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('disc-1');
});

let server: TestServer;
const open: RemoteKeySource[] = [];
beforeEach(async () => {
  server = await startTestServer();
  server.route('/keys', (_req, res) => sendJson(res, { keys: [key.jwk] }));
});
afterEach(async () => {
  for (const source of open.splice(0)) source.close();
  await server.close();
});

function metadata(path: string, document: () => unknown): void {
  server.route(path, (_req, res) => sendJson(res, document()));
}

function discovering(issuer: string, now?: () => number) {
  const { events, onEvent } = recordingEvents();
  const source = new RemoteKeySource({
    issuer,
    discoverFrom: issuer,
    jwks: DEFAULT_JWKS,
    allowInsecureHttp: false,
    logger: recordingLogger(),
    onEvent,
    realm: 'api',
    random: () => 0,
    ...(now === undefined ? {} : { now }),
  });
  open.push(source);
  return { source, events };
}

describe('discoveryUrls', () => {
  it('builds the OIDC and RFC 8414 locations, for issuers with and without a path', () => {
    expect(discoveryUrls('https://idp.example', false)).toEqual([`https://idp.example${OIDC}`, `https://idp.example${OAUTH}`]);
    expect(discoveryUrls('https://idp.example/', false)).toEqual([`https://idp.example${OIDC}`, `https://idp.example${OAUTH}`]);
    expect(discoveryUrls('https://idp.example/tenant/v2', false)).toEqual([
      `https://idp.example/tenant/v2${OIDC}`, // OIDC Discovery §4: appended
      `https://idp.example${OAUTH}/tenant/v2`, // RFC 8414 §3: inserted before the path
    ]);
    expect(discoveryUrls('https://idp.example/tenant/', false)[1]).toBe(`https://idp.example${OAUTH}/tenant`);
  });

  it('refuses issuers that cannot be discovered safely', () => {
    expect(() => discoveryUrls('http://idp.example', false)).toThrow(AuthConfigError);
    expect(() => discoveryUrls('http://idp.example', false)).toThrow(/issuer "http:\/\/idp\.example" uses http:/);
    expect(() => discoveryUrls('https://idp.example/?tenant=1', false)).toThrow(/query or fragment/);
    expect(() => discoveryUrls('https://idp.example/#x', false)).toThrow(/query or fragment/);
    expect(() => discoveryUrls('idp.example', false)).toThrow(/not an absolute URL/);
  });
});

describe('discoverJwksUri', () => {
  it('reads jwks_uri from the OpenID configuration', async () => {
    metadata(OIDC, () => ({ issuer: server.origin, jwks_uri: server.url('/keys') }));
    expect(await discoverJwksUri(server.origin, LIMITS)).toBe(server.url('/keys'));
    expect(server.hits(OAUTH)).toBe(0);
  });

  it('falls back to the OAuth authorization server metadata (RFC 8414), path inserted for a path issuer', async () => {
    const issuer = server.url('/tenant');
    metadata(`${OAUTH}/tenant`, () => ({ issuer, jwks_uri: server.url('/keys') }));
    expect(await discoverJwksUri(issuer, LIMITS)).toBe(server.url('/keys'));
    expect(server.hits(`/tenant${OIDC}`)).toBe(1); // tried first, 404
  });

  it('refuses a document naming another issuer, without trying the fallback', async () => {
    metadata(OIDC, () => ({ issuer: 'https://evil.example', jwks_uri: server.url('/keys') }));
    metadata(OAUTH, () => ({ issuer: server.origin, jwks_uri: server.url('/keys') }));
    const { error } = await settle(discoverJwksUri(server.origin, LIMITS));
    expect(error).toBeInstanceOf(KeySourceFetchError);
    expect((error as Error).message).toBe(`discovery document names issuer "https://evil.example", not the configured "${server.origin}"`);
    expect(server.hits(OAUTH)).toBe(0);
  });

  it('compares the issuer exactly (a trailing slash is another issuer)', async () => {
    metadata(OIDC, () => ({ issuer: `${server.origin}/`, jwks_uri: server.url('/keys') }));
    await expect(discoverJwksUri(server.origin, LIMITS)).rejects.toThrow(/names issuer/);
  });

  it('refuses a missing or non-https jwks_uri', async () => {
    metadata(OIDC, () => ({ issuer: server.origin }));
    await expect(discoverJwksUri(server.origin, LIMITS)).rejects.toThrow('discovery document has no jwks_uri string');
    metadata(OIDC, () => ({ issuer: server.origin, jwks_uri: 'http://keys.example/jwks' }));
    await expect(discoverJwksUri(server.origin, LIMITS)).rejects.toThrow(
      /jwks_uri "http:\/\/keys\.example\/jwks" refused: it uses http: on a non-loopback host/,
    );
  });

  it('reports both attempts when neither document exists', async () => {
    await expect(discoverJwksUri(server.origin, LIMITS)).rejects.toThrow(
      `no discovery document found (${server.url(OIDC)}: HTTP 404; ${server.url(OAUTH)}: HTTP 404)`,
    );
  });

  it('keeps one deadline for both attempts and does not retry a hung host', async () => {
    server.route(OIDC, () => {});
    const { error, ms } = await settle(discoverJwksUri(server.origin, { ...LIMITS, timeoutSeconds: 0.4 }));
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(ms).toBeLessThan(900);
    expect(server.hits(OAUTH)).toBe(0);
  });
});

describe('RemoteKeySource with discovery', () => {
  it('discovers once, then fetches the JWKS (happy path)', async () => {
    metadata(OIDC, () => ({ issuer: server.origin, jwks_uri: server.url('/keys') }));
    const { source, events } = discovering(server.origin);
    expect(source.health().uri).toBe(server.url(OIDC));
    expect((await source.getKey('disc-1', 'ES256')).kid).toBe('disc-1');
    await AuthErrorOf(source.getKey('unknown', 'ES256')); // forces a second JWKS fetch
    expect(server.hits(OIDC)).toBe(1);
    expect(server.hits('/keys')).toBe(2);
    expect(source.health().uri).toBe(server.url('/keys'));
    expect(events[0]).toMatchObject({ type: 'jwks_refreshed', uri: server.url('/keys'), trigger: 'startup' });
  });

  it('fails ready() with the reason when the issuer does not match', async () => {
    metadata(OIDC, () => ({ issuer: 'https://someone-else.example', jwks_uri: server.url('/keys') }));
    const { source } = discovering(server.origin);
    await expect(source.ready()).rejects.toThrow(
      `authgate: cannot load the signing keys of issuer "${server.origin}" from ${server.url(OIDC)}: discovery document names issuer "https://someone-else.example"`,
    );
    expect(await AuthErrorOf(source.getKey('disc-1', 'ES256'))).toMatchObject({ reason: 'key_source_unavailable', status: 503 });
    expect(server.hits('/keys')).toBe(0);
  });

  it('retries a failed discovery after the backoff instead of caching the failure', async () => {
    const clock = manualClock();
    server.route(OIDC, (_req, res) => res.writeHead(503).end());
    server.route(OAUTH, (_req, res) => res.writeHead(503).end());
    const { source, events } = discovering(server.origin, clock.now);
    expect(await AuthErrorOf(source.getKey('disc-1', 'ES256'))).toMatchObject({ reason: 'key_source_unavailable' });
    expect(await AuthErrorOf(source.getKey('disc-1', 'ES256'))).toMatchObject({ reason: 'key_source_unavailable' });
    expect(server.hits(OIDC)).toBe(1); // the second request was answered by the backoff
    expect(events).toMatchObject([{ type: 'jwks_refresh_failed', uri: server.url(OIDC), stale: false }]);
    metadata(OIDC, () => ({ issuer: server.origin, jwks_uri: server.url('/keys') }));
    clock.advance(1.1);
    expect((await source.getKey('disc-1', 'ES256')).kid).toBe('disc-1');
    expect(server.hits(OIDC)).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'jwks_refreshed', trigger: 'retry' });
  });

  it('refuses an issuer that cannot be discovered safely at construction', () => {
    expect(() => discovering('http://idp.example')).toThrow(AuthConfigError);
  });
});

async function AuthErrorOf(promise: Promise<unknown>): Promise<AuthError> {
  const { error } = await settle(promise);
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}
