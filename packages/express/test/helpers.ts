/**
 * Test helpers for the Express adapter: a real signing key and JWKS endpoint on 127.0.0.1, a way to run an app on
 * a real port, a capturing pino-like logger, and a raw-socket request for what fetch cannot send. Not a test file.
 * (@authgate/testing does this for users; these tests stay independent of it.)
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { AuthLogger } from '@authgate/core';

export const ISSUER = 'https://issuer.test/';
export const AUDIENCE = 'orders-api';

export interface TestIssuer {
  readonly jwksUri: string;
  /** Signs an RS256 access token; defaults give a valid token for ISSUER / AUDIENCE, `sub: 'user-1'`, no scope. */
  sign(claims?: JWTPayload, options?: { kid?: string; key?: CryptoKey }): Promise<string>;
  /** A key the JWKS does not hold (signs tokens with the right kid but a wrong signature). */
  readonly strangerKey: CryptoKey;
  readonly jwksHits: () => number;
  close(): Promise<void>;
}

export async function startIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits += 1;
    if (req.url !== '/jwks') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  const origin = await listen(server);
  return {
    jwksUri: `${origin}/jwks`,
    strangerKey: stranger.privateKey,
    jwksHits: () => hits,
    async sign(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      // Defaults first, so a test can override any registered claim (aud, iss, exp...).
      return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1', typ: 'at+jwt' })
        .sign(options.key ?? privateKey);
    },
    close: () => close(server),
  };
}

export interface RunningApp {
  readonly origin: string;
  readonly port: number;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** `app.listen(0, '127.0.0.1')`: the app behind a real socket, as in production. */
export function serve(app: { listen(port: number, host: string, callback: () => void): http.Server }): Promise<RunningApp> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const origin = `http://127.0.0.1:${port}`;
      resolve({
        origin,
        port,
        fetch: (path, init) => fetch(`${origin}${path}`, init),
        close: () => close(server),
      });
    });
  });
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused (a key source that is down). */
export async function refusedUrl(path = '/jwks'): Promise<string> {
  const server = http.createServer();
  const origin = await listen(server);
  await close(server);
  return `${origin}${path}`;
}

export interface CapturedLogger extends AuthLogger {
  /** Every call, serialised as pino would write it. */
  readonly lines: string[];
}

/** A pino-like logger that keeps every line (including `err` causes) to check what would reach log storage. */
export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const write = (level: string) => (obj: object, msg?: string) => {
    lines.push(JSON.stringify({ level, ...serialise(obj), msg }));
  };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function serialise(obj: object): object {
  return JSON.parse(
    JSON.stringify(obj, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack, cause: value.cause } : value,
    ),
  );
}

/** Sends a request with exactly the header lines given (fetch merges repeated headers into one). */
export function rawRequest(port: number, path: string, headerLines: string[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(text.slice(9, 12)), text }));
    socket.write([`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headerLines, '', ''].join('\r\n'));
  });
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
