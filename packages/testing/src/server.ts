import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sendJson } from './endpoints.js';

/**
 * A plain node:http server that tracks its sockets, so close() can end even connections whose request never got an
 * answer (a hung JWKS request, a keep-alive socket a client holds open). Tests must never wait on a test helper.
 */

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Route {
  /** Methods answered; anything else on this path gets 405. */
  methods: readonly string[];
  handle: RouteHandler;
}

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

function methodNotAllowed(res: ServerResponse, methods: readonly string[]): void {
  sendJson(res, 405, { error: 'method_not_allowed' }, { allow: methods.join(', ') });
}

/** Dispatches by exact path (query ignored). Handler failures become a 500 rather than a crashed test run. */
function dispatch(routes: ReadonlyMap<string, Route>, req: IncomingMessage, res: ServerResponse): void {
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = routes.get(pathname);
  if (route === undefined) return sendJson(res, 404, { error: 'not_found' });
  if (!route.methods.includes(req.method ?? '')) return methodNotAllowed(res, route.methods);
  Promise.resolve()
    .then(() => route.handle(req, res))
    .catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.destroy();
    });
}

export function startServer(host: string, port: number, routes: ReadonlyMap<string, Route>): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    try {
      dispatch(routes, req, res);
    } catch {
      // A request URL even `new URL` cannot parse.
      if (!res.headersSent) sendJson(res, 400, { error: 'bad_request' });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    });
    return closing;
  }

  return new Promise<RunningServer>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new Error(`@authgate/testing: cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve({ port: (server.address() as AddressInfo).port, close });
    });
  });
}
