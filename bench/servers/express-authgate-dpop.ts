// @authgate/express accepting DPoP-bound tokens: the same options as express-authgate (DPoP is 'allowed' by default),
// with the mode made explicit. Every request carries a fresh proof; the token itself is cached after its second use.
import express from 'express';
import { jwtAuth } from '@authgate/express';
import { announce, bench, ordersBody } from './shared.js';

const auth = jwtAuth({ issuer: bench.issuer, audience: bench.audience, algorithms: ['RS256'], jwksUri: bench.jwksUri, dpop: { mode: 'required' } });
await auth.verifier.ready();

const app = express();
app.get('/orders', auth, (req, res) => {
  res.json(ordersBody(req.auth?.subject));
});
const server = app.listen(0, '127.0.0.1', () => announce(server, async () => server.close()));
