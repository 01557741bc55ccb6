// One API instance of a fleet, in its own process: Express + jwtAuth with a Redis revocation list, plus an admin
// route that revokes through this instance. Started by test/revocation-fleet.test.ts with FLEET_CONFIG (JSON) and
// an IPC channel; it reports { port } once listening. Uses the built packages, as a deployment would.
import express from 'express';
import { jwtAuth } from '@authgate/express';
import { createRedisRevocationList } from '@authgate/redis';

const config = JSON.parse(process.env.FLEET_CONFIG);
const revocation = createRedisRevocationList({ redis: config.redisUrl, keyPrefix: config.keyPrefix, retainPastExpiry: 0, resyncInterval: 1 });
await revocation.ready();

const methods = new Set(['revokeToken', 'revokeSubject', 'revokeClient', 'unrevokeToken', 'unrevokeSubject', 'unrevokeClient']);
const app = express();
app.post('/admin/revocations/:method', express.json(), async (req, res) => {
  if (!methods.has(req.params.method)) return res.status(404).end();
  try {
    await revocation[req.params.method](req.body);
    res.status(204).end();
  } catch (error) {
    res.status(503).json({ error: error.message });
  }
});
app.get('/admin/revocations', (_req, res) => res.json({ size: revocation.size, health: revocation.health() }));
app.use(jwtAuth({ issuer: config.issuer, audience: config.audience, algorithms: ['RS256'], jwks: config.jwks, clockTolerance: 0, revocation }));
app.get('/me', (req, res) => res.json({ sub: req.auth.subject }));
const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
