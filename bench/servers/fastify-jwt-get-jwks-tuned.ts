// Opt-in (BENCH_EXTRA=1): @fastify/jwt + get-jwks as a performance-minded user would tune them, beyond the READMEs.
// get-jwks' getPublicKey converts the JWK to PEM (jwk-to-pem, pure JS) on every call, so the PEM is memoized per
// kid/alg here; and fast-jwt's own verified-token cache is turned on (`verify.cache`), as authgate's is by default.
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import buildGetJwks from 'get-jwks';
import { announce, bench, ordersBody } from './shared.js';

const getJwks = buildGetJwks({ issuersWhitelist: [bench.issuer], providerDiscovery: false, jwksPath: new URL(bench.jwksUri).pathname });
const pems = new Map<string, Promise<string>>();
function publicKeyFor(kid: string | undefined, alg: string | undefined): Promise<string> {
  const cacheKey = `${kid}|${alg}`;
  let pem = pems.get(cacheKey);
  if (pem === undefined) {
    pem = getJwks.getPublicKey({ kid, alg, domain: bench.issuer });
    // A failed lookup (unknown kid) must not stay cached.
    pem.catch(() => pems.delete(cacheKey));
    pems.set(cacheKey, pem);
  }
  return pem;
}

const app = Fastify({ logger: false });
await app.register(fastifyJwt, {
  decode: { complete: true },
  secret: (_request: unknown, token: { header: { kid?: string; alg?: string } }) => publicKeyFor(token.header.kid, token.header.alg),
  verify: { allowedIss: bench.issuer, allowedAud: bench.audience, algorithms: ['RS256'], cache: true },
} as never);
app.addHook('onRequest', async (request) => {
  await request.jwtVerify();
});
app.get('/orders', async (request) => ordersBody((request.user as { sub?: string }).sub));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, () => app.close());
