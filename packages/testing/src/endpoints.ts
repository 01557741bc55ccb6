import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignOptions, SigningAlgorithm, TokenClaims } from './types.js';

/** The non-JWKS endpoints: metadata documents and a tiny client_credentials token endpoint for demos. */

export interface IssuerEndpoints {
  readonly url: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly algorithms: readonly SigningAlgorithm[];
}

const MAX_FORM_BYTES = 16 * 1024;
export const TOKEN_LIFETIME_SECONDS = 300;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** One document for both OpenID Connect Discovery and RFC 8414: the members each requires, and nothing we lack. */
export function discoveryDocument(issuer: IssuerEndpoints): Record<string, unknown> {
  return {
    issuer: issuer.url,
    jwks_uri: issuer.jwksUri,
    token_endpoint: issuer.tokenEndpoint,
    introspection_endpoint: issuer.introspectionEndpoint,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    // Required by both specs; there is no authorization endpoint, so only the token response type applies.
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...issuer.algorithms],
  };
}

/** The form, or undefined when it is too large. An oversized body is drained, not cut off, so the client gets the 413. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_FORM_BYTES) chunks.push(chunk);
  }
  return size > MAX_FORM_BYTES ? undefined : new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** RFC 6749 §2.3.1 form-encodes Basic credentials; a client that did not is taken literally rather than refused. */
export function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** The client id from HTTP Basic (RFC 6749 §2.3.1) or the form. Secrets are not checked: every client is trusted. */
function clientIdOf(req: IncomingMessage, form: URLSearchParams): string {
  const authorization = req.headers.authorization;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const id = formDecode(separator === -1 ? decoded : decoded.slice(0, separator));
    if (id !== '') return id;
  }
  return form.get('client_id') ?? 'test-client';
}

export type Mint = (claims: TokenClaims, options: SignOptions) => Promise<string>;

/**
 * POST /token, grant_type=client_credentials, with `audience` (Auth0 style) or `resource` (RFC 8707), optional
 * `scope`. Answers like RFC 6749 §5.1/§5.2. Exists so demos can `curl` a token; tests should call `sign()`.
 */
export async function handleTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  mint: Mint,
  defaultAudience: string | readonly string[] | undefined,
): Promise<void> {
  const noStore = { 'cache-control': 'no-store' };
  const contentType = req.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'send application/x-www-form-urlencoded' }, noStore);
  }
  const form = await readForm(req);
  if (form === undefined) return sendJson(res, 413, { error: 'invalid_request', error_description: 'request body too large' }, noStore);
  if (form.get('grant_type') !== 'client_credentials') {
    return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'only client_credentials is supported' }, noStore);
  }
  const requested = form
    .getAll('audience')
    .concat(form.getAll('resource'))
    .filter((value) => value !== '');
  const audience = requested.length === 0 ? defaultAudience : requested.length === 1 ? requested[0] : requested;
  if (audience === undefined) {
    return sendJson(res, 400, { error: 'invalid_target', error_description: 'name the API: audience=... (or set defaultAudience)' }, noStore);
  }
  const clientId = clientIdOf(req, form);
  const scope = form.get('scope') ?? undefined;
  const claims: TokenClaims = { sub: clientId, client_id: clientId, ...(scope === undefined ? {} : { scope }) };
  const accessToken = await mint(claims, { audience, expiresIn: TOKEN_LIFETIME_SECONDS });
  return sendJson(
    res,
    200,
    {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ...(scope === undefined ? {} : { scope }),
    },
    noStore,
  );
}
