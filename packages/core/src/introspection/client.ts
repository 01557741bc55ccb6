import { discoveryUrls } from '../keys/discovery.js';
import { fetchBounded, fetchJson, KeySourceFetchError, parseJson } from '../net/fetch-json.js';
import { redactUrl, urlPolicyViolation } from '../net/url-policy.js';
import type { NormalizedIntrospection } from './options.js';

/**
 * The RFC 7662 client: one bounded POST per question, and nothing but a well-formed answer gets out. Every way the
 * server can fail us (down, hanging, 5xx, refusing our client, garbage, a body without a boolean `active`) is an
 * `IntrospectionFault`, which the caller answers 503: never 401 (the user's token was not judged) and never 200.
 */

export type IntrospectionFaultKind = KeySourceFetchError['kind'] | 'client_rejected' | 'bad_answer';

/** Why the server could not answer. The message is short and safe (no token, no response body). */
export class IntrospectionFault extends Error {
  override readonly name = 'IntrospectionFault';
  constructor(
    readonly kind: IntrospectionFaultKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The server's JSON answer, `active` checked to be a boolean; everything else is unchecked until `answer.ts`. */
export type IntrospectionResponse = Readonly<Record<string, unknown>> & { readonly active: boolean };

/** Verifies an RFC 9701 signed answer and returns its `token_introspection` member (see signed-response.ts). */
export type SignedResponseReader = (jwt: string) => Promise<unknown>;

export interface IntrospectionClient {
  introspect(token: string): Promise<IntrospectionResponse>;
  /** The endpoint as used (credentials stripped), once known: for events and logs. */
  endpointForLogs(): string;
}

const SIGNED_ANSWER_TYPE = 'application/token-introspection+jwt';

export function createIntrospectionClient(
  options: NormalizedIntrospection,
  issuer: string | undefined,
  allowInsecureHttp: boolean,
  readSigned: SignedResponseReader | undefined,
): IntrospectionClient {
  let endpoint: string | undefined = options.endpoint;
  let discovering: Promise<string> | undefined;

  /** The configured endpoint, or the issuer's `introspection_endpoint` (discovered once; a failure is retried next time). */
  function resolveEndpoint(): Promise<string> | string {
    if (endpoint !== undefined) return endpoint;
    discovering ??= discoverEndpoint(issuer as string, options, allowInsecureHttp).then(
      (found) => (endpoint = found),
      (error: unknown) => {
        discovering = undefined;
        throw error;
      },
    );
    return discovering;
  }

  async function introspect(token: string): Promise<IntrospectionResponse> {
    let url: string;
    try {
      url = await resolveEndpoint();
    } catch (error) {
      throw asFault(error);
    }
    const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
    const headers: Record<string, string> = {
      accept: options.jwtResponse ? SIGNED_ANSWER_TYPE : 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    };
    let response;
    try {
      await options.clientAuth.apply(url, form, headers);
      response = await fetchBounded(url, { method: 'POST', form, headers, timeoutSeconds: options.timeout, maxBytes: options.maxResponseBytes });
    } catch (error) {
      throw asFault(error);
    }
    if (response.status === 401 || response.status === 403) {
      throw new IntrospectionFault(
        'client_rejected',
        `the introspection endpoint refused our client credentials (HTTP ${response.status})`,
        response.status,
      );
    }
    if (response.status !== 200) throw new IntrospectionFault('http_status', `HTTP ${response.status}`, response.status);
    let body: unknown;
    try {
      if (options.jwtResponse) {
        const type = response.headers.get('content-type') ?? '';
        if (!type.toLowerCase().startsWith(SIGNED_ANSWER_TYPE))
          throw new IntrospectionFault('bad_answer', 'the answer is not a signed introspection response');
        body = await (readSigned as SignedResponseReader)(response.text.trim());
      } else {
        body = parseJson(response.text, url);
      }
    } catch (error) {
      throw asFault(error);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new IntrospectionFault('bad_answer', 'the answer is not a JSON object');
    if (typeof (body as { active?: unknown }).active !== 'boolean') throw new IntrospectionFault('bad_answer', 'the answer has no boolean active');
    return body as IntrospectionResponse;
  }

  return { introspect, endpointForLogs: () => (endpoint === undefined ? '(not yet discovered)' : redactUrl(endpoint)) };
}

function asFault(error: unknown): IntrospectionFault {
  if (error instanceof IntrospectionFault) return error;
  if (error instanceof KeySourceFetchError) return new IntrospectionFault(error.kind, error.message, error.status);
  return new IntrospectionFault('bad_answer', `unexpected failure (${(error as Error)?.name ?? 'unknown'})`);
}

/** The `introspection_endpoint` of the issuer's metadata (OIDC discovery, then RFC 8414), checked like a jwks_uri. */
async function discoverEndpoint(issuer: string, options: NormalizedIntrospection, allowInsecureHttp: boolean): Promise<string> {
  for (const url of discoveryUrls(issuer, allowInsecureHttp)) {
    let body: unknown;
    try {
      ({ body } = await fetchJson(url, { timeoutSeconds: options.timeout, maxBytes: options.maxResponseBytes, allowInsecureHttp }));
    } catch (error) {
      if (error instanceof KeySourceFetchError && (error.kind === 'http_status' || error.kind === 'not_json')) continue;
      throw error;
    }
    const metadata = (body ?? {}) as { issuer?: unknown; introspection_endpoint?: unknown };
    if (metadata.issuer !== issuer) throw new IntrospectionFault('bad_document', 'the discovery document names another issuer');
    if (typeof metadata.introspection_endpoint !== 'string')
      throw new IntrospectionFault('bad_document', 'the discovery document has no introspection_endpoint');
    let found: URL;
    try {
      found = new URL(metadata.introspection_endpoint);
    } catch {
      throw new IntrospectionFault('bad_document', 'the discovered introspection_endpoint is not an absolute URL');
    }
    const violation = urlPolicyViolation(found, allowInsecureHttp);
    if (violation !== undefined) throw new IntrospectionFault('bad_document', `the discovered introspection_endpoint ${violation}`);
    return found.href;
  }
  throw new IntrospectionFault('bad_document', 'no discovery document found for the issuer');
}
