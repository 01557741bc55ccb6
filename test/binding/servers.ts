/**
 * One protected route on Express and on Fastify, both listening on 127.0.0.1, for the DPoP and mTLS tests; and a
 * raw HTTP(S) client that can send what fetch cannot (two headers of one name, any Host).
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { jwtAuth as expressAuth, type JwtAuthOptions as ExpressOptions } from '@authgate/express';
import { jwtAuth as fastifyAuth, type JwtAuthOptions as FastifyOptions } from '@authgate/fastify';

export type Framework = 'express' | 'fastify';
export const FRAMEWORKS: readonly Framework[] = ['express', 'fastify'];

export interface ProtectedServer {
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ServerSetup {
  /** TLS options (a server certificate, `requestCert`): the server then speaks https. */
  tls?: https.ServerOptions;
  /** Express `trust proxy` / Fastify `trustProxy`. */
  trustProxy?: boolean;
}

/** `GET|POST /protected` answers `{ sub, confirmation }` once authenticated. */
export async function startProtected(framework: Framework, options: Record<string, unknown>, setup: ServerSetup = {}): Promise<ProtectedServer> {
  const scheme = setup.tls === undefined ? 'http' : 'https';
  if (framework === 'express') {
    const app = express();
    if (setup.trustProxy === true) app.set('trust proxy', true);
    app.use(expressAuth(options as unknown as ExpressOptions));
    const answer = (req: express.Request, res: express.Response): void => {
      res.json({ sub: req.auth?.subject, confirmation: req.auth?.confirmation ?? null });
    };
    app.get('/protected', answer);
    app.post('/protected', answer);
    const server = setup.tls === undefined ? http.createServer(app) : https.createServer(setup.tls, app);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return {
      origin: `${scheme}://127.0.0.1:${port}`,
      port,
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
  const app = Fastify({ trustProxy: setup.trustProxy === true, ...(setup.tls === undefined ? {} : { https: setup.tls }) });
  await app.register(fastifyAuth, options as unknown as FastifyOptions);
  const answer = async (request: { auth: { subject?: string; confirmation?: unknown } | null }) => ({
    sub: request.auth?.subject,
    confirmation: request.auth?.confirmation ?? null,
  });
  app.get('/protected', answer);
  app.post('/protected', answer);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { origin: `${scheme}://127.0.0.1:${port}`, port, close: () => app.close() };
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  /** Header values; an array sends the header several times. */
  headers?: Record<string, string | string[]>;
  /** https only: the client certificate and key, and the CA to trust. */
  tls?: { cert?: string; key?: string; ca: string };
}

export function send(origin: string, request: RawRequest = {}): Promise<RawReply> {
  const url = new URL(request.path ?? '/protected', origin);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: request.method ?? 'GET',
        headers: request.headers,
        agent: false,
        ...(request.tls === undefined ? {} : { ...request.tls, servername: undefined }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
