import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import type { FastifyInstance } from 'fastify';
import { createGateway, type GatewayConfig } from '@authgate/gateway';

export const AUDIENCE = 'orders-api';

/** The rules most tests use: a public docs area, scoped admin and orders, everything else needs a token. */
export const RULES: GatewayConfig['rules'] = [
  { path: '/docs/*', auth: 'public' },
  { path: '/health', auth: 'public' },
  { methods: ['GET'], path: '/orders/*', auth: 'required', scopes: ['orders:read'] },
  { methods: ['POST', 'DELETE'], path: '/orders/*', auth: 'required', scopes: ['orders:write'] },
  { path: '/admin/*', auth: 'required', roles: ['admin'] },
  { path: '/reports/*', auth: 'required', anyScopes: ['reports:read', 'admin'] },
];

export function gatewayConfig(issuer: TestIssuer, extra: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    verifier: { issuer: issuer.url, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: issuer.jwksUri },
    rules: RULES,
    logLevel: 'silent',
    ...extra,
  };
}

export interface Fixture {
  issuer: TestIssuer;
  gateway: FastifyInstance;
  token(claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startGateway(extra: Partial<GatewayConfig> = {}): Promise<Fixture> {
  const issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  const gateway = createGateway(gatewayConfig(issuer, extra));
  await gateway.ready();
  await gateway.gatewayVerifier.ready();
  return {
    issuer,
    gateway,
    token: (claims = {}) => issuer.sign({ sub: 'user-1', ...claims }),
    async close() {
      await gateway.close();
      await issuer.close();
    },
  };
}

/** Asks for a decision the way nginx's documented config does (X-Original-Method / X-Original-URI). */
export function viaNginx(gateway: FastifyInstance, method: string, uri: string, headers: Record<string, string> = {}) {
  return gateway.inject({ method: 'GET', url: '/auth', headers: { 'x-original-method': method, 'x-original-uri': uri, ...headers } });
}

/** Asks the way Traefik's ForwardAuth does (X-Forwarded-Method / X-Forwarded-Uri). */
export function viaTraefik(gateway: FastifyInstance, method: string, uri: string, headers: Record<string, string> = {}) {
  return gateway.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-method': method, 'x-forwarded-uri': uri, ...headers } });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
