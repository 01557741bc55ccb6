// express-oauth2-jwt-bearer (Auth0) with DPoP as its README shows: `dpop: { enabled: true, required: true }`. It keeps
// no record of proofs seen (no jti replay check: its docs leave that to the application), so it does less per request.
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { announce, bench, ordersBody } from './shared.js';

const app = express();
app.get(
  '/orders',
  auth({ issuer: bench.issuer, jwksUri: bench.jwksUri, audience: bench.audience, tokenSigningAlg: 'RS256', dpop: { enabled: true, required: true } }),
  (req, res) => {
    const { auth: peerAuth } = req as unknown as { auth?: { payload: { sub?: string } } };
    res.json(ordersBody(peerAuth?.payload.sub));
  },
);
app.use(
  (
    error: { status?: number; headers?: Record<string, string>; code?: string },
    _req: express.Request,
    res: express.Response,
    _next: express.NextFunction,
  ) => {
    res
      .status(error.status ?? 500)
      .set(error.headers ?? {})
      .json({ error: error.code ?? 'server_error' });
  },
);
const server = app.listen(0, '127.0.0.1', () => announce(server, async () => server.close()));
