import { BlockList, isIP } from 'node:net';
import { hash } from 'node:crypto';
import { fail } from '../config/validate.js';
import { PROXIED_CERTIFICATE_KEYS } from '../config/option-keys.js';
import { keysOf, rejectUnknownKeys } from '../config/known-keys.js';
import type { RequestLike } from '../http/request.js';

/** The TLS socket parts read for client certificates; Node's `TLSSocket` fits. */
export interface SocketLike {
  /** Node's TLS sockets: the peer's certificate (`raw` is its DER), or `{}` when it sent none. */
  getPeerCertificate?(detailed?: boolean): { raw?: Buffer } | null;
  /** Node's TLS sockets: whether the peer's certificate chain verified against the server's `ca`. */
  authorized?: boolean;
  remoteAddress?: string | undefined;
  encrypted?: boolean;
}

/** A client certificate forwarded by a TLS-terminating proxy, in a header believed only from the proxy's addresses. */
export interface ProxiedCertificate {
  /** The header holding the URL-encoded PEM (nginx `$ssl_client_escaped_cert`), plain PEM, or base64 DER. */
  header: string;
  /** The proxies' IP addresses or CIDR ranges (`'10.0.0.1'`, `'10.0.0.0/8'`, `'fd00::/8'`). */
  trustedProxies: readonly string[];
}

/** Where client certificates come from: `'socket'` (this server terminates TLS, with `requestCert`) or a proxy's header. */
export type CertificateLocation = 'socket' | ProxiedCertificate;

/** A `CertificateLocation`, validated: `header` undefined means the TLS socket. */
export interface CertificateSource {
  header: string | undefined;
  trustedProxies: ((address: string) => boolean) | undefined;
}

/** A client certificate as presented: its DER, and whether the TLS layer verified its chain. */
export interface PresentedCertificate {
  readonly der: Buffer;
  /**
   * From the socket: the TLS server verified its chain against its `ca` (`socket.authorized`; false only under
   * `rejectUnauthorized: false`). From a trusted proxy's header: true, the proxy verified it before forwarding.
   */
  readonly verified: boolean;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Trusted proxy addresses and ranges (`'10.0.0.1'`, `'10.0.0.0/8'`, `'::1'`, `'fd00::/8'`) as one matcher. */
export function parseTrustedProxies(value: unknown, field = 'mtls.certificate.trustedProxies'): (address: string) => boolean {
  if (!Array.isArray(value) || value.length === 0) fail(`${field} must list the proxies' IP addresses or CIDR ranges`);
  const list = new BlockList();
  for (const entry of value) {
    const [address, prefix, extra] = typeof entry === 'string' ? entry.split('/') : [];
    const family = address === undefined ? 0 : isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && (!/^\d{1,3}$/.test(prefix as string) || (bits as number) > maxBits))) {
      fail(`${field}: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address as string, type);
    else list.addSubnet(address as string, bits, type);
  }
  return (address) => {
    // A dual-stack server reports IPv4 peers as ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** Validates a `certificate` option (`mtls.certificate`, `workload.certificate`) once; `field` names it in errors. */
export function normalizeCertificateSource(value: unknown, field: string): CertificateSource {
  if (value === undefined || value === 'socket') return { header: undefined, trustedProxies: undefined };
  const proxied = value as ProxiedCertificate;
  if (
    proxied === null ||
    typeof proxied !== 'object' ||
    Array.isArray(proxied) ||
    typeof proxied.header !== 'string' ||
    !HEADER_NAME.test(proxied.header)
  ) {
    fail(`${field} must be 'socket' or { header: 'x-ssl-client-cert', trustedProxies: ['10.0.0.0/8'] }`);
  }
  rejectUnknownKeys(proxied, keysOf(PROXIED_CERTIFICATE_KEYS), field);
  return { header: proxied.header.toLowerCase(), trustedProxies: parseTrustedProxies(proxied.trustedProxies, `${field}.trustedProxies`) };
}

function socketCertificateDer(socket: SocketLike | undefined): Buffer | undefined {
  if (socket === undefined || socket === null || typeof socket.getPeerCertificate !== 'function') return undefined;
  const raw = socket.getPeerCertificate(false)?.raw;
  return Buffer.isBuffer(raw) && raw.length > 0 ? raw : undefined;
}

const thumbprints = new WeakMap<object, string | null>();

/** base64url(SHA-256(DER)) of the certificate the TLS peer presented, remembered per connection. */
function socketThumbprint(socket: SocketLike | undefined): string | undefined {
  if (socket === undefined || socket === null) return undefined;
  let known = thumbprints.get(socket);
  if (known === undefined) {
    const der = socketCertificateDer(socket);
    known = der === undefined ? null : hash('sha256', der, 'base64url');
    thumbprints.set(socket, known);
  }
  return known ?? undefined;
}

const PEM_BODY = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/;

/** The header's certificate: URL-encoded PEM (nginx `$ssl_client_escaped_cert`), plain PEM, or bare base64 DER. */
function headerCertificateDer(value: string | string[] | undefined): Buffer | undefined {
  if (typeof value !== 'string' || value === '' || value.length > 16_384) return undefined;
  let text: string;
  try {
    text = value.includes('%') ? decodeURIComponent(value) : value;
  } catch {
    return undefined;
  }
  const body = PEM_BODY.exec(text)?.[1] ?? text;
  const base64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const der = Buffer.from(base64, 'base64');
  return der.length > 0 ? der : undefined;
}

/** The proxy's header, read only on a connection from a trusted proxy (anyone else could simply write the header). */
function proxiedCertificateDer(request: RequestLike, source: CertificateSource): Buffer | undefined {
  const peer = request.socket?.remoteAddress;
  if (typeof peer !== 'string' || source.trustedProxies?.(peer) !== true) return undefined;
  return headerCertificateDer(request.headers[source.header as string]);
}

/**
 * The thumbprint of the client certificate of this request, or undefined when there is none we may believe: from
 * the TLS socket, or from the configured header only on a connection from a trusted proxy. RFC 8705 §2 binds the
 * token to the certificate itself, so an unverified (self-signed) socket certificate counts here.
 */
export function certificateThumbprint(request: RequestLike, source: CertificateSource): string | undefined {
  if (source.header === undefined) return socketThumbprint(request.socket);
  const der = proxiedCertificateDer(request, source);
  return der === undefined ? undefined : hash('sha256', der, 'base64url');
}

/** The client certificate of this request, read as `certificateThumbprint` reads it, with whether its chain was verified. */
export function presentedCertificate(request: RequestLike, source: CertificateSource): PresentedCertificate | undefined {
  if (source.header === undefined) {
    const der = socketCertificateDer(request.socket);
    return der === undefined ? undefined : { der, verified: request.socket?.authorized === true };
  }
  const der = proxiedCertificateDer(request, source);
  return der === undefined ? undefined : { der, verified: true };
}
