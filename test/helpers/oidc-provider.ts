/**
 * A real OpenID Provider for interop tests: panva's `oidc-provider` (certified, and written by nobody here), issuing
 * RFC 9068 JWT access tokens (`typ: at+jwt`) through the client credentials grant with resource indicators
 * (RFC 8707). It listens on 127.0.0.1 with a real socket; its issuer is `http://127.0.0.1:PORT`, which authgate
 * accepts over plain http because it is loopback.
 *
 *   const op = await startProvider({ keys: [await generateSigningKey('ES256', 'ec-1')], resources: { ... } });
 *   const token = await op.tokenFor({ resource: 'urn:example:orders', scope: 'orders:read' });
 *   await op.close();
 *
 * `startProvider({ keys, port })` with the port of a closed provider brings up "the same" issuer with another key set:
 * that is how the tests rotate keys.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type {
  ClientMetadata,
  Configuration,
  default as ProviderClass,
  EncryptionAlgValues,
  EncryptionEncValues,
  errors as ProviderErrors,
  ResourceServer,
} from 'oidc-provider';

export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA' | 'Ed25519';

/** A private signing JWK (with `kid`, `alg` and `use`) for the provider's `jwks` configuration. */
export async function generateSigningKey(alg: SigningAlg, kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

/** What the provider knows about one resource server (API), keyed by its resource indicator. */
export interface ResourceDefinition {
  /** The `aud` of its access tokens. */
  audience: string;
  /** Space-delimited scopes it understands; requested scopes outside it are dropped from the token. */
  scope: string;
  /** The JWS algorithm its access tokens are signed with (a key for it must be in `keys`). */
  alg: SigningAlg;
  /** Sign with this kid rather than the provider's first key for `alg`. */
  kid?: string;
  /**
   * Overrides the `typ` header (oidc-provider writes `at+jwt`) through the provider's own JWT customizer hook; `null`
   * leaves it out, as on oidc-provider's ID tokens.
   */
  typ?: string | null;
  /** `'opaque'` issues reference tokens (checked by introspection) instead of JWTs. Default `'jwt'`. */
  format?: 'jwt' | 'opaque';
  /** Encrypt the signed JWT to this public JWK (a nested JWE), as oidc-provider's `jwt.encrypt` does. */
  encrypt?: { alg: EncryptionAlgValues; enc: EncryptionEncValues; key: JWK };
}

export interface StartProviderOptions {
  /** Private signing JWKs; every one is published (public part) at the provider's jwks_uri. */
  keys: JWK[];
  /** Listen on this port (e.g. a closed provider's, to rotate its keys). Default: any free port. */
  port?: number;
  /** Mount the provider under this path (e.g. `/realms/acme`): the issuer then has a path, like a multi-tenant IdP's. */
  path?: string;
  /** Resource indicator → resource server. */
  resources: Record<string, ResourceDefinition>;
  /** The confidential client allowed the client credentials grant. Defaults `orders-batch` / a random secret. */
  client?: { id: string; secret: string; metadata?: Record<string, unknown> };
  /**
   * Turns on the `introspection` and `revocation` features, and registers this client: the API's own credentials for
   * the introspection endpoint (client_secret_basic).
   */
  introspectionClient?: { id: string; secret: string };
  /** Changes the provider configuration before the provider is built (e.g. `features.dpop`, `features.mTLS`). */
  configure?: (configuration: Configuration) => void;
  /** More clients (e.g. services allowed a grant registered in `setup`). */
  clients?: ClientMetadata[];
  /** Claims added to every token the provider issues (oidc-provider's `extraTokenClaims`). */
  extraTokenClaims?: Configuration['extraTokenClaims'];
  /** Runs once the provider exists, before it serves: register extra grants here (`provider.registerGrantType`). */
  setup?: (provider: ProviderClass, errors: typeof ProviderErrors) => void;
}

export interface TokenRequest {
  /** The resource indicator (RFC 8707). */
  resource: string;
  /** Space-delimited scopes to ask for. */
  scope?: string;
  /** More request headers (e.g. a TLS-terminating proxy's client-certificate header). */
  headers?: Record<string, string>;
}

/** The token endpoint's answer, success or error (RFC 6749 §5.1 / §5.2). */
export interface TokenEndpointResponse {
  status: number;
  body: {
    access_token?: string;
    token_type?: string;
    expires_in?: number;
    scope?: string;
    error?: string;
    error_description?: string;
  };
}

export interface RunningProvider {
  /** The exact issuer identifier (`iss` of its tokens, `issuer` of its discovery document). */
  readonly issuer: string;
  readonly port: number;
  readonly clientId: string;
  /** The provider's OpenID discovery document, as fetched at start. */
  readonly metadata: Readonly<{ issuer: string; jwks_uri: string; token_endpoint: string } & Record<string, unknown>>;
  /** POSTs a client credentials request to the token endpoint and returns the access token; throws on an error answer. */
  tokenFor(request: TokenRequest): Promise<string>;
  /** The same request, returning the raw answer (for error cases). */
  requestToken(request: TokenRequest): Promise<TokenEndpointResponse>;
  /** Revokes a token at the revocation endpoint (RFC 7009) as the client it was issued to; resolves the HTTP status. */
  revoke(token: string): Promise<number>;
  /** `METHOD /path` of every request received so far, in order (the helper's own discovery fetch included). */
  requests(): readonly string[];
  /** Stops listening and drops every open connection (keep-alive sockets of authgate and of the test included). */
  close(): Promise<void>;
}

// oidc-provider prints development notices through console.warn / console.info (an unsupported-runtime warning on
// Node 20 at import, the in-memory adapter warning at construction). They are expected here; anything else still
// goes through. The filter is installed while at least one provider runs, and while importing the module.
let quietUsers = 0;
let restoreConsole: (() => void) | undefined;

function quietOidcProvider(): () => void {
  if (quietUsers === 0) {
    const { warn, info } = console;
    const filtered =
      (write: (...args: unknown[]) => void) =>
      (...args: unknown[]): void => {
        if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
        write.apply(console, args);
      };
    console.warn = filtered(warn);
    console.info = filtered(info);
    restoreConsole = () => {
      console.warn = warn;
      console.info = info;
    };
  }
  quietUsers += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    quietUsers -= 1;
    if (quietUsers === 0) restoreConsole?.();
  };
}

export async function startProvider(options: StartProviderOptions): Promise<RunningProvider> {
  const release = quietOidcProvider();
  // The handler is installed once the provider exists: its issuer needs the port, which needs the server listening.
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    handler(req, res);
  });
  try {
    server.listen(options.port ?? 0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const mount = options.path ?? '';
    if (mount !== '' && (!mount.startsWith('/') || mount.endsWith('/'))) throw new Error('path must start with / and not end with /');
    const issuer = `http://127.0.0.1:${port}${mount}`;
    const client = options.client ?? { id: 'orders-batch', secret: `secret-${Math.random().toString(36).slice(2)}` };

    const { default: Provider, errors } = await import('oidc-provider');
    const configuration: Configuration = {
      jwks: { keys: options.keys as NonNullable<Configuration['jwks']>['keys'] },
      clients: [
        {
          client_id: client.id,
          client_secret: client.secret,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          // Never used (no ID tokens here), but oidc-provider validates it against the keys: its default, RS256,
          // makes the client invalid on a provider without an RSA key.
          id_token_signed_response_alg: (options.keys[0]?.alg ?? 'RS256') as SigningAlg,
          ...options.client?.metadata,
        },
        ...(options.introspectionClient === undefined
          ? []
          : [
              {
                client_id: options.introspectionClient.id,
                client_secret: options.introspectionClient.secret,
                grant_types: [],
                response_types: [],
                redirect_uris: [],
                token_endpoint_auth_method: 'client_secret_basic' as const,
                id_token_signed_response_alg: (options.keys[0]?.alg ?? 'RS256') as SigningAlg,
              },
            ]),
        ...(options.clients ?? []).map((metadata): ClientMetadata => ({
          id_token_signed_response_alg: (options.keys[0]?.alg ?? 'RS256') as SigningAlg,
          ...metadata,
        })),
      ],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: { enabled: options.introspectionClient !== undefined },
        revocation: { enabled: options.introspectionClient !== undefined },
        resourceIndicators: {
          enabled: true,
          // No resource parameter: no default (the request must name one).
          defaultResource: (_ctx, _client, oneOf) => oneOf ?? undefined,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, indicator): ResourceServer => {
            const resource = options.resources[indicator];
            if (resource === undefined) throw new errors.InvalidTarget();
            const encrypt =
              resource.encrypt === undefined
                ? undefined
                : {
                    alg: resource.encrypt.alg,
                    enc: resource.encrypt.enc,
                    key: createPublicKey({ key: resource.encrypt.key as JsonWebKey, format: 'jwk' }),
                    ...(resource.encrypt.key.kid === undefined ? {} : { kid: resource.encrypt.key.kid }),
                  };
            return {
              audience: resource.audience,
              scope: resource.scope,
              accessTokenFormat: resource.format ?? 'jwt',
              accessTokenTTL: 300,
              jwt: {
                sign: { alg: resource.alg, ...(resource.kid === undefined ? {} : { kid: resource.kid }) },
                ...(encrypt === undefined ? {} : { encrypt }),
              },
            };
          },
        },
      },
      ...(options.extraTokenClaims === undefined ? {} : { extraTokenClaims: options.extraTokenClaims }),
      formats: {
        customizers: {
          jwt: (_ctx, token, parts) => {
            const indicator = token.resourceServer?.identifier();
            const typ = indicator === undefined ? undefined : options.resources[indicator]?.typ;
            // An undefined header value is dropped when the header is serialised.
            if (typ !== undefined) parts.header = { ...parts.header, typ: typ ?? undefined };
          },
        },
      },
    };
    options.configure?.(configuration);
    const provider = new Provider(issuer, configuration);
    options.setup?.(provider, errors);
    const callback = provider.callback();
    // Mounted the way connect/express mount apps: the prefix is stripped from req.url and kept in req.originalUrl,
    // from which oidc-provider builds its endpoint URLs.
    handler =
      mount === ''
        ? callback
        : (req, res) => {
            const url = req.url ?? '/';
            if (url !== mount && !url.startsWith(`${mount}/`) && !url.startsWith(`${mount}?`)) {
              res.statusCode = 404;
              res.end();
              return;
            }
            (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = url;
            const rest = url.slice(mount.length);
            req.url = rest.startsWith('/') ? rest : `/${rest}`;
            void callback(req, res);
          };

    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!discovery.ok) throw new Error(`oidc-provider discovery answered HTTP ${discovery.status}`);
    const metadata = (await discovery.json()) as RunningProvider['metadata'];

    const basic = Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64');
    const requestToken = async (request: TokenRequest): Promise<TokenEndpointResponse> => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', resource: request.resource });
      if (request.scope !== undefined) form.set('scope', request.scope);
      const response = await fetch(metadata.token_endpoint, {
        method: 'POST',
        headers: {
          ...request.headers,
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as TokenEndpointResponse['body'] };
    };

    let closed: Promise<void> | undefined;
    return {
      issuer,
      port,
      clientId: client.id,
      metadata,
      requestToken,
      requests: () => [...requests],
      async revoke(token) {
        const endpoint = metadata.revocation_endpoint;
        if (typeof endpoint !== 'string') throw new Error('start the provider with introspectionClient to turn revocation on');
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        });
        await response.arrayBuffer();
        return response.status;
      },
      async tokenFor(request) {
        const { status, body } = await requestToken(request);
        if (status !== 200 || typeof body.access_token !== 'string') {
          throw new Error(`token endpoint answered HTTP ${status}: ${body.error ?? '?'} (${body.error_description ?? ''})`);
        }
        return body.access_token;
      },
      close() {
        closed ??= closeServer(server).finally(release);
        return closed;
      },
    };
  } catch (error) {
    await closeServer(server).catch(() => undefined);
    release();
    throw error;
  }
}

function closeServer(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  const closing = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  // Keep-alive sockets (authgate's fetches, the test's token requests) would otherwise hold close() open.
  server.closeAllConnections();
  return closing;
}
