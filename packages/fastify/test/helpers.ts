import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

// A tiny local issuer: an RS256 key pair, a JWKS endpoint on loopback and a token signer. Written with node:crypto so
// this package's tests need nothing beyond its own dependencies.

export const ISSUER = 'https://idp.example.com/';
export const AUDIENCE = 'orders-api';

export interface TestIssuer {
  jwksUri: string;
  /** Signs claims (defaults pass a verifier configured with ISSUER/AUDIENCE) with the published key. */
  token(claims?: Record<string, unknown>): string;
  /** Signs with a key that is not in the JWKS (same kid): a bad signature. */
  forgedToken(claims?: Record<string, unknown>): string;
  /** Answer 500 to every JWKS request from now on. */
  fail(): void;
  fetches: number;
  close(): Promise<void>;
}

function newKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function signJwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: now, exp: now + 300, ...claims })).toString(
    'base64url',
  );
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

let issuerCount = 0;

export async function startIssuer(): Promise<TestIssuer> {
  const published = newKey();
  const stranger = newKey();
  issuerCount += 1;
  const kid = `key-${issuerCount}`;
  const jwks = JSON.stringify({ keys: [{ ...published.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
  let failing = false;
  const server: Server = createServer((request, response) => {
    issuer.fetches += 1;
    if (failing || request.url !== '/jwks.json') {
      response.writeHead(failing ? 500 : 404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer: TestIssuer = {
    jwksUri: `http://127.0.0.1:${port}/jwks.json`,
    token: (claims = {}) => signJwt(published.privateKey, kid, claims),
    forgedToken: (claims = {}) => signJwt(stranger.privateKey, kid, claims),
    fail: () => {
      failing = true;
    },
    fetches: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return issuer;
}

/** A URL on loopback where nothing listens: a key source that is down. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/jwks.json`;
}

/** A pino destination that keeps every line, for asserting what was (and was not) logged. */
export function logCapture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
      callback();
    },
  });
  return { stream, lines };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** fetch against a listening server, returning everything an assertion may want. */
export async function call(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(new URL(path, base), init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, text, body };
}

export const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

/**
 * One issuer for a whole test file, started and closed by vitest's hooks, and the plugin options that trust it.
 * Call at a file's top level.
 */
export function sharedIssuer(): {
  issuer: () => TestIssuer;
  options: () => { issuer: string; audience: string; algorithms: ['RS256']; jwksUri: string };
} {
  let issuer: TestIssuer | undefined;
  beforeAll(async () => {
    issuer = await startIssuer();
  });
  afterAll(async () => {
    await issuer?.close();
  });
  const current = (): TestIssuer => {
    if (issuer === undefined) throw new Error('sharedIssuer() is used before its beforeAll ran');
    return issuer;
  };
  return { issuer: current, options: () => ({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: current().jwksUri }) };
}

export const withToken = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
