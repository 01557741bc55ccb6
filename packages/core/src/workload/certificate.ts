import { AuthError } from '../errors.js';
import { fail } from '../config/validate.js';
import { WORKLOAD_CERTIFICATE_OPTION_KEYS } from '../config/option-keys.js';
import { keysOf, rejectUnknownKeys } from '../config/known-keys.js';
import type { Identity, RegisteredClaims } from '../identity.js';
import type { RequestLike } from '../http/request.js';
import { normalizeCertificateSource, presentedCertificate, type CertificateLocation } from '../binding/mtls.js';
import { normalizeTrustDomain } from '../token/spiffe-id.js';
import { readX509Svid } from './x509-svid.js';

/**
 * The workload identified by its mTLS client certificate, an X.509-SVID: its one `spiffe://` URI SAN is the
 * workload's SPIFFE ID (`identity.workload`, and `subject`), in one of `trustDomain`, matched exactly.
 *
 * authgate does not verify the certificate chain: it trusts the TLS layer that did. From the socket (your `https`
 * server with `requestCert: true` and `ca` set to the trust domain's X.509 bundle), only a certificate the TLS server
 * verified counts: under `rejectUnauthorized: false` (e.g. for RFC 8705 certificate-bound tokens on the same
 * server) an unverified certificate (`socket.authorized` false) is refused. Behind a TLS-terminating proxy, the proxy
 * must verify it (nginx `ssl_verify_client on` with `ssl_client_certificate` the bundle) before forwarding it.
 */
export interface WorkloadCertificateOptions {
  /**
   * Where the client certificate comes from, as for `mtls.certificate`: `'socket'` (this server terminates TLS) or
   * `{ header, trustedProxies }` (a TLS-terminating proxy's header, read only on connections from those addresses).
   */
  certificate: CertificateLocation;
  /** The trust domain(s) whose workloads are accepted, e.g. `'example.org'`: matched exactly (`example.org.evil.com` is another). */
  trustDomain: string | readonly string[];
  /** The realm of this identity's challenges. Default `'workload'`. */
  realm?: string;
}

const NO_HEADER: Readonly<Record<string, unknown>> = Object.freeze({});
const EMPTY: readonly string[] = Object.freeze([]);

function certificateIdentity(spiffeId: string, trustDomain: string, notAfter: number): Identity<object> {
  const issuer = `spiffe://${trustDomain}`;
  // What the certificate says, in claim form, for code that reads claims: the trust domain issued it, until notAfter.
  const claims = Object.freeze({ iss: issuer, sub: spiffeId, aud: EMPTY as string[], exp: notAfter }) as Readonly<RegisteredClaims>;
  const identity = {
    subject: spiffeId,
    issuer,
    audience: EMPTY,
    scopes: EMPTY,
    roles: EMPTY,
    clientId: undefined,
    claims,
    expiresAt: new Date(notAfter * 1000),
    kid: undefined,
    alg: '',
    header: NO_HEADER,
    source: 'certificate' as const,
    kind: 'client' as const,
    workload: spiffeId,
  };
  return Object.freeze(Object.defineProperty(identity, 'token', { value: '', enumerable: false })) as Identity<object>;
}

export interface CertificateWorkload {
  readonly realm: string;
  authenticate(request: RequestLike): Promise<Identity<object>>;
}

/** Validates the options once; refusals: no certificate → 401 `workload_missing`; any other doubt → 401 `invalid_token`. */
export function createCertificateWorkload(options: WorkloadCertificateOptions): CertificateWorkload {
  rejectUnknownKeys(options, keysOf(WORKLOAD_CERTIFICATE_OPTION_KEYS), 'workload');
  const source = normalizeCertificateSource(options.certificate, 'workload.certificate');
  const given = options.trustDomain;
  const list: readonly unknown[] = typeof given === 'string' ? [given] : Array.isArray(given) ? given : [];
  if (list.length === 0) fail("workload.trustDomain must name the trust domain(s) whose workloads are accepted, e.g. 'example.org'");
  const trustDomains = new Set(list.map((domain) => normalizeTrustDomain(domain, 'workload.trustDomain')));
  const realm = options.realm ?? 'workload';
  if (typeof realm !== 'string' || realm === '') fail('workload.realm must be a non-empty string');
  // The peer's certificate stays the same for a connection's requests: judge it once per connection (and again only
  // if renegotiation brought another). A refusal is remembered as its sentence: each request gets its own error.
  const bySocket = new WeakMap<object, { der: Buffer; answer: Identity<object> | string }>();

  function judge(der: Buffer): Identity<object> | string {
    const reading = readX509Svid(der, trustDomains);
    return 'problem' in reading ? reading.problem : certificateIdentity(reading.spiffeId, reading.trustDomain, reading.notAfter);
  }

  const invalid = (problem: string): Promise<never> =>
    Promise.reject(new AuthError('workload_certificate_invalid', { realm, description: problem, detail: problem }));

  return {
    realm,
    authenticate(request) {
      const presented = presentedCertificate(request, source);
      if (presented === undefined) return Promise.reject(new AuthError('workload_missing', { realm, detail: 'no client certificate' }));
      if (!presented.verified) return invalid('The client certificate was not verified by the TLS server');
      const socket = source.header === undefined ? request.socket : undefined;
      const known = socket === undefined ? undefined : bySocket.get(socket);
      let answer: Identity<object> | string;
      if (known !== undefined && known.der.equals(presented.der)) {
        answer = known.answer;
      } else {
        answer = judge(presented.der);
        if (socket !== undefined) bySocket.set(socket, { der: presented.der, answer });
      }
      return typeof answer === 'string' ? invalid(answer) : Promise.resolve(answer);
    },
  };
}
