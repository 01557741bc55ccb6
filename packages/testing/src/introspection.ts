import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JWK, type JWTVerifyGetKey } from 'jose';
import { formDecode, readForm, sendJson } from './endpoints.js';
import { createFaultyEndpoint, type FaultyEndpoint } from './faults.js';
import type { IntrospectionClient } from './types.js';

/**
 * An RFC 7662 introspection endpoint that knows every token the issuer minted: opaque tokens from `opaqueToken()`
 * (their claims are kept here), and JWTs signed by the issuer's published keys. `revoke()` makes a token inactive.
 * Callers authenticate as in real servers: client_secret_basic (form-encoded, RFC 6749 §2.3.1), client_secret_post
 * or private_key_jwt (RFC 7523); anything else gets 401 `invalid_client`.
 */

export const DEFAULT_INTROSPECTION_CLIENT: IntrospectionClient = Object.freeze({ clientId: 'test-api', clientSecret: 'test-api-secret' });
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface IntrospectionStore {
  readonly endpoint: FaultyEndpoint;
  /** Registers an opaque token with the claims its introspection answer carries; returns the token. */
  register(payload: Record<string, unknown>): string;
  revoke(token: string): void;
}

interface Settings {
  endpointUrl: () => string;
  issuerUrl: string;
  publicJwks: () => { keys: JWK[] };
  clients: readonly IntrospectionClient[];
}

function basicCredentials(req: IncomingMessage): [string, string] | undefined {
  const authorization = req.headers.authorization;
  if (authorization === undefined || !/^basic /i.test(authorization)) return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator === -1) return undefined;
  return [formDecode(decoded.slice(0, separator)), formDecode(decoded.slice(separator + 1))];
}

/** The client that authenticated this request, or undefined (then 401 invalid_client). */
async function authenticate(req: IncomingMessage, form: URLSearchParams, settings: Settings): Promise<IntrospectionClient | undefined> {
  const basic = basicCredentials(req);
  const [id, secret] = basic ?? [form.get('client_id'), form.get('client_secret')];
  if (form.get('client_assertion_type') === ASSERTION_TYPE) {
    const client = settings.clients.find((candidate) => candidate.clientId === id && candidate.publicKey !== undefined);
    if (client === undefined || basic !== undefined) return undefined;
    try {
      const { payload } = await jwtVerify(form.get('client_assertion') ?? '', createLocalJWKSet({ keys: [client.publicKey as JWK] }), {
        issuer: client.clientId,
        subject: client.clientId,
        audience: [settings.endpointUrl(), settings.issuerUrl],
        requiredClaims: ['exp', 'jti'],
      });
      return typeof payload.exp === 'number' && payload.exp - Math.floor(Date.now() / 1000) <= 300 ? client : undefined;
    } catch {
      return undefined;
    }
  }
  const client = settings.clients.find((candidate) => candidate.clientId === id);
  return client !== undefined && client.clientSecret !== undefined && client.clientSecret === secret ? client : undefined;
}

export function createIntrospectionStore(settings: Settings): IntrospectionStore {
  const opaque = new Map<string, Record<string, unknown>>();
  const revoked = new Set<string>();
  let jwks: JWTVerifyGetKey | undefined;
  let jwksSource: unknown;

  async function claimsOf(token: string): Promise<Record<string, unknown> | undefined> {
    const stored = opaque.get(token);
    if (stored !== undefined) return stored;
    const current = settings.publicJwks();
    if (jwksSource !== JSON.stringify(current)) {
      jwksSource = JSON.stringify(current);
      jwks = createLocalJWKSet(current);
    }
    try {
      return (await jwtVerify(token, jwks as JWTVerifyGetKey, { issuer: settings.issuerUrl })).payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const noStore = { 'cache-control': 'no-store' };
    const form = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '') ? await readForm(req) : undefined;
    if (form === undefined) return sendJson(res, 400, { error: 'invalid_request', error_description: 'send a form of at most 16 KiB' }, noStore);
    if ((await authenticate(req, form, settings)) === undefined) {
      return sendJson(res, 401, { error: 'invalid_client' }, { ...noStore, 'www-authenticate': 'Basic realm="introspection"' });
    }
    const token = form.get('token');
    if (token === null || token === '') return sendJson(res, 400, { error: 'invalid_request', error_description: 'token is required' }, noStore);
    const claims = revoked.has(token) ? undefined : await claimsOf(token);
    const expired = typeof claims?.exp === 'number' && claims.exp <= Math.floor(Date.now() / 1000);
    if (claims === undefined || expired) return sendJson(res, 200, { active: false }, noStore);
    return sendJson(res, 200, { token_type: 'access_token', ...claims, active: true }, noStore);
  }

  const endpoint = createFaultyEndpoint({
    name: 'introspection',
    answer: (req, res) => void answer(req, res).catch(() => res.destroy()),
    document: () => JSON.stringify({ active: false }),
    emptyDocument: '{}',
  });

  return {
    endpoint,
    register(payload) {
      const token = `opaque_${randomBytes(24).toString('base64url')}`;
      opaque.set(token, payload);
      return token;
    },
    revoke(token) {
      revoked.add(token);
    },
  };
}
