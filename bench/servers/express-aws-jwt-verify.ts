// aws-jwt-verify has no Express middleware: this is the few lines its README suggests writing. Its default fetcher
// uses node:https and refuses http: URLs, so the loopback JWKS is fetched by a small fetcher through its documented
// `SimpleJwksCache({ fetcher })` extension point. It runs once (hydrate) and never on the request path.
import express from 'express';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { announce, bench, ordersBody, UNAUTHORIZED } from './shared.js';

const loopbackFetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(uri);
    if (response.status !== 200) throw new Error(`JWKS answered ${response.status}`);
    return response.arrayBuffer();
  },
};

const verifier = JwtRsaVerifier.create(
  { issuer: bench.issuer, audience: bench.audience, jwksUri: bench.jwksUri },
  { jwksCache: new SimpleJwksCache({ fetcher: loopbackFetcher }) },
);
await verifier.hydrate();

const app = express();
app.get(
  '/orders',
  async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined || !header.startsWith('Bearer ')) {
      res.status(401).json(UNAUTHORIZED);
      return;
    }
    try {
      res.locals.claims = await verifier.verify(header.slice('Bearer '.length));
    } catch {
      res.status(401).json(UNAUTHORIZED);
      return;
    }
    next();
  },
  (_req, res) => {
    res.json(ordersBody(res.locals.claims?.sub));
  },
);
const server = app.listen(0, '127.0.0.1', () => announce(server, async () => server.close()));
