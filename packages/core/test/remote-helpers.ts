/**
 * Test helpers for the remote key source: a real node:http server on 127.0.0.1 whose routes a test swaps at will
 * (to inject faults), signing keys, and small utilities. Not a test file itself (no `.test.ts`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { AuthLogger, JwksOptions } from '../src/options.js';
import { JWKS_DEFAULTS } from '../src/keys/jwks-options.js';
import type { KeySourceEvent } from '../src/events.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  url(path: string): string;
  /** Answers `path` (query ignored) with `handler` from now on. */
  route(path: string, handler: Handler): void;
  /** Requests received for `path` so far. */
  hits(path: string): number;
  /** Stops listening and drops every connection: the port refuses connections until `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    handler(req, res);
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  let listening = true;
  const stop = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return {
    origin,
    url: (path) => `${origin}${path}`,
    route: (path, handler) => routes.set(path, handler),
    hits: (path) => counts.get(path) ?? 0,
    stop,
    start: async () => {
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    close: stop,
  };
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(path = '/jwks'): Promise<string> {
  const server = http.createServer();
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

export function sendJson(res: http.ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** A handler serving whatever `current()` returns at request time (swap the set between calls). */
export function serveJwks(current: () => { keys: unknown[] }, headers: () => Record<string, string> = () => ({})): Handler {
  return (_req, res) => sendJson(res, current(), headers());
}

export interface TestKey {
  kid: string;
  jwk: JWK;
  sign(claims?: Record<string, unknown>): Promise<string>;
}

export async function makeKey(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    kid,
    jwk,
    sign: (claims = {}) => new SignJWT(claims).setProtectedHeader({ alg, kid }).setIssuedAt().setExpirationTime('5m').sign(privateKey),
  };
}

// The shipped defaults, so the tests exercise what users get.
export const DEFAULT_JWKS: Required<JwksOptions> = { ...JWKS_DEFAULTS };

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export function recordingLogger(): AuthLogger & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg?: string) => void entries.push({ level, obj, msg });
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => entries.map((entry) => `${entry.level} ${entry.msg ?? ''} ${JSON.stringify(entry.obj)}`).join('\n'),
  };
}

export function recordingEvents(): { events: KeySourceEvent[]; onEvent: (event: KeySourceEvent) => void } {
  const events: KeySourceEvent[] = [];
  return { events, onEvent: (event) => void events.push(event) };
}

/** A clock tests move by hand (milliseconds). */
export function manualClock(start = Date.now()): { now: () => number; advance(seconds: number): void } {
  let t = start;
  return { now: () => t, advance: (seconds) => void (t += seconds * 1000) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (polling real time), failing after `ms`. */
export async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** Settles a promise into a value or the error, with the time it took. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = Date.now();
  try {
    const value = await promise;
    return { value, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}
