/**
 * Workload identity from the mTLS client certificate (an X.509-SVID: its one `spiffe://` URI SAN), beside the user's
 * bearer token. Real `https` servers on 127.0.0.1 with `requestCert`, certificates from throwaway CAs made by
 * openssl, through Express and Fastify; and behind a TLS-terminating proxy that forwards the certificate in a header.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity, WorkloadOptions } from '@authgate/core';
import { jwtAuth as expressAuth, requireUser, requireWorkload } from '@authgate/express';
import fastifyAuth from '@authgate/fastify';
import { createTestCa, createTestIssuer, type TestCa, type TestCertificate, type TestIssuer } from '@authgate/testing';
import { FRAMEWORKS, send, type Framework, type RawReply } from './binding/servers.js';

const AUDIENCE = 'orders-api';
const CHECKOUT = 'spiffe://example.org/ns/prod/sa/checkout';
const BILLING = 'spiffe://example.org/ns/prod/sa/billing';
const PARTNER = 'spiffe://partner.org/ns/prod/sa/importer';

let issuer: TestIssuer;
let ca: TestCa;
let strangerCa: TestCa;
let serverCert: TestCertificate;
type CertName = 'checkout' | 'billing' | 'partner' | 'evil' | 'noUri' | 'twoUris' | 'notSpiffe' | 'stranger';
const certs = {} as Record<CertName, TestCertificate>;

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], defaultAudience: AUDIENCE });
  [ca, strangerCa] = await Promise.all([createTestCa(), createTestCa()]);
  serverCert = await ca.issue({ commonName: 'orders-api', serverNames: ['127.0.0.1'] });
  const issue = async (name: CertName, uris: string[], from = ca): Promise<void> => {
    certs[name] = await from.issue({ commonName: name, uris });
  };
  await Promise.all([
    issue('checkout', [CHECKOUT]),
    issue('billing', [BILLING]),
    issue('partner', [PARTNER]),
    issue('evil', ['spiffe://example.org.evil.com/ns/prod/sa/checkout']),
    issue('noUri', []),
    issue('twoUris', [CHECKOUT, BILLING]),
    issue('notSpiffe', ['https://example.org/ns/prod/sa/checkout']),
    issue('stranger', [CHECKOUT], strangerCa),
  ]);
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
  await issuer?.close();
  await ca?.close();
  await strangerCa?.close();
});

interface Running {
  origin: string;
  close(): Promise<void>;
}
const running: Running[] = [];

const userOptions = () => ({ issuer: issuer.url, audience: AUDIENCE, algorithms: ['ES256' as const], jwksUri: issuer.jwksUri });
const describeCaller = (user: Identity<object> | null | undefined, caller: Identity<object> | null | undefined) => ({
  user: user?.subject ?? null,
  workload: caller?.workload ?? null,
  subject: caller?.subject ?? null,
  kind: caller?.kind ?? null,
  source: caller?.source ?? null,
  // The certificate's notAfter (the test CA issues for one day).
  hoursLeft: caller === null || caller === undefined ? null : Math.round((caller.expiresAt.getTime() - Date.now()) / 3_600_000),
});

/**
 * `/orders` needs the checkout workload and a user; `/any` any workload and no user. With `tls`, an https server
 * asking for client certificates (`rejectUnauthorized: false`: the TLS layer lets unverified ones through, so
 * authgate must refuse them itself); else plain http, as behind a TLS-terminating proxy.
 */
async function start(framework: Framework, workload: WorkloadOptions, tls: boolean): Promise<Running> {
  const serverTls: https.ServerOptions | undefined = tls
    ? { key: serverCert.keyPem, cert: serverCert.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }
    : undefined;
  const scheme = tls ? 'https' : 'http';
  let server: Running;
  if (framework === 'express') {
    const app = express();
    app.use(expressAuth({ ...userOptions(), optional: true, workload }));
    app.get('/orders', requireWorkload(CHECKOUT), requireUser(), (req, res) => void res.json(describeCaller(req.auth, req.workload)));
    app.get('/any', requireWorkload(), (req, res) => void res.json(describeCaller(req.auth, req.workload)));
    const listener = serverTls === undefined ? http.createServer(app) : https.createServer(serverTls, app);
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    server = {
      origin: `${scheme}://127.0.0.1:${(listener.address() as AddressInfo).port}`,
      close: () =>
        new Promise((resolve) => {
          listener.closeAllConnections();
          listener.close(() => resolve());
        }),
    };
  } else {
    // One instance type for both transports (the guards' hook types name the default server).
    const app = (serverTls === undefined ? Fastify() : Fastify({ https: serverTls })) as unknown as FastifyInstance;
    await app.register(fastifyAuth, { ...userOptions(), optional: true, workload });
    app.get('/orders', { preHandler: [app.requireWorkload(CHECKOUT), app.requireUser()] }, async (request) =>
      describeCaller(request.auth, request.workload),
    );
    app.get('/any', { preHandler: app.requireWorkload() }, async (request) => describeCaller(request.auth, request.workload));
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = { origin: `${scheme}://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  }
  running.push(server);
  return server;
}

const json = (reply: RawReply): Record<string, unknown> => JSON.parse(reply.body) as Record<string, unknown>;
const challengeOf = (reply: RawReply): string | undefined => reply.headers['www-authenticate'] as string | undefined;

describe.each(FRAMEWORKS)('%s: the workload is the SPIFFE ID of its client certificate', (framework) => {
  let server: Running;
  beforeAll(async () => {
    server = await start(framework, { certificate: 'socket', trustDomain: 'example.org' }, true);
  });

  async function call(path: string, cert: TestCertificate | undefined, user?: string): Promise<RawReply> {
    const headers: Record<string, string> = user === undefined ? {} : { authorization: `Bearer ${await issuer.sign({ sub: user })}` };
    const tls = cert === undefined ? { ca: ca.certPem } : { cert: cert.certPem, key: cert.keyPem, ca: ca.certPem };
    return send(server.origin, { path, headers, tls });
  }

  async function expectInvalid(cert: TestCertificate, because: RegExp): Promise<void> {
    const reply = await call('/any', cert);
    expect(reply.status, reply.body).toBe(401);
    expect(challengeOf(reply)).toMatch(/^Bearer realm="workload", error="invalid_token", error_description="The client certificate /);
    expect(json(reply).error).toBe('invalid_token');
    expect(json(reply).error_description).toMatch(because);
  }

  it('an X.509-SVID of the trust domain: req.workload names its SPIFFE ID, a client identity from the certificate', async () => {
    const reply = await call('/orders', certs.checkout, 'alice');
    expect(reply.status, reply.body).toBe(200);
    expect(json(reply)).toEqual({ user: 'alice', workload: CHECKOUT, subject: CHECKOUT, kind: 'client', source: 'certificate', hoursLeft: 24 });
    const anyWorkload = await call('/any', certs.billing);
    expect(json(anyWorkload)).toMatchObject({ user: null, workload: BILLING });
  });

  it('another workload of the trust domain on a route for checkout only: 403', async () => {
    const reply = await call('/orders', certs.billing, 'alice');
    expect(reply.status).toBe(403);
    expect(challengeOf(reply)).toMatch(/error="insufficient_scope"/);
  });

  it('another trust domain, including example.org.evil.com: 401 invalid_token', async () => {
    await expectInvalid(certs.partner, /another trust domain/);
    await expectInvalid(certs.evil, /another trust domain/);
  });

  it('no URI SAN, two URI SANs, or a URI SAN that is not a SPIFFE ID: 401 invalid_token saying which', async () => {
    await expectInvalid(certs.noUri, /no URI SAN/);
    await expectInvalid(certs.twoUris, /more than one URI SAN/);
    await expectInvalid(certs.notSpiffe, /not a workload SPIFFE ID/);
  });

  it('a certificate the TLS server did not verify (another CA, under rejectUnauthorized: false): 401 invalid_token', async () => {
    await expectInvalid(certs.stranger, /not verified/);
  });

  it('no client certificate: 401 with the workload challenge, no error code', async () => {
    const reply = await call('/orders', undefined, 'alice');
    expect(reply.status).toBe(401);
    expect(challengeOf(reply)).toBe('Bearer realm="workload"');
    expect(json(reply)).toEqual({ error: 'unauthorized', error_description: 'Workload authentication required' });
  });

  it('a route needing workload and user refuses the user missing too (the API realm)', async () => {
    const reply = await call('/orders', certs.checkout);
    expect(reply.status).toBe(401);
    expect(challengeOf(reply)).toMatch(/^Bearer realm="api"/);
  });
});

describe.each(FRAMEWORKS)('%s: behind a TLS-terminating proxy, the certificate header', (framework) => {
  const header = 'x-ssl-client-cert';
  const viaProxy = (cert: TestCertificate): Record<string, string> => ({ [header]: cert.escapedPem });

  it('counts from a trusted proxy address, with several trust domains', async () => {
    const server = await start(
      framework,
      { certificate: { header, trustedProxies: ['127.0.0.0/8'] }, trustDomain: ['example.org', 'partner.org'] },
      false,
    );
    const user = { authorization: `Bearer ${await issuer.sign({ sub: 'alice' })}` };
    const ok = await send(server.origin, { path: '/orders', headers: { ...user, ...viaProxy(certs.checkout) } });
    expect(ok.status, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ user: 'alice', workload: CHECKOUT, kind: 'client' });
    expect(json(await send(server.origin, { path: '/any', headers: viaProxy(certs.partner) }))).toMatchObject({ workload: PARTNER });
    const evil = await send(server.origin, { path: '/any', headers: viaProxy(certs.evil) });
    expect(evil.status).toBe(401);
    expect(json(evil).error_description).toMatch(/another trust domain/);
    const garbage = await send(server.origin, { path: '/any', headers: { [header]: 'MIIBkTCCATe' } });
    expect(garbage.status).toBe(401);
    expect(json(garbage).error_description).toMatch(/malformed/);
    const none = await send(server.origin, { path: '/orders', headers: user });
    expect(none.status).toBe(401);
    expect(challengeOf(none)).toBe('Bearer realm="workload"');
  });

  it('is ignored from any other peer: anyone could write it', async () => {
    const server = await start(framework, { certificate: { header, trustedProxies: ['10.0.0.0/8', '::1'] }, trustDomain: 'example.org' }, false);
    const reply = await send(server.origin, { path: '/any', headers: viaProxy(certs.checkout) });
    expect(reply.status).toBe(401);
    expect(challengeOf(reply)).toBe('Bearer realm="workload"');
  });

  it('refuses bad certificate-form options at construction, naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ certificate: 'socket', trustDomian: 'example.org' }, /workload\.trustDomian: did you mean workload\.trustDomain/],
      [{ certificate: 'socket', trustDomain: 'example.org', issuer: 'https://idp.example' }, /unknown option workload\.issuer/],
      [{ certificate: 'socket' }, /workload\.trustDomain must name/],
      [{ certificate: 'socket', trustDomain: 'spiffe://example.org' }, /give the name alone: "example.org"/],
      [{ certificate: true, trustDomain: 'example.org' }, /workload\.certificate must be 'socket' or \{ header/],
      [{ certificate: { header, trustedProxies: [] }, trustDomain: 'example.org' }, /workload\.certificate\.trustedProxies must list/],
      [
        { certificate: { header, trustedProxies: ['10.0.0.1'], trustProxies: true }, trustDomain: 'example.org' },
        /unknown option workload\.certificate\.trustProxies/,
      ],
    ];
    for (const [workload, message] of cases) {
      await expect(start(framework, workload as WorkloadOptions, false)).rejects.toThrow(message);
    }
  });
});
