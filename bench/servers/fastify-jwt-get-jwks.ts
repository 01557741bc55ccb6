// @fastify/jwt + get-jwks, the integration get-jwks' README documents: decode complete, a `secret` function asking
// get-jwks for the PEM by kid/alg, `request.jwtVerify()` in an onRequest hook. Two deliberate departures, both safer
// and neither slower: the JWKS domain is the configured issuer (the README takes it from the token's own `iss`), and
// issuer/audience/algorithm are pinned in `verify` (fast-jwt's allowedIss / allowedAud / algorithms).
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import buildGetJwks from 'get-jwks';
import { announce, bench, ordersBody } from './shared.js';

const getJwks = buildGetJwks({ issuersWhitelist: [bench.issuer], providerDiscovery: false, jwksPath: new URL(bench.jwksUri).pathname });

const app = Fastify({ logger: false });
await app.register(fastifyJwt, {
  decode: { complete: true },
  secret: (_request: unknown, token: { header: { kid?: string; alg?: string } }) =>
    getJwks.getPublicKey({ kid: token.header.kid, alg: token.header.alg, domain: bench.issuer }),
  verify: { allowedIss: bench.issuer, allowedAud: bench.audience, algorithms: ['RS256'] },
} as never);
app.addHook('onRequest', async (request) => {
  await request.jwtVerify();
});
app.get('/orders', async (request) => ordersBody((request.user as { sub?: string }).sub));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, () => app.close());
