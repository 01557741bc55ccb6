// Fastify 5 without authentication: the ceiling every Fastify contender is measured against.
import Fastify from 'fastify';
import { announce, ordersBody } from './shared.js';
import { SUBJECT } from '../lib/config.js';

const app = Fastify({ logger: false });
app.get('/orders', async () => ordersBody(SUBJECT));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, () => app.close());
