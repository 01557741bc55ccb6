import { AuthConfigError, AuthError, isAuthError } from './errors.js';
import { withToken, type Identity } from './identity.js';
import { decryptToken } from './token/jwe.js';
import { isB64Token, tokenFormat } from './token/format.js';
import { normalizeOptions, type NormalizedOptions, type VerifierOptions } from './options.js';
import { createInternTables } from './cache/intern.js';
import { TokenCache } from './cache/token-cache.js';
import { createRevocationCheck } from './revocation/check.js';
import { IssuerRouter } from './keys/issuer-router.js';
import { createKeySource } from './keys/source-for-issuer.js';
import { createIntrospectorFor } from './introspection/for-verifier.js';
import type { Introspector } from './introspection/introspector.js';
import type { Verifier, VerifierHealth } from './verifier-types.js';
import { registerImmediateVerify } from './immediate-verify.js';
import { verifyAccessToken, type ObservedToken, type TokenVerifierContext, type VerifiedToken } from './token/verify.js';

/**
 * Creates the verifier: validates the options (throwing `AuthConfigError` with what to fix), sets up one key
 * source per trusted issuer, and returns `verify(token)`, which resolves an `Identity<C>` or rejects with an
 * `AuthError` — never anything else.
 */
export function createVerifier<C extends object = Record<string, unknown>>(userOptions: VerifierOptions): Verifier<C> {
  const options = normalizeOptions(userOptions);
  const { logger, realm } = options;
  const router = new IssuerRouter(
    options.issuers,
    (entry, sharedBy) => createKeySource(entry, options, sharedBy),
    options.secret !== undefined || options.publicKeyUri !== undefined,
  );
  const sources = router.sources;

  const cache = options.cache === false ? undefined : new TokenCache(options.cache.maxEntries, options);
  if (cache !== undefined) {
    for (const source of sources.values()) {
      source.onKeysWithdrawn((ids) => {
        const evicted = cache.evictKeys(ids);
        if (evicted > 0) logger.info({ evicted }, 'authgate: forgot cached tokens of withdrawn keys');
      });
    }
  }

  const introspector = createIntrospectorFor(options, router);
  const { decryption } = options;

  const interned = createInternTables();
  const context: TokenVerifierContext = {
    options,
    sourceFor: (issuer, payload) => router.sourceFor(issuer, payload),
    now: Date.now,
    interned,
    knownHeaders: (segment) => interned.headers.find(segment),
  };
  const checkRevocation = createRevocationCheck(options.revocation, realm, options.clockTolerance);
  // Concurrent requests carrying the same uncached token share one verification while its key is being fetched.
  const inFlight = new Map<string, Promise<Identity<C>>>();

  /** Logs and reports a refusal, and makes sure it is an AuthError. */
  function rejection(error: unknown, observed: ObservedToken): AuthError {
    const authError = isAuthError(error)
      ? error
      : new AuthError('malformed_token', { realm, detail: 'unexpected verification failure', cause: error });
    if (!isAuthError(error)) logger.error({ err: { name: (error as Error)?.name } }, 'authgate: unexpected error while verifying a token');
    const { kid, iss } = observed;
    logger.debug({ reason: authError.reason, detail: authError.detail, kid, iss }, 'authgate: token rejected');
    options.onEvent({ type: 'token_rejected', reason: authError.reason, issuer: iss, kid });
    return authError;
  }

  /** Throws the rejection when the revocation list refuses this verified identity (fresh or cached). */
  function refuseIfRevoked(identity: Identity<object>, observed: ObservedToken): void {
    if (checkRevocation === undefined) return;
    try {
      checkRevocation(identity.claims);
    } catch (error) {
      throw rejection(error, observed);
    }
  }

  /** A fresh verification: cached on its second sighting (see Doorkeeper), then handed back. */
  function accept(verified: VerifiedToken<C>, cacheable: boolean, observed: ObservedToken): Identity<C> {
    refuseIfRevoked(verified.identity, observed);
    if (cacheable && cache !== undefined && cache.admit(verified.identity.token)) cache.set(verified.identity);
    return verified.identity;
  }

  /** Throws the AuthError when the answer is known at once; a promise only while a key is being fetched. */
  function verifyUncached(token: string, cacheable: boolean): Identity<C> | Promise<Identity<C>> {
    const observed: ObservedToken = {};
    let outcome: VerifiedToken<C> | Promise<VerifiedToken<C>>;
    try {
      outcome =
        decryption !== undefined && tokenFormat(token) === 'jwe'
          ? decryptAndVerify<C>(token, observed)
          : verifyAccessToken<C>(token, context, observed);
    } catch (error) {
      throw rejection(error, observed);
    }
    // The key was at hand (nearly always): the answer, with no promise at all.
    if (!(outcome instanceof Promise)) return accept(outcome, cacheable, observed);
    const pending = outcome.then(
      (verified) => accept(verified, cacheable, observed),
      (error: unknown) => {
        throw rejection(error, observed);
      },
    );
    if (cacheable) {
      inFlight.set(token, pending);
      const settled = (): void => void inFlight.delete(token);
      pending.then(settled, settled);
    }
    return pending;
  }

  /** JWE: decrypted, then the inner JWS through the same pipeline; the identity keeps the token as presented. */
  async function decryptAndVerify<T extends object>(token: string, observed: ObservedToken): Promise<VerifiedToken<T>> {
    const inner = await decryptToken(token, decryption!, realm);
    const verified = await verifyAccessToken<T>(inner, context, observed);
    return { identity: withToken<T>(verified.identity, token), keyId: verified.keyId };
  }

  /** An opaque token: the introspection answer (cached or asked for), refusals logged and reported like a JWT's. */
  function introspect(token: string, active: Introspector): Identity<C> | Promise<Identity<C>> {
    const observed: ObservedToken = {};
    let answer: Identity<C> | Promise<Identity<C>>;
    try {
      answer = active.identityFor<C>(token);
    } catch (error) {
      throw rejection(error, observed);
    }
    return answer instanceof Promise
      ? answer.catch((error: unknown) => {
          throw rejection(error, observed);
        })
      : answer;
  }

  /** `forJwt: 'always'`: a verified JWT is also checked with the server (through the introspection cache). */
  function checkedWithServer(answer: Identity<C> | Promise<Identity<C>>, token: string, active: Introspector): Identity<C> | Promise<Identity<C>> {
    if (answer instanceof Promise) return answer.then((identity) => checkedWithServer(identity, token, active));
    let check: void | Promise<void>;
    try {
      check = active.check(token);
    } catch (error) {
      throw rejection(error, {});
    }
    if (check === undefined) return answer;
    return check.then(
      () => answer,
      (error: unknown) => {
        throw rejection(error, {});
      },
    );
  }

  // A hit still lets the key source refresh when due, so a withdrawn key's tokens are evicted even on a process
  // that only ever sees cached tokens; past maxStale the hit is not served (the full pipeline then fails closed).
  const isServable = (identity: Identity<object>): boolean => router.sourceFor(identity.issuer, identity.claims)?.maintain() === true;

  function verifyNow(token: string): Identity<C> | Promise<Identity<C>> {
    if (introspector === undefined || typeof token !== 'string' || token.length > options.maxTokenLength) return verifyJwt(token);
    // An opaque token outside RFC 6750's alphabet (or empty) is malformed: refused here, never sent to the server.
    if (tokenFormat(token) === 'opaque') return isB64Token(token) ? introspect(token, introspector) : verifyJwt(token);
    return introspector.forJwt === 'always' ? checkedWithServer(verifyJwt(token), token, introspector) : verifyJwt(token);
  }

  function verifyJwt(token: string): Identity<C> | Promise<Identity<C>> {
    if (typeof token !== 'string' || token.length > options.maxTokenLength || cache === undefined) {
      return verifyUncached(token, false);
    }
    const cached = cache.get(token, Math.floor(Date.now() / 1000));
    if (cached !== undefined && isServable(cached)) {
      // A revoked token never serves from the cache: the list is asked on every hit (an in-memory lookup).
      refuseIfRevoked(cached, { iss: cached.issuer, kid: cached.kid });
      return cached as Identity<C>;
    }
    return (inFlight.size === 0 ? undefined : inFlight.get(token)) ?? verifyUncached(token, true);
  }

  function passesRevocation(identity: Identity<object>): boolean {
    try {
      checkRevocation?.(identity.claims);
      return true;
    } catch {
      return false;
    }
  }

  const verifier: Verifier<C> = {
    realm,
    cached(token: string): Identity<C> | undefined {
      if (typeof token !== 'string') return undefined;
      if (introspector !== undefined && tokenFormat(token) === 'opaque') return introspector.peek<C>(token);
      if (cache === undefined) return undefined;
      const identity = cache.peek(token, Math.floor(Date.now() / 1000));
      if (identity === undefined || !isServable(identity)) return undefined;
      if (introspector?.forJwt === 'always' && introspector.peek(token) === undefined) return undefined;
      // Revoked (or undecidable): "ask verify", which gives the refusal.
      if (checkRevocation !== undefined && !passesRevocation(identity)) return undefined;
      return identity as Identity<C>;
    },
    confirmActive(identity: Identity<C>): Promise<void> {
      if (introspector === undefined) {
        return Promise.reject(
          new AuthConfigError('authgate: requireActive() needs the introspection option on the verifier (it asks the authorization server)'),
        );
      }
      const token = identity?.token;
      if (typeof token !== 'string')
        return Promise.reject(new AuthConfigError('authgate: requireActive() needs an identity made by this verifier (it carries the token)'));
      return introspector.confirm(token).catch((error: unknown) => {
        throw rejection(error, {});
      });
    },
    verify(token: string): Promise<Identity<C>> {
      try {
        const answer = verifyNow(token);
        return answer instanceof Promise ? answer : Promise.resolve(answer);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async ready(): Promise<void> {
      await Promise.all([...sources.values()].map((source) => source.ready()));
    },
    health(): VerifierHealth {
      const issuers = [...sources.values()].map((source) => source.health());
      return { ok: issuers.every((issuer) => issuer.ok), issuers };
    },
    close(): void {
      for (const source of sources.values()) source.close();
      cache?.clear();
      introspector?.close();
    },
  };
  registerImmediateVerify(verifier, verifyNow);
  return verifier;
}
