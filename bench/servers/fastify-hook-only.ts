// A reference, not a verifier: the least any Fastify auth plugin does per request — an onRequest hook that reads
// the Authorization header and decorates the request — and nothing else. Its cost over no-auth is Fastify's price for
// a hook, which no plugin can avoid: the repeated-token ratio is read against it too.
import Fastify from 'fastify';
import { announce, ordersBody } from './shared.js';
import { SUBJECT } from '../lib/config.js';

const app = Fastify({ logger: false });
app.decorateRequest('caller', null);
app.addHook('onRequest', (request, _reply, done) => {
  (request as unknown as { caller: string | null }).caller = typeof request.headers.authorization === 'string' ? SUBJECT : null;
  done();
});
app.get('/orders', async (request) => ordersBody((request as unknown as { caller: string | undefined }).caller));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, () => app.close());
