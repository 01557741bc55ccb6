import { createTestIssuer, DEFAULT_CACHE_CONTROL, type PublicJwks, type TestIssuer } from '@authgate/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The `code` of the error under a failed fetch (undici wraps it as `cause`). */
async function fetchFailure(url: string, init?: RequestInit): Promise<string> {
  try {
    await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; name?: string } }).cause;
    return cause?.code ?? cause?.name ?? (error as Error).name;
  }
  throw new Error('the request succeeded');
}

describe('JWKS fault injection, observed over real HTTP', () => {
  let issuer: TestIssuer;
  let expectedBody: string;
  beforeEach(async () => {
    issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'], defaultAudience: 'orders-api' });
    expectedBody = JSON.stringify(issuer.publicJwks());
  });
  afterEach(() => issuer.close());

  it('normal: 200, the public JWKS, JSON, default Cache-Control', async () => {
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe(DEFAULT_CACHE_CONTROL);
    expect(await response.text()).toBe(expectedBody);
  });

  it('down(): the connection is reset, every time, until recover()', async () => {
    issuer.jwks.down();
    expect(await fetchFailure(issuer.jwksUri)).toBe('ECONNRESET');
    expect(await fetchFailure(issuer.jwksUri)).toBe('ECONNRESET');
    // Only the JWKS endpoint is down: discovery still answers.
    expect((await fetch(`${issuer.url}/.well-known/openid-configuration`)).status).toBe(200);
    issuer.jwks.recover();
    expect(await (await fetch(issuer.jwksUri)).text()).toBe(expectedBody);
    expect(issuer.jwks.requests).toBe(3);
  });

  it.each([500, 503, 404, 429])('status(%i): that status with a JSON error body', async (code) => {
    issuer.jwks.status(code);
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(code);
    expect(await response.json()).toEqual({ error: 'injected_fault', status: code });
  });

  it('status() refuses what is not an HTTP status', () => {
    expect(() => issuer.jwks.status(99)).toThrow(RangeError);
    expect(() => issuer.jwks.status(600)).toThrow(RangeError);
    expect(() => issuer.jwks.status(500.5)).toThrow(RangeError);
  });

  it('slow(ms): waits, then answers normally', async () => {
    issuer.jwks.slow(300);
    const started = performance.now();
    const response = await fetch(issuer.jwksUri);
    const body = await response.text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(response.status).toBe(200);
    expect(body).toBe(expectedBody);
    // A client deadline shorter than the delay trips.
    expect(await fetchFailure(issuer.jwksUri, { signal: AbortSignal.timeout(100) })).toBe('TimeoutError');
  });

  it('hang(): no answer at all; a client timeout is the only way out', async () => {
    issuer.jwks.hang();
    const started = performance.now();
    expect(await fetchFailure(issuer.jwksUri, { signal: AbortSignal.timeout(300) })).toBe('TimeoutError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(issuer.jwks.requests).toBe(1);
  });

  it('garbage(): 200 with an HTML body', async () => {
    issuer.jwks.garbage();
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await response.text();
    expect(body).toMatch(/^<!DOCTYPE html>/);
    expect(() => JSON.parse(body)).toThrow(SyntaxError);
  });

  it('truncated(): a complete response holding the first half of the JSON', async () => {
    issuer.jwks.truncated();
    const response = await fetch(issuer.jwksUri);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
    expect(body.length).toBe(Math.floor(expectedBody.length / 2));
    expect(expectedBody.startsWith(body)).toBe(true);
    expect(() => JSON.parse(body)).toThrow(SyntaxError);
  });

  it('oversized(bytes): a valid JWKS padded to the size, with Content-Length', async () => {
    issuer.jwks.oversized(300_000);
    const response = await fetch(issuer.jwksUri);
    expect(response.headers.get('content-length')).toBe('300000');
    const body = await response.text();
    expect(body.length).toBe(300_000);
    const parsed = JSON.parse(body) as PublicJwks & { padding: string };
    expect(parsed.keys).toEqual(issuer.publicJwks().keys);
  });

  it('oversized(bytes, { contentLength: false }): the same body, chunked', async () => {
    issuer.jwks.oversized(2 * 1024 * 1024, { contentLength: false });
    const response = await fetch(issuer.jwksUri);
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect((await response.text()).length).toBe(2 * 1024 * 1024);
  });

  it('empty(): {"keys":[]}', async () => {
    issuer.jwks.empty();
    expect(await (await fetch(issuer.jwksUri)).json()).toEqual({ keys: [] });
  });

  it('requests counts every JWKS request (faulted ones too) and nothing else; resetCount() zeroes it', async () => {
    await fetch(issuer.jwksUri).then((response) => response.text());
    issuer.jwks.status(500);
    await fetch(issuer.jwksUri).then((response) => response.text());
    await fetch(`${issuer.url}/.well-known/openid-configuration`).then((response) => response.text());
    await fetch(`${issuer.url}/elsewhere`).then((response) => response.text());
    expect(issuer.jwks.requests).toBe(2);
    issuer.jwks.resetCount();
    expect(issuer.jwks.requests).toBe(0);
  });

  it('cacheControl(): sets or drops the header', async () => {
    issuer.jwks.cacheControl('no-store');
    expect((await fetch(issuer.jwksUri)).headers.get('cache-control')).toBe('no-store');
    issuer.jwks.cacheControl(null);
    expect((await fetch(issuer.jwksUri)).headers.has('cache-control')).toBe(false);
    expect(() => issuer.jwks.cacheControl('max-age=1\r\nx-injected: 1')).toThrow(TypeError);
  });

  it('close() ends hung and slow requests at once', async () => {
    issuer.jwks.hang();
    const hung = fetchFailure(issuer.jwksUri);
    issuer.jwks.slow(60_000);
    const slow = fetchFailure(issuer.jwksUri);
    await expect.poll(() => issuer.jwks.requests, { timeout: 2000 }).toBe(2);
    const started = performance.now();
    await issuer.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await hung).toBe('UND_ERR_SOCKET');
    expect(await slow).toBe('UND_ERR_SOCKET');
    await issuer.close(); // twice is fine
    expect(await fetchFailure(issuer.jwksUri)).toBe('ECONNREFUSED');
  });
});
