import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, createVerifier, type VerifierOptions } from '../src/index.js';
import { recordingEvents, startTestServer, type TestServer } from './remote-helpers.js';

// Per-kid PEM keys (AWS ALB): fetched once per kid, bounded, held to the same key rules as a JWKS.

function es256Token(privateKey: KeyObject, kid: string, claims: Record<string, unknown> = {}): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'ES256', kid })}.${encode({ iss: 'https://idp.example', sub: 'u', exp: Math.floor(Date.now() / 1000) + 300, ...claims })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

describe('publicKeyUri: one PEM public key per kid', () => {
  let server: TestServer;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/keys/good-kid', (_req, res) => res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pem));
    server.route('/keys/html-kid', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>oops</html>'));
    server.route('/keys/weak-kid', (_req, res) => res.writeHead(200).end(weakRsa));
    server.route('/keys/broken-kid', (_req, res) => res.writeHead(500).end());
  });
  afterAll(async () => server?.close());

  const options = (extra: Partial<VerifierOptions> = {}): VerifierOptions => ({
    issuer: null,
    audience: null,
    algorithms: ['ES256'],
    publicKeyUri: server.url('/keys/{kid}'),
    ...extra,
  });

  it('fetches a kid once and then verifies from memory; ready() fetches nothing', async () => {
    const verifier = createVerifier(options({ cache: false }));
    await verifier.ready();
    expect(server.hits('/keys/good-kid')).toBe(0);
    await expect(verifier.verify(es256Token(ec.privateKey, 'good-kid'))).resolves.toMatchObject({ subject: 'u' });
    await expect(verifier.verify(es256Token(ec.privateKey, 'good-kid', { sub: 'v' }))).resolves.toMatchObject({ subject: 'v' });
    expect(server.hits('/keys/good-kid')).toBe(1);
    expect(verifier.health()).toMatchObject({ ok: true, issuers: [{ kind: 'remote', keys: 1 }] });
    verifier.close();
  });

  it('refuses an unknown kid (404) and remembers it briefly', async () => {
    const verifier = createVerifier(options());
    const token = es256Token(ec.privateKey, 'missing-kid');
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'unknown_key' });
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'unknown_key' });
    expect(server.hits('/keys/missing-kid')).toBe(1);
    verifier.close();
  });

  it('answers 503 when the endpoint serves no usable key: not PEM, a 1024-bit RSA key, a 500', async () => {
    const { events, onEvent } = recordingEvents();
    const verifier = createVerifier(options({ algorithms: ['ES256', 'RS256'], onEvent }));
    for (const kid of ['html-kid', 'weak-kid', 'broken-kid']) {
      await expect(verifier.verify(es256Token(ec.privateKey, kid))).rejects.toMatchObject({ reason: 'key_source_unavailable', status: 503 });
    }
    const failures = events.filter((event) => event.type === 'jwks_refresh_failed').map((event) => (event as { error: string }).error);
    expect(failures.join('\n')).toMatch(/not a PEM public key[\s\S]*1024 bits[\s\S]*HTTP 500/);
    verifier.close();
  });

  it('binds the key to the algorithm: an EC key never verifies RS256', async () => {
    const verifier = createVerifier(options({ algorithms: ['ES256', 'RS256'] }));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'RS256', kid: 'good-kid' })}.${encode({ iss: 'https://idp.example', sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 })}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'key_algorithm_mismatch' });
    verifier.close();
  });

  it('never puts a kid that is not a plain identifier into the URL', async () => {
    const verifier = createVerifier(options());
    const before = server.hits('/keys/good-kid');
    for (const kid of ['../good-kid', 'a/b', 'x?y', '%2e%2e', '']) {
      await expect(verifier.verify(es256Token(ec.privateKey, kid))).rejects.toMatchObject({ reason: 'unknown_key' });
    }
    expect(server.hits('/keys/good-kid')).toBe(before);
    verifier.close();
  });

  it('validates the template at construction', () => {
    const make = (extra: Partial<VerifierOptions>) => () => createVerifier({ issuer: null, audience: null, algorithms: ['ES256'], ...extra });
    expect(make({ publicKeyUri: 'https://keys.example.com/key' })).toThrow(/\{kid\} exactly once/);
    expect(make({ publicKeyUri: 'https://{kid}.example.com/key' })).toThrow(/after the host/);
    expect(make({ publicKeyUri: 'http://keys.example.com/{kid}' })).toThrow(/http: on a non-loopback host/);
    expect(make({ publicKeyUri: 'https://keys.example.com/{kid}', jwksUri: 'https://keys.example.com/jwks' })).toThrow(AuthConfigError);
  });
});
