import { AuthConfigError, AuthError, DEFAULT_REALM } from '../errors.js';
import type { Identity } from '../identity.js';
import type { Actor } from '../token/actor.js';
import { normalizeSpiffeIds } from '../token/spiffe-id.js';
import { identityGuard, type Guard } from './guard.js';

/**
 * Service-to-service route requirements: who acts (RFC 8693 `act`), whether a user is behind the token, which
 * client or workload calls. Each is a core `Guard`; refusals are 403 `insufficient_scope` with a fixed description
 * (never a value from the token).
 */

/** Decides on the current actor; `identity` and `request` for anything else it needs. May be async. */
export type ActorPredicate<R = unknown> = (actor: Actor, identity: Identity<object>, request: R) => boolean | Promise<boolean>;

/** The current (outermost) actor must have this `subject` and/or `clientId`. */
export interface ActorMatch {
  subject?: string;
  clientId?: string;
}

function refusal(
  reason: 'actor_not_allowed' | 'token_kind_not_allowed' | 'client_not_allowed' | 'workload_not_allowed',
  realm: string,
  detail: string,
): AuthError {
  return new AuthError(reason, { realm, detail });
}

/**
 * Requires a delegated call: an `act` claim whose current actor passes `requirement` (a predicate, or an
 * `ActorMatch` compared with the outermost actor only). A direct call (no `act`) is refused.
 */
export function requireActorGuard<R = unknown>(requirement: ActorPredicate<R> | ActorMatch, realm: string = DEFAULT_REALM): Guard<R> {
  let matches: ActorPredicate<R>;
  if (typeof requirement === 'function') {
    matches = requirement;
  } else {
    const { subject, clientId } = (requirement ?? {}) as ActorMatch;
    const valid = (value: unknown): boolean => value === undefined || (typeof value === 'string' && value !== '');
    if ((subject === undefined && clientId === undefined) || !valid(subject) || !valid(clientId)) {
      throw new AuthConfigError(
        'requireActor needs a predicate (actor, identity, request) => boolean, or { subject?, clientId? } with at least one non-empty string',
      );
    }
    matches = (actor) => (subject === undefined || actor.subject === subject) && (clientId === undefined || actor.clientId === clientId);
  }
  return identityGuard<R>(
    'requireActor',
    (identity, request) => {
      const actor = identity.actor;
      if (actor === undefined) return refusal('actor_not_allowed', realm, 'not a delegated call');
      const verdict = matches(actor, identity, request);
      const decide = (allowed: boolean): AuthError | undefined =>
        allowed === true ? undefined : refusal('actor_not_allowed', realm, 'actor does not match');
      return verdict instanceof Promise ? verdict.then(decide) : decide(verdict);
    },
    realm,
  );
}

/** Requires a direct call: any `act` claim, whatever its shape, refuses. */
export function requireDirectCallGuard<R = unknown>(realm: string = DEFAULT_REALM): Guard<R> {
  return identityGuard<R>(
    'requireDirectCall',
    (identity) =>
      identity.actor === undefined && !Object.prototype.hasOwnProperty.call(identity.claims, 'act')
        ? undefined
        : refusal('actor_not_allowed', realm, 'delegated call'),
    realm,
  );
}

/** Requires a token with a user behind it (`identity.kind === 'user'`). */
export function requireUserGuard<R = unknown>(realm: string = DEFAULT_REALM): Guard<R> {
  return identityGuard<R>(
    'requireUser',
    (identity) => (identity.kind === 'user' ? undefined : refusal('token_kind_not_allowed', realm, 'not a user token')),
    realm,
  );
}

/** Requires a client token (`identity.kind === 'client'`), of one of `clientIds` when any are given. */
export function requireClientGuard<R = unknown>(clientIds: readonly string[], realm: string = DEFAULT_REALM): Guard<R> {
  if (clientIds.some((id) => typeof id !== 'string' || id === '')) throw new AuthConfigError('requireClient: client ids must be non-empty strings');
  const allowed = new Set(clientIds);
  return identityGuard<R>(
    'requireClient',
    (identity) => {
      if (identity.kind !== 'client') return refusal('token_kind_not_allowed', realm, 'not a client token');
      if (allowed.size === 0) return undefined;
      const clientId = identity.clientId;
      return clientId !== undefined && allowed.has(clientId) ? undefined : refusal('client_not_allowed', realm, 'client not listed');
    },
    realm,
  );
}

/**
 * Requires the request's workload identity (the adapter's `workload` option puts it on `request.workload`) to be one
 * of `spiffeIds` (any workload when none are given). Its SPIFFE ID is `identity.workload` (JWT-SVIDs), else its `sub`.
 */
export function requireWorkloadGuard<R = unknown>(spiffeIds: readonly string[], realm: string = DEFAULT_REALM): Guard<R> {
  const allowed = new Set(normalizeSpiffeIds(spiffeIds, 'requireWorkload'));
  return (_identity, request) => {
    const workload = (request as { workload?: Identity<object> | null } | undefined)?.workload;
    if (workload === undefined || workload === null) {
      throw new AuthConfigError('requireWorkload ran on a request without a workload identity: give jwtAuth the workload option');
    }
    const id = workload.workload ?? workload.subject;
    if (allowed.size > 0 && (id === undefined || !allowed.has(id))) throw refusal('workload_not_allowed', realm, 'workload not listed');
  };
}
