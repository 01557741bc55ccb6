// The reference: Express with a middleware that checks the signature and nothing else (see signatureOnlyCheck).
import express from 'express';
import { announce, ordersBody, signatureOnlyCheck, UNAUTHORIZED } from './shared.js';
import { SUBJECT } from '../lib/config.js';

const check = await signatureOnlyCheck();
const app = express();
app.get(
  '/orders',
  (req, res, next) => {
    if (check(req.headers.authorization)) next();
    else res.status(401).json(UNAUTHORIZED);
  },
  (_req, res) => {
    res.json(ordersBody(SUBJECT));
  },
);
const server = app.listen(0, '127.0.0.1', () => announce(server, async () => server.close()));
