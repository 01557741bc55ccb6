// @authgate/express as its README shows: jwtAuth with the issuer, audience, algorithm and JWKS URI.
import express from 'express';
import { jwtAuth } from '@authgate/express';
import { announce, bench, ordersBody } from './shared.js';

const auth = jwtAuth({ issuer: bench.issuer, audience: bench.audience, algorithms: ['RS256'], jwksUri: bench.jwksUri, ...bench.variant });
await auth.verifier.ready();

const app = express();
app.get('/orders', auth, (req, res) => {
  res.json(ordersBody(req.auth?.subject));
});
const server = app.listen(0, '127.0.0.1', () => announce(server, async () => server.close()));
