/**
 * Property tests (fast-check) through both adapters over real HTTP: whatever a client puts in the Authorization
 * header (one or several lines of any sendable characters, token-shaped or not), the answer is a 4xx with a Bearer
 * challenge, never a 5xx and never a 200 on the protected route.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jwtAuth as expressAuth, requireScope } from '@authgate/express';
import fastifyAuth from '@authgate/fastify';
import { createSecurityContext } from './context.js';

const ctx = await createSecurityContext();
const options = { ...ctx.profiles.strict, logger: ctx.logger };

const expressApp = express();
expressApp.use(expressAuth(options));
expressApp.get('/orders', requireScope('orders:read'), (_req, res) => void res.json({ ok: true }));
const expressServer = http.createServer(expressApp);
await new Promise<void>((resolve) => expressServer.listen(0, '127.0.0.1', resolve));

const fastifyApp = Fastify();
await fastifyApp.register(fastifyAuth, options);
fastifyApp.get('/orders', { preHandler: fastifyApp.requireScope('orders:read') }, async () => ({ ok: true }));
await fastifyApp.listen({ port: 0, host: '127.0.0.1' });

const bases = {
  express: `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}/orders`,
  fastify: `http://127.0.0.1:${(fastifyApp.server.address() as AddressInfo).port}/orders`,
};

afterAll(async () => {
  await new Promise((resolve) => {
    expressServer.close(resolve);
    expressServer.closeAllConnections();
  });
  await fastifyApp.close();
  await ctx.close();
});

function get(url: string, authorization: string[]): Promise<{ status: number; challenge: string | undefined }> {
  return new Promise((resolve, reject) => {
    // An array value sends one header line per element.
    const headers: Record<string, string[]> = { authorization };
    const request = http.get(url, { headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, challenge: response.headers['www-authenticate'] }));
    });
    request.setTimeout(3000, () => request.destroy(new Error('no answer within 3 s')));
    request.on('error', reject);
  });
}

// Characters Node's HTTP client will put in a header value: visible ASCII, space, tab and Latin-1.
const headerChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('\t', ' ', '.', '=', '-', '_', 'é', '\u00a0'),
);
const headerText = fc.string({ unit: headerChar, maxLength: 300 });
const tokenish = fc
  .array(fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_='), maxLength: 120 }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join('.'));
const headerValue = fc.oneof(
  headerText,
  tokenish.map((token) => `Bearer ${token}`),
  fc
    .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'DPoP', ''), fc.constantFrom(' ', '  ', '\t', ''), tokenish)
    .map((parts) => parts.join('')),
  fc.constant(`Bearer ${ctx.mint(ctx.keys.rs256)}`).map((value) => value.slice(0, -3)),
);
const headerLines = fc.array(headerValue, { minLength: 1, maxLength: 3 });

describe.each(Object.entries(bases))('%s: arbitrary Authorization headers', (_framework, url) => {
  it('are answered with a 4xx Bearer (or, for the DPoP scheme, DPoP) challenge, never a 5xx or a 200', async () => {
    await fc.assert(
      fc.asyncProperty(headerLines, async (lines) => {
        const { status, challenge } = await get(url, lines);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(challenge).toMatch(/^(Bearer|DPoP) realm="api"/);
      }),
      { numRuns: 300 },
    );
  });
});
