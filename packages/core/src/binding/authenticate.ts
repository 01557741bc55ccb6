import { AuthError, isAuthError, type DpopChallenge } from '../errors.js';
import type { Confirmation, Identity } from '../identity.js';
import type { RequestLike } from '../http/request.js';
import { confirmationOf } from './confirmation.js';
import { verifyProof, type VerifiedProof } from './dpop-proof.js';
import { requestUrl } from './htu.js';
import { certificateThumbprint } from './mtls.js';
import { normalizeDpopOptions, normalizeMtlsOptions, replayCacheFor, type DpopOptions, type MtlsOptions } from './options.js';

/** The sender-constraint options of a request authenticator. */
export interface BindingOptions {
  /** DPoP (RFC 9449). Default `{ mode: 'allowed' }`. */
  dpop?: DpopOptions;
  /** Certificate-bound tokens (RFC 8705). Default `{ mode: 'allowed', certificate: 'socket' }`. */
  mtls?: MtlsOptions;
}

/** What the binding checks need from the request authenticator around them. */
export interface BindingContext<C extends object> {
  realm: string;
  /** Shares the default replay cache among the authenticators of one verifier. */
  owner: object;
  optional: boolean;
  /** Reads a non-DPoP token from wherever tokens may come from (undefined: no credentials). */
  readToken(request: RequestLike): string | undefined;
  verify(token: string): Identity<C> | Promise<Identity<C>>;
  /** How many `name` headers the request carries (Node keeps duplicates only in `rawHeaders`). */
  countHeaders(request: RequestLike, name: string): number;
}

export interface BoundAuthenticator<C extends object> {
  authenticate(request: RequestLike): Identity<C> | Promise<Identity<C> | null>;
  /** Whether a cached, unbound identity may be served for a Bearer token without this check (no mode requires a binding). */
  readonly bearerFastPath: boolean;
}

const DPOP_CREDENTIALS = /^[ \t]*DPoP +([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
const DPOP_SCHEME = /^[ \t]*DPoP(?: |$)/i;
const ANONYMOUS: Promise<null> = Promise.resolve(null);

function chain<T, R>(value: T | Promise<T>, next: (value: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Our identities carry `confirmation`; a stand-in verifier's are read from `claims.cnf`. */
function confirmationFor(identity: Identity<object>, realm: string): Confirmation | undefined {
  return 'confirmation' in identity ? identity.confirmation : confirmationOf((identity.claims as { cnf?: unknown } | undefined)?.cnf, realm);
}

/**
 * The request flow with sender-constrained tokens: a `DPoP` token with its proof, or a Bearer token (which must not
 * be DPoP-bound), then the certificate check for certificate-bound tokens, then the proof's replay check. Failures
 * of a DPoP request, and every failure when DPoP is required, carry the DPoP challenge.
 */
export function createBoundAuthenticator<C extends object>(options: BindingOptions, context: BindingContext<C>): BoundAuthenticator<C> {
  const dpop = normalizeDpopOptions(options.dpop);
  const mtls = normalizeMtlsOptions(options.mtls);
  const { realm, optional } = context;
  const dpopEnabled = dpop.mode !== 'disabled';
  const replayCache = dpopEnabled ? replayCacheFor(dpop, context.owner) : undefined;

  function decorate(error: unknown, scheme: DpopChallenge['scheme']): unknown {
    if (!dpopEnabled || !isAuthError(error)) return error;
    if (scheme !== 'dpop' && dpop.mode !== 'required' && !error.reason.startsWith('dpop_')) return error;
    const nonce = error.reason === 'dpop_nonce_required' ? dpop.nonce?.current() : undefined;
    return error.withDpop({ algs: dpop.algs, bearer: dpop.mode !== 'required', scheme, nonce });
  }

  /** The token of `Authorization: DPoP <token>`, or undefined for any other scheme. */
  function dpopToken(request: RequestLike): string | undefined {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !DPOP_SCHEME.test(header)) return undefined;
    if (context.countHeaders(request, 'authorization') > 1)
      throw new AuthError('multiple_credentials', { realm, detail: 'more than one Authorization header' });
    const match = DPOP_CREDENTIALS.exec(header);
    if (match === null) throw new AuthError('malformed_request', { realm, detail: 'DPoP credentials are not one token68 value' });
    return match[1] as string;
  }

  function readProof(request: RequestLike, token: string): VerifiedProof {
    const header = request.headers.dpop;
    if (Array.isArray(header) || context.countHeaders(request, 'dpop') > 1) throw new AuthError('multiple_dpop_proofs', { realm });
    if (typeof header !== 'string' || header === '') throw new AuthError('dpop_proof_missing', { realm });
    return verifyProof(header, dpop, {
      method: request.method,
      url: requestUrl(request, dpop.publicUrl),
      accessToken: token,
      realm,
      nowSeconds: Date.now() / 1000,
    });
  }

  function checkCertificate(request: RequestLike, confirmation: Confirmation | undefined): void {
    const bound = confirmation?.['x5t#S256'];
    if (bound === undefined) {
      if (mtls.required) throw new AuthError('token_not_bound', { realm, detail: 'no cnf x5t#S256' });
      return;
    }
    const presented = certificateThumbprint(request, mtls);
    if (presented !== bound)
      throw new AuthError('certificate_mismatch', { realm, detail: presented === undefined ? 'no client certificate' : 'another certificate' });
  }

  function acceptDpop(identity: Identity<C>, proof: VerifiedProof, request: RequestLike): Identity<C> | Promise<Identity<C>> {
    const confirmation = confirmationFor(identity, realm);
    if (confirmation?.jkt === undefined) throw new AuthError('dpop_key_mismatch', { realm, detail: 'token has no cnf.jkt' });
    if (confirmation.jkt !== proof.jkt) throw new AuthError('dpop_key_mismatch', { realm, detail: 'cnf.jkt is another key' });
    checkCertificate(request, confirmation);
    // Last: a proof is spent only by a request that passed everything else.
    let fresh: boolean | Promise<boolean>;
    try {
      fresh = (replayCache as NonNullable<typeof replayCache>).checkAndStore(`${proof.jkt}.${proof.jti}`, Math.ceil(proof.iat + dpop.iatWindow + 1));
    } catch (error) {
      throw new AuthError('replay_cache_unavailable', { realm, cause: error });
    }
    const settle = (answer: boolean): Identity<C> => {
      if (answer !== true) throw new AuthError('dpop_proof_replayed', { realm });
      return identity;
    };
    if (!(fresh instanceof Promise)) return settle(fresh);
    return fresh.then(settle, (error: unknown) => {
      throw new AuthError('replay_cache_unavailable', { realm, cause: error });
    });
  }

  function acceptBearer(identity: Identity<C>, request: RequestLike): Identity<C> {
    const confirmation = confirmationFor(identity, realm);
    // No downgrade: whoever holds a DPoP-bound token without its key must not get in by calling it Bearer.
    if (confirmation?.jkt !== undefined) throw new AuthError('dpop_bound_token_as_bearer', { realm });
    checkCertificate(request, confirmation);
    return identity;
  }

  function authenticate(request: RequestLike): Identity<C> | Promise<Identity<C> | null> {
    let scheme: DpopChallenge['scheme'];
    try {
      const bound = dpopEnabled ? dpopToken(request) : undefined;
      let answer: Identity<C> | Promise<Identity<C>>;
      if (bound !== undefined) {
        scheme = 'dpop';
        const proof = readProof(request, bound);
        answer = chain(context.verify(bound), (identity) => acceptDpop(identity, proof, request));
      } else {
        const token = context.readToken(request);
        if (token === undefined) return optional ? ANONYMOUS : Promise.reject(decorate(new AuthError('credentials_missing', { realm }), undefined));
        scheme = 'bearer';
        if (dpop.mode === 'required') throw new AuthError('dpop_required', { realm, detail: 'a non-DPoP token' });
        answer = chain(context.verify(token), (identity) => acceptBearer(identity, request));
      }
      if (!(answer instanceof Promise)) return answer;
      const used = scheme;
      return answer.catch((error: unknown) => {
        throw decorate(error, used);
      });
    } catch (error) {
      return Promise.reject(decorate(error, scheme));
    }
  }

  return { authenticate, bearerFastPath: dpop.mode !== 'required' && !mtls.required };
}
