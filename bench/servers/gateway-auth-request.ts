// @authgate/gateway as nginx's auth_request target (the gateway README's setup): GET /auth with the original
// request's headers, 200 with the identity headers or the refusal. No rules: every path needs a valid token.
import { createGateway } from '@authgate/gateway';
import { announce, bench } from './shared.js';

const gateway = createGateway({
  verifier: { issuer: bench.issuer, audience: bench.audience, algorithms: ['RS256'], jwksUri: bench.jwksUri },
  logLevel: 'silent',
});
await gateway.ready();
await gateway.gatewayVerifier.ready();
await gateway.listen({ port: 0, host: '127.0.0.1' });
announce(gateway.server, () => gateway.close());
