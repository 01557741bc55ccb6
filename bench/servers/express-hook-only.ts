// A reference, not a verifier: the least any Express auth middleware does per request — read the Authorization
// header and attach a caller — and nothing else: the price of one middleware, which no auth middleware can avoid.
import express from 'express';
import { announce, ordersBody } from './shared.js';
import { SUBJECT } from '../lib/config.js';

const app = express();
app.use((req, _res, next) => {
  (req as unknown as { caller: string | undefined }).caller = typeof req.headers.authorization === 'string' ? SUBJECT : undefined;
  next();
});
app.get('/orders', (req, res) => {
  res.json(ordersBody((req as unknown as { caller: string | undefined }).caller));
});
const server = app.listen(0, '127.0.0.1', () => announce(server, async () => server.close()));
