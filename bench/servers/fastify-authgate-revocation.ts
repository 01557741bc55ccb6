// fastify-authgate with a revocation list of BENCH_REVOCATION_ENTRIES entries (default 100,000): the denylist's cost
// on the request path (bench/revocation.ts compares the two).
import Fastify from 'fastify';
import { createMemoryRevocationList } from '@authgate/core';
import { jwtAuth } from '@authgate/fastify';
import { fillRevocationList } from '../lib/revocation-entries.js';
import { announce, bench, ordersBody } from './shared.js';

const revocation = createMemoryRevocationList();
fillRevocationList(revocation, Number(process.env.BENCH_REVOCATION_ENTRIES ?? 100_000));
const app = Fastify({ logger: false });
await app.register(jwtAuth, { issuer: bench.issuer, audience: bench.audience, algorithms: ['RS256'], jwksUri: bench.jwksUri, revocation });
await app.authVerifier.ready();
app.get('/orders', async (request) => ordersBody(request.auth?.subject));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, () => app.close());
