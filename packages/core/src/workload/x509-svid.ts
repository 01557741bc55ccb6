import { X509Certificate } from 'node:crypto';
import { spiffeTrustDomain } from '../token/spiffe-id.js';

/**
 * X.509-SVIDs (SPIFFE X509-SVID §4, §5): a leaf certificate (not a CA) with exactly one URI SAN, the workload's
 * SPIFFE ID; other SAN types (DNS names...) may come beside it. Its chain is the TLS layer's business, not ours.
 */

/** The SPIFFE ID an X.509-SVID carries, or why the certificate is not one we accept (a fixed sentence, safe to send). */
export type SvidReading = { readonly spiffeId: string; readonly trustDomain: string; readonly notAfter: number } | { readonly problem: string };

/**
 * The URI SANs of Node's `subjectAltName` rendering (`'URI:spiffe://a/b, DNS:x'`). Node escapes any value holding a
 * comma, quote or control character as a JSON string (`URI:"…\u002c…"`), so `', '` only ever separates entries.
 */
function uriNames(subjectAltName: string | undefined): string[] {
  if (subjectAltName === undefined || subjectAltName === '') return [];
  const uris: string[] = [];
  for (const entry of subjectAltName.split(', ')) {
    if (!entry.startsWith('URI:')) continue;
    const value = entry.slice(4);
    if (!value.startsWith('"')) {
      uris.push(value);
      continue;
    }
    try {
      uris.push(String(JSON.parse(value)));
    } catch {
      // Escaped beyond JSON: still a URI SAN (it counts), and never a SPIFFE ID.
      uris.push('');
    }
  }
  return uris;
}

/** Reads the SPIFFE ID of a client certificate (DER) and checks it belongs to one of `trustDomains`, exactly. */
export function readX509Svid(der: Buffer, trustDomains: ReadonlySet<string>): SvidReading {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    return { problem: 'The client certificate is malformed' };
  }
  if (certificate.ca) return { problem: 'The client certificate is a CA certificate, not an X.509-SVID' };
  const uris = uriNames(certificate.subjectAltName);
  if (uris.length === 0) return { problem: 'The client certificate has no URI SAN (an X.509-SVID carries its SPIFFE ID there)' };
  if (uris.length > 1) return { problem: 'The client certificate has more than one URI SAN (an X.509-SVID has exactly one)' };
  const spiffeId = uris[0] as string;
  const trustDomain = spiffeTrustDomain(spiffeId);
  if (trustDomain === undefined) return { problem: 'The client certificate URI SAN is not a workload SPIFFE ID' };
  if (!trustDomains.has(trustDomain)) return { problem: 'The client certificate SPIFFE ID is in another trust domain' };
  return { spiffeId, trustDomain, notAfter: Math.floor(Date.parse(certificate.validTo) / 1000) };
}
