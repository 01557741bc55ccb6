import { AuthError } from '../errors.js';

/**
 * Delegation (RFC 8693 §4.1 and §4.4): the `act` claim says who is acting on behalf of the token's subject (a
 * service that exchanged the user's token), `may_act` who is allowed to. Each is parsed into an `Actor`, nested for
 * a chain: `actor.actor` is the one who acted before (RFC 8693: only the outermost `act` is the current actor, the
 * nested ones are history).
 */
export interface Actor {
  /** The actor's `sub` (its `client_id` when it names no `sub`). */
  readonly subject: string;
  /** `client_id` of the actor, when the server names it. */
  readonly clientId?: string;
  /** `iss` of the actor's identity, when it differs from the token's and the server names it. */
  readonly issuer?: string;
  /** The previous actor in a chain of delegations. */
  readonly actor?: Actor;
}

/** Chains longer than this are refused: no real delegation goes that deep, and parsing stays bounded. */
export const MAX_ACTOR_DEPTH = 10;

/**
 * `value` of the `act` / `may_act` claim (already signature-verified) as an `Actor`; `undefined` when absent. A claim
 * that is present but unreadable (not an object, no string `sub` or `client_id`, a member of the wrong type) or a
 * chain deeper than `MAX_ACTOR_DEPTH` is refused with 401 `claim_invalid`: a delegation we cannot read must not pass
 * as a direct call.
 */
export function parseActor(value: unknown, claim: 'act' | 'may_act', realm: string): Actor | undefined {
  if (value === undefined) return undefined;
  const invalid = (why: string): AuthError => new AuthError('claim_invalid', { realm, detail: `${claim} ${why}` });
  // Walk down to the innermost actor first (bounded), then build the chain from there, so nothing recurses.
  const levels: Record<string, unknown>[] = [];
  let current: unknown = value;
  while (current !== undefined) {
    if (levels.length === MAX_ACTOR_DEPTH) throw invalid(`chain is deeper than ${MAX_ACTOR_DEPTH} levels`);
    if (current === null || typeof current !== 'object' || Array.isArray(current)) throw invalid('is not an object');
    const level = current as Record<string, unknown>;
    levels.push(level);
    current = Object.prototype.hasOwnProperty.call(level, 'act') ? level.act : undefined;
  }
  let actor: Actor | undefined;
  for (let index = levels.length - 1; index >= 0; index -= 1) {
    const { sub, client_id: clientId, iss } = levels[index] as Record<string, unknown>;
    for (const [name, member] of [
      ['sub', sub],
      ['client_id', clientId],
      ['iss', iss],
    ] as const) {
      if (member !== undefined && (typeof member !== 'string' || member === '')) throw invalid(`${name} is not a non-empty string`);
    }
    const subject = (sub ?? clientId) as string | undefined;
    if (subject === undefined) throw invalid('names neither sub nor client_id');
    actor = Object.freeze({
      subject,
      ...(clientId === undefined ? {} : { clientId: clientId as string }),
      ...(iss === undefined ? {} : { issuer: iss as string }),
      ...(actor === undefined ? {} : { actor }),
    });
  }
  return actor;
}
