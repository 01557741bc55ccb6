import type { Interner } from '../cache/intern.js';
import type { NormalizedClaimPath } from './claim-path.js';
import { readClaimAt, readClientId, readStringList } from './claim-values.js';
import type { Confirmation, Identity, RegisteredClaims } from '../identity.js';
import type { Actor } from './actor.js';
import type { TokenKind } from './kind.js';
import type { Algorithm } from '../keys/algorithms.js';
import type { VerificationKey } from '../keys/key-source.js';
import type { DecodedToken } from './decode.js';
import { confirmationOf } from '../binding/confirmation.js';
import type { TokenVerifierContext, VerifiedToken } from './verify.js';
import { parseActor } from './actor.js';
import { tokenKindOf } from './kind.js';
import { workloadOf } from './spiffe-id.js';

// How a verified payload becomes the `Identity` the application sees, built to be cached by the hundred thousand:
// equal values are shared between identities rather than copied into each (see cache/intern.ts).

// Claims whose values repeat across a service's tokens (its issuer, its audience, its clients, their scope sets).
const SHARED_CLAIMS = ['iss', 'aud', 'client_id', 'azp', 'scope'] as const;

/** Replaces repeated claim strings with one shared instance (equal strings: nothing a reader can tell apart). */
function shareClaimStrings(payload: Record<string, unknown>, strings: Interner<string>): Record<string, unknown> {
  for (const name of SHARED_CLAIMS) {
    const value = payload[name];
    if (typeof value === 'string') payload[name] = strings.get(value, () => value);
  }
  return payload;
}

/** The key that verified an identity, for the cache (withdrawn keys take their tokens with them). Not enumerable. */
export const KEY_ID: unique symbol = Symbol('authgate.keyId');

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * A verified JWT's identity, built by a constructor so that every identity shares one hidden class (and one
 * descriptor array) in V8. Built as an object literal with `__proto__`, then frozen and given `token`, each identity
 * got a map of its own: 384 bytes per cached identity, more than everything else in a cache entry together.
 * `expiresAt` is derived, not stored: a Date costs ~100 bytes per cached identity, and most requests never ask.
 */
class VerifiedIdentity {
  readonly subject: string | undefined;
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly clientId: string | undefined;
  readonly claims: RegisteredClaims;
  readonly kid: string | undefined;
  readonly alg: Algorithm;
  readonly header: Readonly<Record<string, unknown>>;
  readonly source = 'jwt' as const;
  readonly kind: TokenKind;
  declare readonly confirmation?: Confirmation;
  declare readonly actor?: Actor;
  declare readonly mayAct?: Actor;
  declare readonly workload?: string;
  declare readonly token: string;
  declare readonly [KEY_ID]: string;

  constructor(
    claims: RegisteredClaims,
    decoded: DecodedToken,
    alg: Algorithm,
    kid: string | undefined,
    key: VerificationKey,
    context: TokenVerifierContext,
  ) {
    const { options, interned } = context;
    const { token } = decoded;
    const clientId = readClientId(claims);
    this.subject = claims.sub;
    // '' only under `issuer: null` for a token that names no iss (a JWT-SVID).
    this.issuer = claims.iss ?? '';
    this.audience = audienceOf(claims.aud, context);
    this.scopes = sharedListOf(claims, options.scopeClaims, interned.scopes, interned.scopeLists);
    this.roles = sharedListOf(claims, options.rolesClaims, interned.roles, interned.roleLists);
    this.clientId = clientId;
    this.claims = Object.freeze(claims);
    this.kid = kid;
    this.alg = alg;
    this.header = interned.headers.get(decoded.headerSegment, () => Object.freeze(decoded.header));
    this.kind = tokenKindOf(claims, options.tokenKind, clientId);
    // The rare members only when present (a plain bearer token, a direct call): 8 bytes each, per cached identity.
    const confirmation = confirmationOf(claims.cnf, options.realm);
    if (confirmation !== undefined) this.confirmation = confirmation;
    const actor = parseActor(claims.act, 'act', options.realm);
    if (actor !== undefined) this.actor = actor;
    const mayAct = parseActor(claims.may_act, 'may_act', options.realm);
    if (mayAct !== undefined) this.mayAct = mayAct;
    const workload = options.trustDomain === undefined ? undefined : workloadOf(claims, options.trustDomain, options.realm);
    if (workload !== undefined) this.workload = workload;
    this[KEY_ID] = key.id;
    // The raw token, for forwarding downstream and requireActive(): not enumerable, so JSON, spreads and loggers never show it.
    Object.defineProperty(this, 'token', { value: token, enumerable: false });
  }

  get expiresAt(): Date {
    return new Date(this.claims.exp * 1000);
  }

  /** JSON keeps showing `expiresAt`, as when it was an own property. */
  toJSON(): object {
    return { ...this, expiresAt: this.expiresAt };
  }
}

// `'confirmation' in identity` stays true for a plain bearer token (the binding check relies on it to tell our
// identities from a stand-in verifier's), at no cost per identity: the unbound default lives on the prototype.
Object.defineProperty(VerifiedIdentity.prototype, 'confirmation', { value: undefined, writable: true });

/** The identity handed to the application, from a payload whose signature and claims have been checked. */
export function identityOf<C extends object>(
  decoded: DecodedToken,
  alg: Algorithm,
  kid: string | undefined,
  key: VerificationKey,
  context: TokenVerifierContext,
): VerifiedToken<C> {
  const claims = shareClaimStrings(decoded.payload, context.interned.strings) as RegisteredClaims;
  const identity = Object.freeze(new VerifiedIdentity(claims, decoded, alg, kid, key, context));
  return { identity: identity as unknown as Identity<C>, keyId: key.id };
}

function audienceOf(aud: string | string[] | undefined, context: TokenVerifierContext): readonly string[] {
  if (aud === undefined) return EMPTY;
  if (typeof aud === 'string') return context.interned.audience.get(aud, () => Object.freeze([aud]));
  return Object.freeze([...aud]);
}

/**
 * The identity's scopes (or roles), shared with every identity whose claims hold the same values. The common case,
 * one claim holding a string, is looked up by that string with no allocation; anything else by its JSON, in a table
 * of its own so the two kinds of key can never collide.
 */
function sharedListOf(
  claims: RegisteredClaims,
  paths: readonly NormalizedClaimPath[],
  byString: Interner<readonly string[]>,
  byJson: Interner<readonly string[]>,
): readonly string[] {
  const make = (): readonly string[] => readStringList(claims, paths);
  let present = 0;
  let single: unknown;
  for (const path of paths) {
    const value = readClaimAt(claims, path);
    if (value === undefined) continue;
    present += 1;
    single = value;
  }
  if (present === 0) return EMPTY;
  if (present === 1 && typeof single === 'string') return byString.get(single, make);
  return byJson.get(JSON.stringify(paths.map((path) => readClaimAt(claims, path) ?? null)), make);
}
