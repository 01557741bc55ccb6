import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type GatewayConfig } from '@authgate/gateway';

/**
 * Three processes' worth of parts, in one for the example: `@authgate/gateway` deciding, an orders service that
 * trusts the identity headers (it has no token logic at all), and in front a small forward-auth proxy that calls the
 * gateway for every request the way Traefik's ForwardAuth does. In production the proxy is nginx, Traefik or Envoy.
 */
export interface GatewayExampleConfig {
  issuer: string;
  audience: string;
  jwksUri: string;
}

/** The gateway's configuration, as a JSON or YAML config file would hold it (`authgate-gateway --config ...`). */
export function gatewayConfig(config: GatewayExampleConfig): GatewayConfig {
  return {
    verifier: { issuer: config.issuer, audience: config.audience, algorithms: ['RS256', 'ES256', 'EdDSA'], jwksUri: config.jwksUri },
    rules: [
      { path: '/health', auth: 'public' },
      { methods: ['GET'], path: '/orders/*', auth: 'required', scopes: ['orders:read'] },
      { methods: ['POST'], path: '/orders/*', auth: 'required', scopes: ['orders:write'] },
    ],
    logLevel: 'warn',
  };
}

/** The identity headers the proxy takes from the gateway's answer (Traefik: `authResponseHeaders`). */
const IDENTITY_HEADERS = ['x-user-id', 'x-user-role', 'x-scope', 'x-client-id', 'x-token-issuer', 'x-token-expires'];
const isIdentityHeader = (name: string): boolean => IDENTITY_HEADERS.includes(name.toLowerCase().replace(/_/g, '-'));

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** The service: answers with who the headers say is calling. */
function ordersService(): http.Server {
  return http.createServer((req, res) => {
    const body = {
      path: req.url,
      user: req.headers['x-user-id'] ?? null,
      scopes: String(req.headers['x-scope'] ?? '')
        .split(' ')
        .filter(Boolean),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
}

/** The proxy: ask the gateway, then forward with the identity headers replaced, or answer with the refusal. */
function forwardAuthProxy(gatewayUrl: string, serviceUrl: string): http.Server {
  return http.createServer((req, res) => {
    void (async () => {
      const decision = await fetch(`${gatewayUrl}/auth`, {
        headers: {
          'x-forwarded-method': req.method ?? 'GET',
          'x-forwarded-uri': req.url ?? '/',
          ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
        },
      });
      if (decision.status !== 200) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        for (const name of ['www-authenticate', 'retry-after', 'cache-control']) {
          const value = decision.headers.get(name);
          if (value !== null) headers[name] = value;
        }
        res.writeHead(decision.status, headers).end(await decision.text());
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !isIdentityHeader(name) && name !== 'host' && name !== 'connection') headers[name] = value;
      }
      for (const name of IDENTITY_HEADERS) {
        const value = decision.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${serviceUrl}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: chunks.length === 0 ? undefined : Buffer.concat(chunks),
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
    })().catch(() => {
      // The gateway unreachable: never the service's answer.
      if (!res.headersSent) res.writeHead(503, { 'retry-after': '5' }).end();
    });
  });
}

export interface RunningGatewayExample {
  /** Where clients send requests: the proxy. */
  url: string;
  gatewayUrl: string;
  close(): Promise<void>;
}

export async function startGatewayExample(config: GatewayExampleConfig): Promise<RunningGatewayExample> {
  const gateway = createGateway(gatewayConfig(config));
  const gatewayUrl = await gateway.listen({ port: 0, host: '127.0.0.1' });
  const service = ordersService();
  const serviceUrl = await listen(service);
  const proxy = forwardAuthProxy(gatewayUrl, serviceUrl);
  const url = await listen(proxy);
  const stop = (server: http.Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url,
    gatewayUrl,
    async close() {
      await stop(proxy);
      await stop(service);
      await gateway.close();
    },
  };
}
