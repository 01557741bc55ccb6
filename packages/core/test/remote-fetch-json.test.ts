import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError } from '../src/errors.js';
import { fetchJson, freshnessFromHeaders, KeySourceFetchError } from '../src/net/fetch-json.js';
import { assertFetchableUrl, isLoopbackHost } from '../src/net/url-policy.js';
import { refusedUrl, sendJson, settle, startTestServer, type TestServer } from './remote-helpers.js';

// A 1 s timeout: short enough for a quick suite, long enough that a busy CI machine does not trip it by accident.
const LIMITS = { timeoutSeconds: 1, maxBytes: 1024 };
const BODY_MARKER = 'do-not-echo-this-body';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  server.route('/ok', (_req, res) => sendJson(res, { keys: [] }, { 'cache-control': 'public, max-age=120' }));
  server.route('/500', (_req, res) => res.writeHead(500).end(BODY_MARKER));
  server.route('/html', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${BODY_MARKER}</html>`));
  server.route('/truncated', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[{"kty":"EC"'));
  server.route('/latin1', (_req, res) => res.writeHead(200).end(Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d])));
  server.route('/big-declared', (_req, res) => res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)));
  server.route('/big-streamed', (_req, res) => {
    // Chunked, no Content-Length: only counting the stream can catch it. It never ends on its own.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`{"keys":[${'0,'.repeat(600)}`);
    res.write('0,'.repeat(600));
  });
  server.route('/hang-headers', () => {});
  server.route('/hang-body', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"keys":');
  });
  server.route('/slow', (_req, res) => void setTimeout(() => sendJson(res, { slow: true }), 200));
  server.route('/redirect-local', (_req, res) => res.writeHead(302, { location: '/ok' }).end());
  server.route('/redirect-remote-http', (_req, res) => res.writeHead(301, { location: 'http://10.255.255.1/jwks' }).end());
  server.route('/redirect-loop', (_req, res) => res.writeHead(307, { location: '/redirect-loop' }).end());
});
afterAll(() => server.close());

async function failure(path: string, limits = LIMITS): Promise<KeySourceFetchError> {
  const { error } = await settle(fetchJson(server.url(path), limits));
  expect(error).toBeInstanceOf(KeySourceFetchError);
  expect(String((error as Error).message)).not.toContain(BODY_MARKER);
  return error as KeySourceFetchError;
}

describe('fetchJson', () => {
  it('returns the parsed body and the Cache-Control max-age', async () => {
    expect(await fetchJson(server.url('/ok'), LIMITS)).toEqual({ body: { keys: [] }, cacheControlMaxAge: 120 });
  });

  it('refuses non-2xx answers with the status only', async () => {
    const error = await failure('/500');
    expect(error).toMatchObject({ kind: 'http_status', status: 500, message: 'HTTP 500', url: server.url('/500') });
  });

  it('refuses HTML, truncated JSON and non-UTF-8 bodies as not JSON', async () => {
    for (const path of ['/html', '/truncated', '/latin1']) {
      expect(await failure(path)).toMatchObject({ kind: 'not_json', message: 'response is not JSON' });
    }
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    expect(await failure('/big-declared')).toMatchObject({ kind: 'too_large', message: 'response larger than 1024 bytes' });
  });

  it('stops reading a streamed body as soon as it passes the limit', async () => {
    const { error, ms } = await settle(fetchJson(server.url('/big-streamed'), { timeoutSeconds: 5, maxBytes: 1024 }));
    expect(error).toMatchObject({ kind: 'too_large' });
    expect(ms).toBeLessThan(2500); // did not wait for the 5 s timeout: aborted on size
  });

  it('times out a hung endpoint, before headers and mid-body, within the timeout', async () => {
    for (const path of ['/hang-headers', '/hang-body']) {
      const { error, ms } = await settle(fetchJson(server.url(path), LIMITS));
      expect(error).toMatchObject({ kind: 'timeout', message: 'timed out after 1 s' });
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(2500);
    }
  });

  it('accepts a slow answer that arrives under the timeout', async () => {
    expect((await fetchJson(server.url('/slow'), LIMITS)).body).toEqual({ slow: true });
  });

  it('reports a refused connection with its code', async () => {
    const { error } = await settle(fetchJson(await refusedUrl(), LIMITS));
    expect(error).toMatchObject({ kind: 'connection_failed', message: 'connection failed (ECONNREFUSED)' });
  });

  it('follows redirects on loopback but refuses one to http: elsewhere without connecting', async () => {
    expect((await fetchJson(server.url('/redirect-local'), LIMITS)).body).toEqual({ keys: [] });
    const { error, ms } = await settle(fetchJson(server.url('/redirect-remote-http'), LIMITS));
    expect(error).toMatchObject({ kind: 'redirect_refused' });
    expect((error as Error).message).toContain('non-loopback');
    expect(ms).toBeLessThan(900); // refused before any connection attempt to 10.255.255.1 (which would time out)
    expect(await failure('/redirect-loop')).toMatchObject({ kind: 'redirect_refused', message: 'more than 5 redirects' });
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { error, ms } = await settle(fetchJson(server.url('/hang-headers'), { timeoutSeconds: 5, maxBytes: 1024, signal: controller.signal }));
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(ms).toBeLessThan(2500);
  });
});

describe('freshnessFromHeaders', () => {
  const fresh = (headers: Record<string, string>) => freshnessFromHeaders(new Headers(headers));
  it('reads max-age, subtracts Age, and treats no-store / no-cache as 0', () => {
    expect(fresh({})).toBeUndefined();
    expect(fresh({ 'cache-control': 'public, max-age=300' })).toBe(300);
    expect(fresh({ 'cache-control': 'max-age="300"' })).toBe(300);
    expect(fresh({ 'cache-control': 'max-age=300', age: '100' })).toBe(200);
    expect(fresh({ 'cache-control': 'max-age=300', age: '400' })).toBe(0);
    expect(fresh({ 'cache-control': 'no-store' })).toBe(0);
    expect(fresh({ 'cache-control': 'max-age=300, no-cache' })).toBe(0);
    expect(fresh({ 'cache-control': 'max-age=-1' })).toBeUndefined();
    expect(fresh({ 'cache-control': 'max-age=1e9' })).toBeUndefined();
  });
});

describe('URL policy', () => {
  it('allows https anywhere and http on loopback only', () => {
    expect(assertFetchableUrl('https://idp.example/jwks', false).href).toBe('https://idp.example/jwks');
    for (const url of [
      'http://127.0.0.1:8080/jwks',
      'http://127.9.9.9/jwks',
      'http://localhost:3000/jwks',
      'http://[::1]:3000/jwks',
      'http://[::ffff:127.0.0.1]/jwks',
    ]) {
      expect(() => assertFetchableUrl(url, false)).not.toThrow();
    }
    expect(() => assertFetchableUrl('http://idp.example/jwks', true)).not.toThrow();
  });

  it('refuses everything else with a message that says what to fix', () => {
    expect(() => assertFetchableUrl('http://idp.example/jwks', false)).toThrow(AuthConfigError);
    expect(() => assertFetchableUrl('http://idp.example/jwks', false)).toThrow(
      /jwksUri "http:\/\/idp\.example\/jwks" uses http: on a non-loopback host; use https:/,
    );
    expect(() => assertFetchableUrl('http://128.0.0.1/jwks', false)).toThrow(/non-loopback/);
    expect(() => assertFetchableUrl('http://localhost.evil.example/jwks', false)).toThrow(/non-loopback/);
    expect(() => assertFetchableUrl('ftp://idp.example/jwks', false)).toThrow(/scheme ftp:/);
    expect(() => assertFetchableUrl('/jwks', false)).toThrow(/not an absolute URL/);
    expect(() => assertFetchableUrl('https://user:secret@idp.example/jwks', false)).toThrow(/contains credentials/);
    expect(() => assertFetchableUrl('https://user:secret@idp.example/jwks', false)).not.toThrow(/secret/);
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('[::2]')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.nip.io')).toBe(false);
  });
});
