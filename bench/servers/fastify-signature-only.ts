// The reference: Fastify with an onRequest hook that checks the signature and nothing else (see signatureOnlyCheck).
import Fastify from 'fastify';
import { announce, ordersBody, signatureOnlyCheck, UNAUTHORIZED } from './shared.js';
import { SUBJECT } from '../lib/config.js';

const check = await signatureOnlyCheck();
const app = Fastify({ logger: false });
app.addHook('onRequest', (request, reply, done) => {
  if (check(request.headers.authorization)) done();
  else void reply.code(401).send(UNAUTHORIZED);
});
app.get('/orders', async () => ordersBody(SUBJECT));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, () => app.close());
