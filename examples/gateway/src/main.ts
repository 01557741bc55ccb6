// `pnpm --filter @authgate/example-gateway start`: a local issuer, @authgate/gateway, a service that trusts identity
// headers, and a forward-auth proxy in front; prints a token to try it with.
import { createTestIssuer } from '@authgate/testing';
import { startGatewayExample } from './app.js';

const issuer = await createTestIssuer({ algorithms: ['RS256'], defaultAudience: 'orders-api' });
const example = await startGatewayExample({ issuer: issuer.url, audience: 'orders-api', jwksUri: issuer.jwksUri });
const token = await issuer.sign({ sub: 'alice', scope: 'orders:read' }, { expiresIn: '1h' });
process.stdout.write(`proxy ${example.url} → gateway ${example.gatewayUrl} → orders service (issuer ${issuer.url})\n\n`);
process.stdout.write(`curl -H "Authorization: Bearer ${token}" -H "X-User-Id: admin" ${example.url}/orders\n`);
process.stdout.write(`curl ${example.gatewayUrl}/metrics\n\nCtrl-C to stop.\n`);

process.once('SIGINT', () => {
  void example.close().then(() => issuer.close());
});
