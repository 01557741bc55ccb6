// @authgate/express with introspection, as its README shows: opaque tokens are judged by the issuer's RFC 7662
// endpoint, and a repeated token is answered from the introspection cache (this is what the opaque mode measures).
import express from 'express';
import { jwtAuth } from '@authgate/express';
import { announce, bench, ordersBody } from './shared.js';

const auth = jwtAuth({
  issuer: bench.issuer,
  audience: bench.audience,
  algorithms: ['RS256'],
  jwksUri: bench.jwksUri,
  introspection: bench.introspection,
});
await auth.verifier.ready();

const app = express();
app.get('/orders', auth, (req, res) => {
  res.json(ordersBody(req.auth?.subject));
});
const server = app.listen(0, '127.0.0.1', () => announce(server, async () => server.close()));
