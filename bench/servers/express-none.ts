// Express 5 without authentication: the ceiling every Express contender is measured against.
import express from 'express';
import { announce, ordersBody } from './shared.js';
import { SUBJECT } from '../lib/config.js';

const app = express();
app.get('/orders', (_req, res) => {
  res.json(ordersBody(SUBJECT));
});
const server = app.listen(0, '127.0.0.1', () => announce(server, async () => server.close()));
