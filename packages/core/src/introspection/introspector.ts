import { AuthError, isAuthError } from '../errors.js';
import type { Identity } from '../identity.js';
import type { NormalizedOptions } from '../options.js';
import { checkActiveAnswer, identityWithToken } from './answer.js';
import { IntrospectionCache, type CachedAnswer } from './cache.js';
import { createIntrospectionClient, IntrospectionFault, type IntrospectionClient, type SignedResponseReader } from './client.js';
import type { NormalizedIntrospection } from './options.js';

/**
 * Opaque tokens, and JWTs on routes that need revocation at once: the cache, one call per token in flight, the
 * checks on an active answer, and faults turned into 503s with an event and a log line (never the token in either).
 */
export interface Introspector {
  /** The identity of a token whose active answer is cached, synchronously; `undefined` for anything else. Never throws. */
  peek<C extends object>(token: string): Identity<C> | undefined;
  /**
   * The identity for an opaque token: at once (or a synchronous throw of the `AuthError`) when the answer is cached, a
   * promise while the server is asked.
   */
  identityFor<C extends object>(token: string): Identity<C> | Promise<Identity<C>>;
  /** Whether the server says the token is active: a cached answer serves (`forJwt: 'always'`). Rejects with an `AuthError`. */
  check(token: string): void | Promise<void>;
  /** Asks the server now, whatever the cache holds (`requireActive()`); the fresh answer replaces the cached one. */
  confirm(token: string): Promise<void>;
  readonly forJwt: 'never' | 'always';
  close(): void;
}

export function createIntrospector(
  settings: NormalizedIntrospection,
  options: NormalizedOptions,
  readSigned: SignedResponseReader | undefined,
  issuerAllowed: (iss: string, answer: Readonly<Record<string, unknown>>) => boolean,
): Introspector {
  const { logger, realm } = options;
  const issuer = options.issuers.length === 1 ? (options.issuers[0]?.issuer ?? undefined) : undefined;
  const client: IntrospectionClient = createIntrospectionClient(settings, issuer, options.allowInsecureHttp, readSigned);
  // With the cache off, answers still go through one (with nothing kept) so there is one code path.
  const cache = new IntrospectionCache(settings.cache === false ? { maxTtl: 0, negativeTtl: 0, maxEntries: 1, hashKey: undefined } : settings.cache);
  const rules = {
    requireAudience: settings.requireAudience,
    lifetimeWithoutExp: settings.cache === false ? 0 : settings.cache.maxTtl,
    issuerAllowed,
  };
  // One call per token at a time. Fresh questions (requireActive) share only with each other: a call that was
  // already under way before such a request arrived must not answer it.
  const inFlight = new Map<string, Promise<CachedAnswer>>();
  const inFlightFresh = new Map<string, Promise<CachedAnswer>>();

  function fault(error: IntrospectionFault): AuthError {
    const endpoint = client.endpointForLogs();
    logger.warn({ endpoint, kind: error.kind, status: error.status, error: error.message }, 'authgate: introspection failed; answering 503');
    options.onEvent({ type: 'introspection_failed', endpoint, kind: error.kind, status: error.status, error: error.message });
    return new AuthError('introspection_unavailable', { realm, detail: `introspection: ${error.message}`, cause: error });
  }

  async function ask(token: string, key: string): Promise<CachedAnswer> {
    let response;
    try {
      response = await client.introspect(token);
    } catch (error) {
      throw fault(error instanceof IntrospectionFault ? error : new IntrospectionFault('bad_answer', 'unexpected failure'));
    }
    options.onEvent({ type: 'token_introspected', endpoint: client.endpointForLogs(), active: response.active });
    const now = Date.now();
    try {
      const checked = checkActiveAnswer(response, options, rules, Math.floor(now / 1000));
      cache.setActive(key, checked.identity, checked.exp, now);
      return { active: true, identity: checked.identity, until: now };
    } catch (error) {
      if (!isAuthError(error)) throw error;
      cache.setInactive(key, error.reason, now);
      logger.debug({ reason: error.reason, detail: error.detail }, 'authgate: introspected token refused');
      return { active: false, reason: error.reason, until: now };
    }
  }

  function shared(map: Map<string, Promise<CachedAnswer>>, token: string, key: string): Promise<CachedAnswer> {
    let pending = map.get(key);
    if (pending === undefined) {
      pending = ask(token, key);
      map.set(key, pending);
      const settled = (): void => void map.delete(key);
      pending.then(settled, settled);
    }
    return pending;
  }

  function refusal(answer: CachedAnswer & { active: false }): AuthError {
    return new AuthError(answer.reason, { realm, detail: 'introspection' });
  }

  function lookup(token: string): CachedAnswer | Promise<CachedAnswer> {
    const key = cache.keyFor(token);
    return cache.get(key, Date.now()) ?? shared(inFlight, token, key);
  }

  function identityFrom<C extends object>(answer: CachedAnswer, token: string): Identity<C> {
    if (!answer.active) throw refusal(answer);
    return identityWithToken<C>(answer.identity, token);
  }

  return {
    forJwt: settings.forJwt,
    peek<C extends object>(token: string): Identity<C> | undefined {
      const answer = cache.get(cache.keyFor(token), Date.now());
      return answer?.active === true ? identityWithToken<C>(answer.identity, token) : undefined;
    },
    identityFor<C extends object>(token: string): Identity<C> | Promise<Identity<C>> {
      const answer = lookup(token);
      return answer instanceof Promise ? answer.then((settled) => identityFrom<C>(settled, token)) : identityFrom<C>(answer, token);
    },
    check(token: string): void | Promise<void> {
      const answer = lookup(token);
      if (!(answer instanceof Promise)) return void identityFrom(answer, token);
      return answer.then((settled) => void identityFrom(settled, token));
    },
    async confirm(token: string): Promise<void> {
      // The fresh answer also replaces the cached one, so a revocation seen here reaches every route at once.
      identityFrom(await shared(inFlightFresh, token, cache.keyFor(token)), token);
    },
    close(): void {
      cache.clear();
    },
  };
}
