// @authgate/gateway answering decisions as Envoy's ext_authz asks for them (path_prefix mode: the original path after
// the prefix, the token in Authorization): 200 with the identity headers, or the refusal. No rules: every path needs
// a valid token. What a proxy in front of a service pays per request for authgate at the edge.
import { createGateway } from '@authgate/gateway';
import { announce, bench } from './shared.js';

const gateway = createGateway({
  verifier: { issuer: bench.issuer, audience: bench.audience, algorithms: ['RS256'], jwksUri: bench.jwksUri },
  pathPrefix: '/orders',
  logLevel: 'silent',
});
await gateway.ready();
await gateway.gatewayVerifier.ready();
await gateway.listen({ port: 0, host: '127.0.0.1' });
announce(gateway.server, () => gateway.close());
