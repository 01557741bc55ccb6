import { createBadTokens } from './bad-tokens.js';
import { discoveryDocument, handleTokenRequest, sendJson, type IssuerEndpoints } from './endpoints.js';
import { createJwksEndpoint } from './faults.js';
import { KeyStore } from './keys.js';
import { normalizeIssuerOptions, urlHost } from './options.js';
import { signToken, type SignContext } from './sign.js';
import { startServer, type Route } from './server.js';
import type { TestIssuer, TestIssuerOptions } from './types.js';

export type {
  BadTokens,
  Duration,
  JwksFaults,
  PublicJwk,
  PublicJwks,
  SignOptions,
  SigningAlgorithm,
  TestIssuer,
  TestIssuerOptions,
  TimeInput,
  TokenClaims,
} from './types.js';
export { SIGNING_ALGORITHMS } from './keys.js';
export { WRONG_AUDIENCE, WRONG_ISSUER } from './bad-tokens.js';
export { DEFAULT_CACHE_CONTROL } from './faults.js';

const READ = ['GET', 'HEAD'] as const;

/**
 * Starts a local token issuer: fresh keys, a JWKS endpoint with fault injection, OIDC and RFC 8414 discovery, and a
 * demo token endpoint, on a real HTTP server (127.0.0.1, any free port, by default). Always `close()` it.
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const config = normalizeIssuerOptions(options);
  const keys = await KeyStore.create(config.algorithms);
  const jwksEndpoint = createJwksEndpoint(() => keys.publicJwks());
  // Routes are filled in once the port is known (every URL depends on it); nothing is served before listen resolves.
  const routes = new Map<string, Route>();
  const server = await startServer(config.host, config.port, routes);

  const origin = `http://${urlHost(config.host)}:${server.port}`;
  const url = `${origin}${config.issuerPath}`;
  // Paths below the issuer join without doubling a trailing slash the issuerPath may carry.
  const base = config.issuerPath.replace(/\/+$/, '');
  const endpoints: IssuerEndpoints = {
    url,
    jwksUri: `${origin}${base}/.well-known/jwks.json`,
    tokenEndpoint: `${origin}${base}/token`,
    algorithms: config.algorithms,
  };
  const context: SignContext = { issuerUrl: url, defaultAudience: config.defaultAudience, keys };
  const serveDiscovery: Route = { methods: READ, handle: (_req, res) => sendJson(res, 200, discoveryDocument(endpoints)) };

  routes.set(`${base}/.well-known/jwks.json`, { methods: READ, handle: (req, res) => jwksEndpoint.serve(req, res) });
  // OIDC Discovery appends to the issuer; RFC 8414 §3 inserts the well-known segment before the issuer's path.
  routes.set(`${base}/.well-known/openid-configuration`, serveDiscovery);
  routes.set(`/.well-known/oauth-authorization-server${base}`, serveDiscovery);
  routes.set(`${base}/.well-known/oauth-authorization-server`, serveDiscovery);
  routes.set(`${base}/token`, {
    methods: ['POST'],
    handle: (req, res) => handleTokenRequest(req, res, (claims, signOptions) => signToken(context, claims, signOptions), config.defaultAudience),
  });

  return {
    url,
    jwksUri: endpoints.jwksUri,
    tokenEndpoint: endpoints.tokenEndpoint,
    algorithms: config.algorithms,
    sign: (claims, signOptions) => signToken(context, claims, signOptions),
    rotate: (algorithm) => keys.rotate(algorithm),
    removeKey: async (kid) => keys.remove(kid),
    currentKid: (algorithm) => keys.signingKey(algorithm).kid,
    publicJwks: () => keys.publicJwks(),
    bad: createBadTokens(context),
    jwks: jwksEndpoint.faults,
    async close() {
      jwksEndpoint.dispose();
      await server.close();
    },
  };
}

export { createProviderIssuer } from './providers/issuer.js';
export type { ProviderIssuer, ProviderName, ProviderSettings, ProviderSignOptions, ProviderTokenKind } from './providers/types.js';
