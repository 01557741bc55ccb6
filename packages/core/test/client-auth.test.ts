import { generateKeyPairSync, createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { AuthConfigError } from '../src/errors.js';
import { fetchBounded } from '../src/net/fetch-json.js';
import { normalizeClientAuth } from '../src/net/client-auth.js';
import { startTestServer, type TestServer } from './remote-helpers.js';

interface Received {
  authorization: string | undefined;
  form: URLSearchParams;
}

let server: TestServer;
let last: Received | undefined;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/token', (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      last = { authorization: req.headers.authorization, form: new URLSearchParams(body) };
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.route('/moved', (_req, res) => res.writeHead(307, { location: '/token' }).end());
});
afterAll(() => server.close());

async function send(method: Parameters<typeof normalizeClientAuth>[0], path = '/token'): Promise<number> {
  const auth = normalizeClientAuth(method, 'introspection');
  const form = new URLSearchParams({ token: 'abc' });
  const headers: Record<string, string> = {};
  const endpoint = server.url(path);
  await auth.apply(endpoint, form, headers);
  const response = await fetchBounded(endpoint, { method: 'POST', form, headers, timeoutSeconds: 5, maxBytes: 1024 });
  return response.status;
}

describe('client authentication (introspection, token exchange)', () => {
  it('client_secret_basic form-encodes id and secret before base64 (RFC 6749 §2.3.1)', async () => {
    expect(await send({ clientId: 'api:one', clientSecret: 'p@ss word+/%' })).toBe(200);
    const encoded = last?.authorization?.replace(/^Basic /, '') ?? '';
    expect(Buffer.from(encoded, 'base64').toString()).toBe('api%3Aone:p%40ss+word%2B%2F%25');
    expect(last?.form.get('client_secret')).toBeNull();
  });

  it('client_secret_post sends the credentials in the form, not a header', async () => {
    await send({ clientId: 'api', clientSecret: 's3cret', clientAuth: 'client_secret_post' });
    expect(last?.authorization).toBeUndefined();
    expect(last?.form.get('client_id')).toBe('api');
    expect(last?.form.get('client_secret')).toBe('s3cret');
  });

  it('private_key_jwt signs a short-lived RFC 7523 assertion for the endpoint', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // Re-imported from PEM: exporting a fresh KeyObject can deadlock on Node 20.
    const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    await send({ clientId: 'api', privateKey: key });
    const assertion = last?.form.get('client_assertion') ?? '';
    expect(last?.form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(decodeProtectedHeader(assertion).alg).toBe('ES256');
    const { payload } = await jwtVerify(assertion, createPublicKey(key), { issuer: 'api', subject: 'api', audience: server.url('/token') });
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(60);
    await send({ clientId: 'api', privateKey: key });
    expect(last?.form.get('client_assertion')).not.toBe(assertion);
  });

  it('a POST is never redirected (credentials stay with the configured endpoint)', async () => {
    await expect(send({ clientId: 'api', clientSecret: 's' }, '/moved')).rejects.toMatchObject({ kind: 'redirect_refused' });
  });

  it.each([
    [{ clientId: '', clientSecret: 's' }, /clientId is required/],
    [{ clientId: 'a' }, /clientSecret is required/],
    [{ clientId: 'a', clientSecret: 's', clientAuth: 'tls_client_auth' as never }, /clientAuth must be/],
    [{ clientId: 'a', clientAuth: 'private_key_jwt' as const }, /privateKey is required/],
    [{ clientId: 'a', privateKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } }, /must be a private key/],
    [{ clientId: 'a', clientSecret: 's', privateKey: { kty: 'EC', d: 'd' } }, /not both/],
  ])('refuses bad credentials at construction: %j', (value, message) => {
    expect(() => normalizeClientAuth(value, 'introspection')).toThrow(AuthConfigError);
    expect(() => normalizeClientAuth(value, 'introspection')).toThrow(message);
  });
});
