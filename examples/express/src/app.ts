import express, { type Express } from 'express';
import { jwtAuth, requireAnyScope, requireScope } from '@authgate/express';

// Our tokens carry the customer's tenant; declaring it here types `req.auth.claims.tenant` everywhere.
declare module '@authgate/express' {
  interface AuthClaims {
    tenant?: string;
  }
}

export interface OrdersApiConfig {
  issuer: string;
  audience: string;
  jwksUri?: string;
}

/** The orders API: `/health` is public, everything under it needs a valid access token, some routes a scope. */
export function createApp(config: OrdersApiConfig): Express {
  const app = express();
  const orders: Array<{ id: number; tenant: string; item: string; quantity: number; createdBy: string }> = [];
  const ofTenant = (tenant: string) => orders.filter((order) => order.tenant === tenant);
  app.use(express.json());

  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  app.use(jwtAuth({ issuer: config.issuer, audience: config.audience, algorithms: ['RS256', 'ES256', 'EdDSA'], jwksUri: config.jwksUri }));

  app.get('/me', (req, res) => {
    res.json({ subject: req.auth?.subject, tenant: req.auth?.claims.tenant ?? null, scopes: req.auth?.scopes });
  });

  app.get('/orders', requireScope('orders:read'), (req, res) => {
    res.json({ orders: ofTenant(req.auth?.claims.tenant ?? 'default') });
  });

  app.post('/orders', requireScope('orders:write'), (req, res) => {
    const { item, quantity } = (req.body ?? {}) as { item?: unknown; quantity?: unknown };
    if (typeof item !== 'string' || item === '' || typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) {
      res.status(400).json({ error: 'invalid_order', error_description: 'item (string) and quantity (integer >= 1) are required' });
      return;
    }
    const order = { id: orders.length + 1, tenant: req.auth?.claims.tenant ?? 'default', item, quantity, createdBy: req.auth?.subject ?? 'unknown' };
    orders.push(order);
    res.status(201).json(order);
  });

  app.get('/reports', requireAnyScope('reports:read', 'admin'), (req, res) => {
    res.json({ tenant: req.auth?.claims.tenant ?? 'default', orders: ofTenant(req.auth?.claims.tenant ?? 'default').length });
  });

  return app;
}
