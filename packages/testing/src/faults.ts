import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import type { EndpointFaults, JwksFaults, PublicJwks } from './types.js';

/**
 * Fault injection for an endpoint (the JWKS endpoint, the introspection endpoint). Every fault is a real HTTP (or
 * TCP) behaviour, so a client's resilience code runs exactly as it would against a failing identity provider.
 */

type Mode =
  | { kind: 'normal' }
  | { kind: 'down' }
  | { kind: 'status'; code: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang' }
  | { kind: 'garbage' }
  | { kind: 'truncated' }
  | { kind: 'oversized'; bytes: number; contentLength: boolean }
  | { kind: 'empty' };

export interface JwksEndpoint {
  readonly faults: JwksFaults;
  serve(req: IncomingMessage, res: ServerResponse): void;
  /** Cancels pending slow answers (close() destroys their sockets anyway; this just drops the timers). */
  dispose(): void;
}

/** What a faulty endpoint answers when healthy, and the documents its body faults are made of. */
export interface EndpointBehaviour {
  /** Which endpoint, in messages (`jwks`, `introspection`). */
  name: string;
  /** The healthy answer. */
  answer(req: IncomingMessage, res: ServerResponse): void;
  /** A valid document of this endpoint: halved by `truncated()`, padded by `oversized()`. */
  document(): string;
  /** What `empty()` answers with. */
  emptyDocument: string;
  /** Headers added to 200 fault answers (e.g. Cache-Control). */
  headers?(): Record<string, string>;
}

export interface FaultyEndpoint {
  readonly faults: EndpointFaults;
  serve(req: IncomingMessage, res: ServerResponse): void;
  dispose(): void;
}

export const DEFAULT_CACHE_CONTROL = 'public, max-age=300';
const DEFAULT_OVERSIZED_BYTES = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
// What a misconfigured proxy or captive portal answers instead of JSON.
const GARBAGE_HTML = '<!DOCTYPE html><html><head><title>Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';

const ignore = (): void => {};

function sendBody(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** A valid JSON document padded with an extra member to at least `bytes` bytes, streamed in chunks. */
function sendOversized(res: ServerResponse, jwks: string, bytes: number, contentLength: boolean, headers: Record<string, string>): void {
  const prefix = `${jwks.slice(0, -1)},"padding":"`;
  const suffix = '"}';
  const paddingLength = Math.max(0, bytes - prefix.length - suffix.length);
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(contentLength ? { 'content-length': String(prefix.length + paddingLength + suffix.length) } : {}),
    ...headers,
  });
  function* chunks(): Generator<string> {
    yield prefix;
    for (let left = paddingLength; left > 0; left -= CHUNK_BYTES) yield 'x'.repeat(Math.min(CHUNK_BYTES, left));
    yield suffix;
  }
  // A client that gives up mid-body (as it should) breaks the pipe: expected, not an error of ours.
  pipeline(Readable.from(chunks()), res, ignore);
}

export function createJwksEndpoint(currentJwks: () => PublicJwks): JwksEndpoint {
  let cacheControl: string | null = DEFAULT_CACHE_CONTROL;
  const cacheHeaders = (): Record<string, string> => (cacheControl === null ? {} : { 'cache-control': cacheControl });
  const endpoint = createFaultyEndpoint({
    name: 'jwks',
    answer: (_req, res) => sendBody(res, 200, 'application/json', JSON.stringify(currentJwks()), cacheHeaders()),
    document: () => JSON.stringify(currentJwks()),
    emptyDocument: JSON.stringify({ keys: [] }),
    headers: cacheHeaders,
  });
  // The generic faults (their `requests` getter included) plus cacheControl.
  const withCacheControl: Pick<JwksFaults, 'cacheControl'> = {
    cacheControl(value) {
      if (value !== null && (typeof value !== 'string' || /[\r\n]/.test(value))) {
        throw new TypeError('@authgate/testing: jwks.cacheControl needs a single-line string, or null for no header');
      }
      cacheControl = value;
    },
  };
  const faults = Object.defineProperties(withCacheControl, Object.getOwnPropertyDescriptors(endpoint.faults)) as JwksFaults;
  return { faults, serve: endpoint.serve, dispose: endpoint.dispose };
}

export function createFaultyEndpoint(behaviour: EndpointBehaviour): FaultyEndpoint {
  let mode: Mode = { kind: 'normal' };
  let requests = 0;
  const pendingSlow = new Set<NodeJS.Timeout>();
  const { name } = behaviour;
  const cacheHeaders = (): Record<string, string> => behaviour.headers?.() ?? {};
  const answerNormally = (req: IncomingMessage, res: ServerResponse): void => behaviour.answer(req, res);

  function serve(req: IncomingMessage, res: ServerResponse): void {
    requests += 1;
    res.on('error', ignore);
    const current = mode;
    switch (current.kind) {
      case 'normal':
        return answerNormally(req, res);
      case 'down':
        // RST rather than FIN: what a crashed or firewalled endpoint looks like to the client (ECONNRESET).
        req.socket.resetAndDestroy();
        return;
      case 'status':
        if (current.code === 204 || current.code === 304) {
          res.writeHead(current.code);
          res.end();
          return;
        }
        return sendBody(res, current.code, 'application/json', JSON.stringify({ error: 'injected_fault', status: current.code }));
      case 'slow': {
        const timer = setTimeout(() => {
          pendingSlow.delete(timer);
          if (!res.destroyed) answerNormally(req, res);
        }, current.ms);
        pendingSlow.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          pendingSlow.delete(timer);
        });
        return;
      }
      case 'hang':
        // Nothing at all: not even headers. close() destroys the socket, so a test never waits on this forever.
        return;
      case 'garbage':
        return sendBody(res, 200, 'text/html; charset=utf-8', GARBAGE_HTML, cacheHeaders());
      case 'truncated': {
        const full = behaviour.document();
        return sendBody(res, 200, 'application/json', full.slice(0, Math.floor(full.length / 2)), cacheHeaders());
      }
      case 'oversized':
        return sendOversized(res, behaviour.document(), current.bytes, current.contentLength, cacheHeaders());
      case 'empty':
        return sendBody(res, 200, 'application/json', behaviour.emptyDocument, cacheHeaders());
    }
  }

  const faults: EndpointFaults = {
    down() {
      mode = { kind: 'down' };
    },
    status(code) {
      if (!Number.isInteger(code) || code < 200 || code > 599)
        throw new RangeError(`@authgate/testing: ${name}.status needs an HTTP status from 200 to 599 (got ${code})`);
      mode = { kind: 'status', code };
    },
    slow(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`@authgate/testing: ${name}.slow needs a non-negative number of milliseconds (got ${ms})`);
      mode = { kind: 'slow', ms };
    },
    hang() {
      mode = { kind: 'hang' };
    },
    garbage() {
      mode = { kind: 'garbage' };
    },
    truncated() {
      mode = { kind: 'truncated' };
    },
    oversized(bytes = DEFAULT_OVERSIZED_BYTES, options = {}) {
      if (!Number.isSafeInteger(bytes) || bytes < 1)
        throw new RangeError(`@authgate/testing: ${name}.oversized needs a positive whole number of bytes (got ${bytes})`);
      mode = { kind: 'oversized', bytes, contentLength: options.contentLength !== false };
    },
    empty() {
      mode = { kind: 'empty' };
    },
    recover() {
      mode = { kind: 'normal' };
    },
    get requests() {
      return requests;
    },
    resetCount() {
      requests = 0;
    },
  };

  return {
    faults,
    serve,
    dispose() {
      for (const timer of pendingSlow) clearTimeout(timer);
      pendingSlow.clear();
    },
  };
}
