import type { RequestLike } from '../http/request.js';

// A Host value: a DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port. Nothing else (no
// path, query, fragment or userinfo characters): a Host header carrying those could steer the URL built from it.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
const UNRESERVED_ESCAPE = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEde]|5[Ff]|7[Ee])/g;

/**
 * A URL as RFC 9449 §4.3 compares them: scheme and host lowercased, default port dropped, dot segments resolved
 * (RFC 3986 §6.2.2-3, as WHATWG URL parsing does), percent-escapes of unreserved characters decoded and the others'
 * hex uppercased, query and fragment removed. `undefined` for anything that is not an absolute http(s) URL.
 */
export function normalizeHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return undefined;
  const path = url.pathname
    .replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase())
    .replace(UNRESERVED_ESCAPE, (escape) => String.fromCharCode(Number.parseInt(escape.slice(1), 16)));
  return `${url.origin}${path}`;
}

/**
 * The public URL this request was sent to (normalised, without query), or undefined when it cannot be told.
 * The path is the request target as received (`originalUrl` when a framework rewrote `url`), and only in origin
 * form: an absolute-form target (`GET http://other/...`) would let the client choose the host.
 * The origin is `publicUrl` when configured, else the framework's protocol and host (which follow its trust-proxy
 * setting), else the socket's and the Host header's.
 */
export function requestUrl(request: RequestLike, publicUrl: string | undefined): string | undefined {
  const target = typeof request.originalUrl === 'string' ? request.originalUrl : request.url;
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) return undefined;
  const query = target.search(/[?#]/);
  const path = query === -1 ? target : target.slice(0, query);
  if (publicUrl !== undefined) return normalizeHtu(`${publicUrl}${path}`);
  const protocol = typeof request.protocol === 'string' ? request.protocol : request.socket?.encrypted === true ? 'https' : 'http';
  const host = typeof request.host === 'string' ? request.host : request.headers.host;
  if ((protocol !== 'https' && protocol !== 'http') || typeof host !== 'string' || !HOST.test(host)) return undefined;
  return normalizeHtu(`${protocol}://${host}${path}`);
}
