import Fastify, { type FastifyInstance } from 'fastify';
import jwtAuth from '@authgate/fastify';

// Our tokens carry the customer's tenant; declaring it here types `request.auth.claims.tenant` everywhere.
declare module '@authgate/fastify' {
  interface AuthClaims {
    tenant?: string;
  }
}

export interface OrdersApiConfig {
  issuer: string;
  audience: string;
  jwksUri?: string;
}

/** The orders API: `/health` is public (route config), everything else needs a valid access token, some routes a scope. */
export async function createApp(config: OrdersApiConfig): Promise<FastifyInstance> {
  const app = Fastify();
  // Orders per tenant; the tenant comes from the token, never from the request body.
  const orderBook = new Map<string, Array<{ id: number; item: string; quantity: number; createdBy: string }>>();
  const ordersOf = (tenant = 'default') => {
    let list = orderBook.get(tenant);
    if (list === undefined) orderBook.set(tenant, (list = []));
    return list;
  };
  await app.register(jwtAuth, { issuer: config.issuer, audience: config.audience, algorithms: ['RS256', 'ES256', 'EdDSA'], jwksUri: config.jwksUri });

  app.get('/health', { config: { auth: false } }, async () => ({ ok: true }));

  app.get('/me', async (request) => ({
    subject: request.auth?.subject,
    tenant: request.auth?.claims.tenant ?? null,
    scopes: request.auth?.scopes,
  }));

  app.get('/orders', { preHandler: app.requireScope('orders:read') }, async (request) => ({
    orders: ordersOf(request.auth?.claims.tenant),
  }));

  const newOrder = {
    type: 'object',
    required: ['item', 'quantity'],
    properties: { item: { type: 'string', minLength: 1 }, quantity: { type: 'integer', minimum: 1 } },
  } as const;
  app.post<{ Body: { item: string; quantity: number } }>(
    '/orders',
    { preHandler: app.requireScope('orders:write'), schema: { body: newOrder } },
    async (request, reply) => {
      const list = ordersOf(request.auth?.claims.tenant);
      const order = { id: list.length + 1, ...request.body, createdBy: request.auth?.subject ?? 'unknown' };
      list.push(order);
      return reply.code(201).send(order);
    },
  );

  app.get('/reports', { preHandler: app.requireAnyScope('reports:read', 'admin') }, async (request) => ({
    tenant: request.auth?.claims.tenant ?? 'default',
    orders: ordersOf(request.auth?.claims.tenant).length,
  }));

  return app;
}
