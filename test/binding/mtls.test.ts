/**
 * Certificate-bound tokens (RFC 8705 §3) through both adapters: over a real TLS connection with client
 * certificates from a throwaway CA, and behind a TLS-terminating proxy that forwards the certificate in a header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, createTestIssuer, type TestCa, type TestCertificate, type TestIssuer } from '@authgate/testing';
import { FRAMEWORKS, send, startProtected, type Framework, type ProtectedServer } from './servers.js';

const AUDIENCE = 'api://orders';
let issuer: TestIssuer;
let ca: TestCa;
let serverCert: TestCertificate;
let alice: TestCertificate;
let mallory: TestCertificate;
let base: Record<string, unknown>;
const running: ProtectedServer[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], defaultAudience: AUDIENCE });
  ca = await createTestCa();
  [serverCert, alice, mallory] = await Promise.all([
    ca.issue({ commonName: 'api', serverNames: ['127.0.0.1'] }),
    ca.issue({ commonName: 'alice' }),
    ca.issue({ commonName: 'mallory' }),
  ]);
  base = { issuer: issuer.url, audience: AUDIENCE, algorithms: ['ES256'], jwksUri: issuer.jwksUri };
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
  await issuer?.close();
  await ca?.close();
});

async function startTls(framework: Framework, options: Record<string, unknown> = {}): Promise<ProtectedServer> {
  // RFC 8705 §2: the binding, not the chain, is what counts, so the server asks for any certificate.
  const tls = { key: serverCert.keyPem, cert: serverCert.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false };
  const server = await startProtected(framework, { ...base, ...options }, { tls });
  running.push(server);
  return server;
}

async function startPlain(framework: Framework, options: Record<string, unknown>): Promise<ProtectedServer> {
  const server = await startProtected(framework, { ...base, ...options });
  running.push(server);
  return server;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

describe.each(FRAMEWORKS)('%s: certificate-bound tokens', (framework) => {
  it('accepts a bound token over TLS with its certificate; refuses it with another or none (every request)', async () => {
    const server = await startTls(framework);
    const token = await issuer.sign({ sub: 'alice', cnf: alice.cnf });
    for (let i = 0; i < 3; i += 1) {
      const ok = await send(server.origin, { headers: bearer(token), tls: { cert: alice.certPem, key: alice.keyPem, ca: ca.certPem } });
      expect(ok.status, ok.body).toBe(200);
      expect(JSON.parse(ok.body).confirmation).toEqual({ 'x5t#S256': alice.thumbprint });
      const other = await send(server.origin, { headers: bearer(token), tls: { cert: mallory.certPem, key: mallory.keyPem, ca: ca.certPem } });
      expect(other.status).toBe(401);
      expect(other.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
      const none = await send(server.origin, { headers: bearer(token), tls: { ca: ca.certPem } });
      expect(none.status).toBe(401);
    }
  });

  it("passes unbound tokens by default; 'required' refuses them", async () => {
    const plain = await issuer.sign({ sub: 'bob' });
    const tls = { cert: alice.certPem, key: alice.keyPem, ca: ca.certPem };
    const allowed = await startTls(framework);
    expect((await send(allowed.origin, { headers: bearer(plain), tls })).status).toBe(200);
    const required = await startTls(framework, { mtls: { mode: 'required' } });
    for (let i = 0; i < 3; i += 1) {
      const reply = await send(required.origin, { headers: bearer(plain), tls });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    }
    expect((await send(required.origin, { headers: bearer(await issuer.sign({ sub: 'alice', cnf: alice.cnf })), tls })).status).toBe(200);
  });

  it('a bound token over plain HTTP (no certificate at all) is refused', async () => {
    const server = await startPlain(framework, {});
    const reply = await send(server.origin, { headers: bearer(await issuer.sign({ sub: 'alice', cnf: alice.cnf })) });
    expect(reply.status).toBe(401);
  });

  it('behind a proxy: the certificate header counts only from a trusted proxy address or range', async () => {
    const token = await issuer.sign({ sub: 'alice', cnf: alice.cnf });
    const trusted = await startPlain(framework, {
      mtls: { certificate: { header: 'X-SSL-Client-Cert', trustedProxies: ['10.0.0.0/8', '127.0.0.0/8'] } },
    });
    expect((await send(trusted.origin, { headers: { ...bearer(token), 'x-ssl-client-cert': alice.escapedPem } })).status).toBe(200);
    expect((await send(trusted.origin, { headers: { ...bearer(token), 'x-ssl-client-cert': mallory.escapedPem } })).status).toBe(401);
    expect((await send(trusted.origin, { headers: { ...bearer(token), 'x-ssl-client-cert': 'garbage%' } })).status).toBe(401);
    expect((await send(trusted.origin, { headers: bearer(token) })).status).toBe(401);
    const untrusted = await startPlain(framework, { mtls: { certificate: { header: 'x-ssl-client-cert', trustedProxies: ['10.0.0.0/8', '::1'] } } });
    const spoofed = await send(untrusted.origin, { headers: { ...bearer(token), 'x-ssl-client-cert': alice.escapedPem } });
    expect(spoofed.status).toBe(401);
  });

  it('refuses bad mtls options at construction', async () => {
    for (const mtls of [
      { mode: 'always' },
      { certificate: { header: 'x-cert', trustedProxies: [] } },
      { certificate: { header: 'x-cert', trustedProxies: ['10.0.0.0/33'] } },
    ]) {
      await expect(startPlain(framework, { mtls })).rejects.toThrow(/mtls/);
    }
  });
});
