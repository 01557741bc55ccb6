// @authgate/fastify accepting DPoP-bound tokens (see express-authgate-dpop.ts).
import Fastify from 'fastify';
import { jwtAuth } from '@authgate/fastify';
import { announce, bench, ordersBody } from './shared.js';

const app = Fastify({ logger: false });
await app.register(jwtAuth, {
  issuer: bench.issuer,
  audience: bench.audience,
  algorithms: ['RS256'],
  jwksUri: bench.jwksUri,
  dpop: { mode: 'required' },
});
await app.authVerifier.ready();
app.get('/orders', async (request) => ordersBody(request.auth?.subject));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, () => app.close());
