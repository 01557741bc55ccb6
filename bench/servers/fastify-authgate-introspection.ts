// @authgate/fastify with introspection, as its README shows: opaque tokens are judged by the issuer's RFC 7662
// endpoint, and a repeated token is answered from the introspection cache (this is what the opaque mode measures).
import Fastify from 'fastify';
import { jwtAuth } from '@authgate/fastify';
import { announce, bench, ordersBody } from './shared.js';

const app = Fastify({ logger: false });
await app.register(jwtAuth, {
  issuer: bench.issuer,
  audience: bench.audience,
  algorithms: ['RS256'],
  jwksUri: bench.jwksUri,
  introspection: bench.introspection,
});
await app.authVerifier.ready();
app.get('/orders', async (request) => ordersBody(request.auth?.subject));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, () => app.close());
