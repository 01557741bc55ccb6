import { BlockList, isIP } from 'node:net';
import { hash } from 'node:crypto';
import { fail } from '../config/validate.js';
import type { RequestLike } from '../http/request.js';
import type { NormalizedMtls } from './options.js';

/** The TLS socket parts read for certificate-bound tokens; Node's `TLSSocket` fits. */
export interface SocketLike {
  /** Node's TLS sockets: the peer's certificate (`raw` is its DER), or `{}` when it sent none. */
  getPeerCertificate?(detailed?: boolean): { raw?: Buffer } | null;
  remoteAddress?: string | undefined;
  encrypted?: boolean;
}

/** Trusted proxy addresses and ranges (`'10.0.0.1'`, `'10.0.0.0/8'`, `'::1'`, `'fd00::/8'`) as one matcher. */
export function parseTrustedProxies(value: unknown): (address: string) => boolean {
  if (!Array.isArray(value) || value.length === 0) fail("mtls.certificate.trustedProxies must list the proxies' IP addresses or CIDR ranges");
  const list = new BlockList();
  for (const entry of value) {
    const [address, prefix, extra] = typeof entry === 'string' ? entry.split('/') : [];
    const family = address === undefined ? 0 : isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && (!/^\d{1,3}$/.test(prefix as string) || (bits as number) > maxBits))) {
      fail(`mtls.certificate.trustedProxies: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
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

const thumbprints = new WeakMap<object, string | null>();

/** base64url(SHA-256(DER)) of the certificate the TLS peer presented, remembered per connection. */
function socketThumbprint(socket: SocketLike | undefined): string | undefined {
  if (socket === undefined || socket === null || typeof socket.getPeerCertificate !== 'function') return undefined;
  let known = thumbprints.get(socket);
  if (known === undefined) {
    const raw = socket.getPeerCertificate(false)?.raw;
    known = Buffer.isBuffer(raw) && raw.length > 0 ? hash('sha256', raw, 'base64url') : null;
    thumbprints.set(socket, known);
  }
  return known ?? undefined;
}

const PEM_BODY = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/;

/** The header's certificate: URL-encoded PEM (nginx `$ssl_client_escaped_cert`), plain PEM, or bare base64 DER. */
function headerThumbprint(value: string | string[] | undefined): string | undefined {
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
  return der.length > 0 ? hash('sha256', der, 'base64url') : undefined;
}

/**
 * The thumbprint of the client certificate of this request, or undefined when there is none we may believe: from
 * the TLS socket, or from the configured header only on a connection from a trusted proxy (anyone else could
 * simply write the header).
 */
export function certificateThumbprint(request: RequestLike, mtls: NormalizedMtls): string | undefined {
  const socket = request.socket;
  if (mtls.header === undefined) return socketThumbprint(socket);
  const peer = socket?.remoteAddress;
  if (typeof peer !== 'string' || mtls.trustedProxies?.(peer) !== true) return undefined;
  return headerThumbprint(request.headers[mtls.header]);
}
