import { redactUrl, urlPolicyViolation } from './url-policy.js';

/**
 * One bounded GET of a JSON document (a JWK Set or a discovery document).
 *
 * Bounded in every dimension a remote endpoint controls: one deadline covers connecting, headers, redirects and the
 * body (a hung or trickling endpoint cannot hold a request past it); the body is counted while it streams and the
 * request is aborted as soon as it passes the size limit (a declared Content-Length over the limit is refused before
 * reading); redirects are followed by hand so every hop is checked against the URL policy *before* connecting to it.
 * The Content-Type is not checked: identity providers serve JWKS as application/json, application/jwk-set+json and
 * even text/plain; the body either parses as JSON or is refused.
 */

export type FetchFailureKind =
  'http_status' | 'timeout' | 'too_large' | 'not_json' | 'connection_failed' | 'redirect_refused' | 'aborted' | 'bad_document' | 'issuer_mismatch';

/**
 * A failed key-source fetch. The message is a short, safe sentence (never any of the response body), so it can go
 * to logs, health output and `ready()` errors as is.
 */
export class KeySourceFetchError extends Error {
  override readonly name = 'KeySourceFetchError';
  readonly kind: FetchFailureKind;
  /** The URL that failed, without credentials. */
  readonly url: string;
  /** The HTTP status, for `http_status`. */
  readonly status: number | undefined;

  constructor(kind: FetchFailureKind, url: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.url = url;
    this.status = options.status;
  }
}

export interface FetchJsonOptions {
  /** Deadline for the whole exchange, redirects and body included. */
  timeoutSeconds: number;
  /** Largest accepted body, in bytes. */
  maxBytes: number;
  /** Aborts the fetch early (e.g. the key source was closed). */
  signal?: AbortSignal;
  /** Lets redirects lead to `http:` outside loopback. Same meaning as the verifier option. */
  allowInsecureHttp?: boolean;
}

export interface FetchJsonResult {
  body: unknown;
  /** Seconds the response may be considered fresh (`Cache-Control` max-age minus `Age`; 0 for no-store/no-cache). */
  cacheControlMaxAge?: number;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** `Cache-Control` max-age (minus `Age`) in seconds; 0 for no-store / no-cache; undefined when absent or unreadable. */
export function freshnessFromHeaders(headers: Headers): number | undefined {
  const cacheControl = headers.get('cache-control');
  if (cacheControl === null) return undefined;
  let maxAge: number | undefined;
  for (const directive of cacheControl.split(',')) {
    const [rawName, rawValue] = directive.split('=', 2);
    const name = (rawName ?? '').trim().toLowerCase();
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age' && maxAge === undefined && rawValue !== undefined) {
      const value = rawValue.trim().replace(/^"(.*)"$/, '$1');
      if (/^\d{1,10}$/.test(value)) maxAge = Number(value);
    }
  }
  if (maxAge === undefined) return undefined;
  const age = headers.get('age');
  const ageSeconds = age !== null && /^\d{1,10}$/.test(age.trim()) ? Number(age.trim()) : 0;
  return Math.max(0, maxAge - ageSeconds);
}

export interface BoundedRequest extends FetchJsonOptions {
  method?: 'GET' | 'POST';
  /** A form body (POST): introspection, token exchange. */
  form?: URLSearchParams;
  headers?: Record<string, string>;
}

export interface BoundedResponse {
  status: number;
  text: string;
  headers: Headers;
}

/**
 * One bounded HTTP exchange, any status: the deadline, size cap and redirect policy above. A GET follows redirects
 * (each hop checked); a POST never does (a credentialed form must not be replayed elsewhere): a redirect is an error.
 */
export async function fetchBounded(url: string, options: BoundedRequest): Promise<BoundedResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      controller.abort();
    },
    Math.max(0, options.timeoutSeconds * 1000),
  );
  // The timer must never keep a process alive on its own; the awaiting request does that when there is one.
  timer.unref();
  // Linked by hand rather than AbortSignal.any: the outer signal lives as long as the key source, and a listener
  // removed in `finally` cannot pile up on it.
  const onOuterAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted === true) controller.abort();
  const method = options.method ?? 'GET';

  let current = url;
  try {
    for (let hop = 0; ; hop += 1) {
      const response = await fetch(current, {
        method,
        redirect: 'manual',
        signal: controller.signal,
        headers: { accept: 'application/jwk-set+json, application/json', ...options.headers },
        ...(options.form === undefined ? {} : { body: options.form }),
      });
      if (REDIRECT_STATUSES.has(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        if (method !== 'GET') throw new KeySourceFetchError('redirect_refused', redactUrl(current), 'redirect refused for a POST');
        current = nextHop(current, response, hop, options.allowInsecureHttp === true);
        continue;
      }
      const text = await readBody(current, response, options.maxBytes, controller);
      return { status: response.status, text, headers: response.headers };
    }
  } catch (error) {
    if (error instanceof KeySourceFetchError) throw error;
    const where = redactUrl(current);
    if (timedOut) throw new KeySourceFetchError('timeout', where, `timed out after ${formatSeconds(options.timeoutSeconds)} s`, { cause: error });
    if (controller.signal.aborted) throw new KeySourceFetchError('aborted', where, 'fetch aborted', { cause: error });
    throw new KeySourceFetchError('connection_failed', where, `connection failed${safeCode(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
    // Releases the socket of a response we stopped reading (no-op once the body was read to the end).
    controller.abort();
  }
}

/** A bounded GET of a JSON document: any status but 2xx, or a body that is not JSON, is a `KeySourceFetchError`. */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<FetchJsonResult> {
  const response = await fetchBounded(url, options);
  if (response.status < 200 || response.status > 299) {
    throw new KeySourceFetchError('http_status', redactUrl(url), `HTTP ${response.status}`, { status: response.status });
  }
  const body = parseJson(response.text, url);
  const cacheControlMaxAge = freshnessFromHeaders(response.headers);
  return cacheControlMaxAge === undefined ? { body } : { body, cacheControlMaxAge };
}

/** JSON.parse with our error: the body itself never reaches a message. */
export function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new KeySourceFetchError('not_json', redactUrl(url), 'response is not JSON');
  }
}

function nextHop(from: string, response: Response, hop: number, allowInsecureHttp: boolean): string {
  const where = redactUrl(from);
  if (hop + 1 > MAX_REDIRECTS) throw new KeySourceFetchError('redirect_refused', where, `more than ${MAX_REDIRECTS} redirects`);
  const location = response.headers.get('location');
  if (location === null) throw new KeySourceFetchError('redirect_refused', where, 'redirect without a Location');
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new KeySourceFetchError('redirect_refused', where, 'redirect with an invalid Location');
  }
  const violation = urlPolicyViolation(target, allowInsecureHttp);
  if (violation !== undefined) throw new KeySourceFetchError('redirect_refused', where, `redirect refused: target ${violation}`);
  // A redirect may not downgrade https to http, even towards loopback: that would drop the integrity we asked for.
  if (new URL(from).protocol === 'https:' && target.protocol === 'http:' && !allowInsecureHttp) {
    throw new KeySourceFetchError('redirect_refused', where, 'redirect refused: https to http downgrade');
  }
  return target.href;
}

async function readBody(url: string, response: Response, maxBytes: number, controller: AbortController): Promise<string> {
  const tooLarge = (): KeySourceFetchError => new KeySourceFetchError('too_large', redactUrl(url), `response larger than ${maxBytes} bytes`);
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (response.body !== null) {
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      if (received > maxBytes) {
        controller.abort();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  }
  try {
    // Fatal decoding: a body that is not UTF-8 is not JSON either.
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new KeySourceFetchError('not_json', redactUrl(url), 'response is not JSON');
  }
}

/** A system error code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED...) from fetch's cause chain: safe, and says why. */
export function systemErrorCode(error: unknown): string | undefined {
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause !== null && typeof cause === 'object'; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

function safeCode(error: unknown): string {
  const code = systemErrorCode(error);
  return code === undefined ? '' : ` (${code})`;
}

function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 100) / 100);
}
