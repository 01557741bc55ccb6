import { createPublicKey, randomBytes, randomUUID, webcrypto, type JsonWebKey } from 'node:crypto';
import { generateSigningKey, type SigningKey } from '../keys.js';
import { sendJson } from '../endpoints.js';
import { urlHost, normalizeIssuerOptions } from '../options.js';
import { startServer, type Route } from '../server.js';
import { encodeSegment, signParts } from '../sign.js';
import { durationSeconds, epochSeconds, nowSeconds } from '../time.js';
import type { SigningAlgorithm, TokenClaims } from '../types.js';
import { entraIssuer, issuerOf, resolveSettings, shapeOf, TOKEN_KINDS, type ResolvedSettings } from './shapes.js';
import type { ProviderIssuer, ProviderName, ProviderSettings, ProviderSignOptions } from './types.js';

interface PublishedKey {
  readonly kid: string;
  readonly signing: SigningKey;
  /** The JWK as served (provider quirks applied). */
  readonly served: Record<string, unknown>;
}

const READ = ['GET', 'HEAD'] as const;

/** A kid in the provider's style: Cognito's base64 with `+`, `/` and `=`; Entra's x5t-like; ALB's UUID. */
function kidFor(provider: ProviderName, index: number): string {
  if (provider === 'cognito') return `${index}a+/${randomBytes(28).toString('base64')}`;
  if (provider === 'entra') return randomBytes(20).toString('base64url');
  if (provider === 'awsAlb') return randomUUID();
  return `${provider.toLowerCase()}-${index}-${randomBytes(6).toString('hex')}`;
}

/** The JWK as this provider serves it. */
function servedJwk(
  provider: ProviderName,
  key: SigningKey,
  kid: string,
  s: ResolvedSettings,
  members: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const { alg, ...withoutAlg } = key.publicJwk;
  if (provider === 'entra') {
    // Entra's keys carry no alg, an x5t, and the issuer they may sign for (a {tenantid} template on the common set).
    const tenant = s.multiTenant ? '{tenantid}' : s.tenant;
    return { ...withoutAlg, kid, x5t: kid, issuer: entraIssuer(s.version, tenant), ...members };
  }
  return { ...withoutAlg, alg, kid, ...members };
}

function pemOf(key: SigningKey): string {
  const { kty, crv, x, y, n, e } = key.publicJwk;
  const jwk: JsonWebKey = kty === 'RSA' ? { kty, n, e } : { kty, crv, x, y };
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Starts a local stand-in for a real identity provider: its token shapes, its issuer spelling, and its key-serving
 * quirks (Entra keys without `alg` and with an `issuer` member, Keycloak's `use: enc` key beside the signing key,
 * Cognito kids with `+/=`, ALB's per-kid PEM keys). Point the matching `providers` preset at it with `...idp.local`.
 */
export async function createProviderIssuer(provider: ProviderName, settings: ProviderSettings = {}): Promise<ProviderIssuer> {
  if (!(provider in TOKEN_KINDS))
    throw new Error(`@authgate/testing: unknown provider ${JSON.stringify(provider)}; known: ${Object.keys(TOKEN_KINDS).join(', ')}`);
  const s = resolveSettings(provider, settings);
  const host = normalizeIssuerOptions({ ...(settings.host === undefined ? {} : { host: settings.host }) }).host;
  const algorithm: SigningAlgorithm = provider === 'awsAlb' ? 'ES256' : 'RS256';
  const keys: PublishedKey[] = [];
  const routes = new Map<string, Route>();
  let keyRequests = 0;
  const server = await startServer(host, 0, routes);
  const origin = `http://${urlHost(host)}:${server.port}`;

  async function publish(members: Readonly<Record<string, unknown>> = {}): Promise<string> {
    const signing = await generateSigningKey(algorithm, '');
    const kid = kidFor(provider, keys.length);
    keys.push({ kid, signing, served: servedJwk(provider, signing, kid, s, members) });
    if (provider === 'awsAlb') {
      const pem = pemOf(signing);
      routes.set(`/alb-keys/${kid}`, {
        methods: READ,
        handle: (_req, res) => {
          keyRequests += 1;
          res.writeHead(200, { 'content-type': 'application/x-pem-file', 'content-length': String(Buffer.byteLength(pem)) });
          res.end(pem);
        },
      });
    }
    return kid;
  }

  const signingKid = await publish();
  // Keycloak publishes its RSA-OAEP encryption key in the same JWKS.
  const encryptionKid = provider === 'keycloak' ? await publish({ use: 'enc', alg: 'RSA-OAEP' }) : undefined;
  routes.set('/jwks', {
    methods: READ,
    handle: (_req, res) => {
      keyRequests += 1;
      sendJson(res, 200, { keys: keys.map((key) => key.served) }, { 'cache-control': 'public, max-age=300' });
    },
  });

  async function token(claims: TokenClaims = {}, options: ProviderSignOptions = {}): Promise<string> {
    const kinds = TOKEN_KINDS[provider];
    const kind = options.kind ?? (kinds[0] as (typeof kinds)[number]);
    if (!kinds.includes(kind)) throw new Error(`@authgate/testing: ${provider} issues ${kinds.join(', ')} tokens, not ${JSON.stringify(kind)}`);
    const key = keys.find((candidate) => candidate.kid === (options.kid ?? signingKid));
    if (key === undefined) throw new Error(`@authgate/testing: no published key has kid ${JSON.stringify(options.kid)}`);
    const now = nowSeconds();
    const iat = options.issuedAt === undefined ? now : epochSeconds(options.issuedAt, now, 'issuedAt');
    const shape = shapeOf(provider, kind, s, iat);
    const payload: Record<string, unknown> = { ...shape.claims, iat, exp: iat + Math.floor(durationSeconds(options.expiresIn ?? '1h', 'expiresIn')) };
    // An Entra token of another tenant says so in its iss too, unless the test sets iss itself.
    if (provider === 'entra' && typeof claims.tid === 'string' && claims.iss === undefined) payload.iss = entraIssuer(s.version, claims.tid);
    for (const [name, value] of Object.entries(claims)) {
      if (value === undefined) delete payload[name];
      else payload[name] = value;
    }
    if (options.notBefore !== undefined) payload.nbf = epochSeconds(options.notBefore, now, 'notBefore');
    if (options.noExp === true) delete payload.exp;
    const header = { ...shape.header, alg: algorithm, kid: key.kid, ...options.header };
    if (provider === 'awsAlb') return signPadded({ ...header, exp: payload.exp }, payload, key.signing);
    return signParts(header, payload, key.signing.privateKey);
  }

  return {
    provider,
    issuer: issuerOf(provider, s),
    settings: s,
    local:
      provider === 'awsAlb'
        ? { publicKeyUri: `${origin}/alb-keys/{kid}`, allowInsecureHttp: true }
        : { jwksUri: `${origin}/jwks`, allowInsecureHttp: true },
    encryptionKid,
    get keyRequests() {
      return keyRequests;
    },
    token,
    addKey: publish,
    close: () => server.close(),
  };
}

/** ALB's encoding: base64url segments padded with `=`, the signature computed over the padded segments. */
async function signPadded(header: Record<string, unknown>, payload: Record<string, unknown>, key: SigningKey): Promise<string> {
  const pad = (segment: string): string => segment + '='.repeat((4 - (segment.length % 4)) % 4);
  const signingInput = `${pad(encodeSegment(header))}.${pad(encodeSegment(payload))}`;
  const signature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(signingInput));
  return `${signingInput}.${pad(Buffer.from(signature).toString('base64url'))}`;
}
