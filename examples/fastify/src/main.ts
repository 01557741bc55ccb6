// `pnpm --filter @authgate/example-fastify start`: a local issuer plus this API, and a token to try it with.
import { createTestIssuer } from '@authgate/testing';
import { createApp } from './app.js';

const issuer = await createTestIssuer({ algorithms: ['ES256'], defaultAudience: 'orders-api' });
const app = await createApp({ issuer: issuer.url, audience: 'orders-api', jwksUri: issuer.jwksUri });
const port = Number(process.env.PORT ?? 3001);
await app.listen({ port, host: '127.0.0.1' });
const token = await issuer.sign({ sub: 'alice', tenant: 'acme', scope: 'orders:read orders:write' }, { expiresIn: '1h' });
process.stdout.write(`Fastify orders API on http://127.0.0.1:${port} (issuer ${issuer.url})\n\n`);
process.stdout.write(`curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/orders\n\nCtrl-C to stop.\n`);

process.once('SIGINT', () => {
  void app.close().then(() => issuer.close());
});
