// express-oauth2-jwt-bearer (Auth0) as its README shows, with jwksUri + issuer instead of discovery (same keys, one
// less request at start-up). Its errors carry `status` and `headers` (RFC 6750); the handler below answers them as
// Express's default handler would, without printing a stack trace for every refused token.
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { announce, bench, ordersBody } from './shared.js';

const app = express();
app.get('/orders', auth({ issuer: bench.issuer, jwksUri: bench.jwksUri, audience: bench.audience, tokenSigningAlg: 'RS256' }), (req, res) => {
  // req.auth is typed by @authgate/express elsewhere in this workspace; this library's shape is { payload }.
  const { auth: peerAuth } = req as unknown as { auth?: { payload: { sub?: string } } };
  res.json(ordersBody(peerAuth?.payload.sub));
});
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
