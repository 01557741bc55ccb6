// `pnpm --filter @authgate/example-express start`: a local issuer plus this API, and a token to try it with.
import { createTestIssuer } from '@authgate/testing';
import { createApp } from './app.js';

const issuer = await createTestIssuer({ algorithms: ['RS256'], defaultAudience: 'orders-api' });
const app = createApp({ issuer: issuer.url, audience: 'orders-api', jwksUri: issuer.jwksUri });
const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => {
  void issuer.sign({ sub: 'alice', tenant: 'acme', scope: 'orders:read orders:write' }, { expiresIn: '1h' }).then((token) => {
    process.stdout.write(`Express orders API on http://127.0.0.1:${port} (issuer ${issuer.url})\n\n`);
    process.stdout.write(`curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/orders\n\nCtrl-C to stop.\n`);
  });
});

process.once('SIGINT', () => {
  server.close();
  void issuer.close();
});
