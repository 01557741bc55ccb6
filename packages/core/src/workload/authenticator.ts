import { AuthError } from '../errors.js';
import { fail } from '../config/validate.js';
import type { Identity } from '../identity.js';
import type { VerifierOptions } from '../options.js';
import type { RequestLike } from '../http/request.js';
import { createVerifier } from '../verifier.js';
import type { Verifier } from '../verifier-types.js';
import { checkWorkloadOptionNames } from '../config/option-keys.js';
import { createCertificateWorkload, type WorkloadCertificateOptions } from './certificate.js';

export type { WorkloadCertificateOptions } from './certificate.js';

/**
 * A second identity per request: the workload (service) that calls, beside the user on whose behalf it calls. Its
 * token comes in its own header (a JWT-SVID from SPIFFE, a Kubernetes service-account token, a client-credentials
 * token) and is checked by its own verifier.
 */
export interface WorkloadTokenOptions extends VerifierOptions {
  /** The request header carrying the workload's token (the token alone, no scheme). Default `'x-workload-token'`. */
  header?: string;
  /** Only in the certificate form (`WorkloadCertificateOptions`). */
  certificate?: undefined;
}

/**
 * The workload identity of a request: from a token in its own header (`WorkloadTokenOptions`: the verifier's options
 * and `header`), or from the mTLS client certificate's SPIFFE ID (`WorkloadCertificateOptions`: `certificate`,
 * `trustDomain`).
 */
export type WorkloadOptions = WorkloadTokenOptions | WorkloadCertificateOptions;

/** Defaults the adapter gives the token form's verifier (Fastify: its logger). */
export type WorkloadDefaults = Pick<VerifierOptions, 'logger'>;

export interface WorkloadAuthenticator {
  /** The token form's verifier; `undefined` in the certificate form. */
  readonly verifier: Verifier<object> | undefined;
  /** The token form's header; `undefined` in the certificate form. */
  readonly header: string | undefined;
  /**
   * The workload's identity, or a rejection with the `AuthError`: no token or certificate → 401 `workload_missing`
   * (challenge with the workload realm, `"workload"` by default); a bad one → 401 `invalid_token`; two tokens → 400.
   */
  authenticate(request: RequestLike): Promise<Identity<object>>;
  /** Stops the token form's verifier (key refreshes); nothing to stop in the certificate form. */
  close(): void;
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** `undefined` when the adapter was given no `workload` option. Validates at construction. */
export function createWorkloadAuthenticator(
  options: WorkloadOptions | undefined,
  defaults: WorkloadDefaults = {},
): WorkloadAuthenticator | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail("workload must be the workload verifier's options ({ header?, issuer, audience, algorithms, ... }) or { certificate, trustDomain }");
  // Every key, at every level, before anything is built (a direct caller gets the adapters' checks too).
  checkWorkloadOptionNames(options);
  if (options.certificate !== undefined) {
    const workload = createCertificateWorkload(options);
    return { verifier: undefined, header: undefined, authenticate: workload.authenticate, close: () => undefined };
  }
  return createTokenWorkload(options as WorkloadTokenOptions, defaults);
}

function createTokenWorkload(options: WorkloadTokenOptions, defaults: WorkloadDefaults): WorkloadAuthenticator {
  const { header: given, certificate: _certificate, ...verifierOptions } = options;
  if (given !== undefined && typeof given !== 'string') fail('workload.header must be a header name');
  const header = (given ?? 'x-workload-token').toLowerCase();
  if (!HEADER_NAME.test(header) || header === 'authorization' || header === 'cookie') {
    fail(`workload.header must be a header name other than authorization and cookie (got ${JSON.stringify(given)})`);
  }
  const verifier = createVerifier<object>({ realm: 'workload', ...defaults, ...verifierOptions });
  const realm = verifier.realm;
  return {
    verifier,
    header,
    authenticate(request) {
      const value = request.headers[header];
      const raw = request.rawHeaders;
      let count = 0;
      if (raw !== undefined) for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === header) count += 1;
      if (Array.isArray(value) || count > 1)
        return Promise.reject(new AuthError('multiple_credentials', { realm, detail: `more than one ${header} header` }));
      const token = value?.trim();
      if (token === undefined || token === '') return Promise.reject(new AuthError('workload_missing', { realm }));
      return verifier.verify(token);
    },
    close: () => verifier.close(),
  };
}
