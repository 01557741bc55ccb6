import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createHash } from 'node:crypto';

/** A certificate and its private key, PEM-encoded, with what a certificate-bound token needs. */
export interface TestCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** RFC 8705 §3.1: base64url(SHA-256(DER)), the token's `cnf["x5t#S256"]`. */
  readonly thumbprint: string;
  /** The claim that binds a token to this certificate: `issuer.sign({ cnf: cert.cnf })`. */
  readonly cnf: { 'x5t#S256': string };
  /** The PEM URL-encoded, as nginx's `$ssl_client_escaped_cert` forwards it. */
  readonly escapedPem: string;
}

export interface IssueOptions {
  /** Subject common name. Default `'test-client'`. */
  commonName?: string;
  /** A server certificate for these names (`subjectAltName`: IP addresses and DNS names), e.g. `['127.0.0.1', 'localhost']`. */
  serverNames?: readonly string[];
  /** URI SANs, e.g. `['spiffe://example.org/ns/prod/sa/checkout']` (a SPIFFE X.509-SVID carries exactly one). */
  uris?: readonly string[];
}

/** A throwaway certificate authority (P-256, valid one day) for mutual-TLS tests. Always `close()` it. */
export interface TestCa {
  readonly certPem: string;
  /** A client certificate (or, with `serverNames`, a server certificate) signed by this CA. */
  issue(options?: IssueOptions): Promise<TestCertificate>;
  /** Deletes the CA's temporary directory (its private key included). */
  close(): Promise<void>;
}

function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        reject(new Error('@authgate/testing: createTestCa needs the openssl command (apt-get install openssl)'));
      else reject(new Error(`@authgate/testing: openssl ${args[0]} failed: ${stderr.trim()}`));
    });
  });
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const SUBJECT = /^[A-Za-z0-9 ._-]{1,64}$/;
const IPV4_OR_6 = /^[0-9.]+$|:/;
// Written into an openssl extension file: a scheme, then URI characters that mean nothing to openssl's config
// syntax (no spaces, commas, quotes, `#` or `$`).
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~:/?@!&=+;%()*-]{1,2000}$/;

/** Certificates by the `openssl` command line (Node can check certificates but not make them). */
export async function createTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'authgate-ca-'));
  let serial = 1;
  try {
    await openssl(['req', '-x509', ...KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=authgate test CA', '-days', '1'], dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const certPem = await readFile(join(dir, 'ca.pem'), 'utf8');
  return {
    certPem,
    async issue(options = {}) {
      const name = options.commonName ?? 'test-client';
      if (!SUBJECT.test(name)) throw new TypeError('@authgate/testing: commonName must be 1-64 letters, digits, spaces, dots, dashes or underscores');
      const id = `cert-${serial}`;
      serial += 1;
      const hosts = (options.serverNames ?? []).map((host) => (IPV4_OR_6.test(host) ? `IP:${host}` : `DNS:${host}`));
      for (const uri of options.uris ?? []) {
        if (!URI.test(uri))
          throw new TypeError(`@authgate/testing: ${JSON.stringify(uri)} is not a URI this helper writes (letters, digits and ._~:/?@!&=+;%()*-)`);
      }
      const san = [...hosts, ...(options.uris ?? []).map((uri) => `URI:${uri}`)];
      const usage = [hosts.length > 0 ? 'extendedKeyUsage=serverAuth' : 'extendedKeyUsage=clientAuth'];
      if (san.length > 0) usage.push(`subjectAltName=${san.join(',')}`);
      await writeFile(join(dir, `${id}.ext`), `${usage.join('\n')}\n`);
      await openssl(['req', '-new', ...KEY, '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${name}`], dir);
      await openssl(
        [
          'x509',
          '-req',
          '-in',
          `${id}.csr`,
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-set_serial',
          String(serial + 1000),
          '-days',
          '1',
          '-extfile',
          `${id}.ext`,
          '-out',
          `${id}.pem`,
        ],
        dir,
      );
      const [cert, keyPem] = await Promise.all([readFile(join(dir, `${id}.pem`), 'utf8'), readFile(join(dir, `${id}.key`), 'utf8')]);
      const thumbprint = createHash('sha256').update(new X509Certificate(cert).raw).digest('base64url');
      return { certPem: cert, keyPem, thumbprint, cnf: Object.freeze({ 'x5t#S256': thumbprint }), escapedPem: encodeURIComponent(cert) };
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
