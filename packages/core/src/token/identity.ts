import type { Interner } from '../cache/intern.js';
import type { NormalizedClaimPath } from './claim-path.js';
import { readClaimAt, readClientId, readStringList } from './claim-values.js';
import type { Identity, RegisteredClaims } from '../identity.js';
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

// Every identity's `expiresAt` is derived, not stored: a Date costs ~100 bytes per cached identity, and most
// requests never ask for it.
const IDENTITY_PROTOTYPE = Object.freeze({
  get expiresAt(): Date {
    return new Date((this as unknown as Identity<object>).claims.exp * 1000);
  },
  /** JSON keeps showing `expiresAt`, as when it was an own property. */
  toJSON(this: Identity<object>): Record<string, unknown> {
    return { ...this, expiresAt: this.expiresAt };
  },
});

/** The key that verified an identity, for the cache (withdrawn keys take their tokens with them). Not enumerable. */
export const KEY_ID: unique symbol = Symbol('authgate.keyId');

const EMPTY: readonly string[] = Object.freeze([]);

/** The identity handed to the application, from a payload whose signature and claims have been checked. */
export function identityOf<C extends object>(
  decoded: DecodedToken,
  alg: Algorithm,
  kid: string | undefined,
  key: VerificationKey,
  context: TokenVerifierContext,
): VerifiedToken<C> {
  const { options } = context;
  const { payload } = decoded;
  const claims = shareClaimStrings(payload, context.interned.strings) as RegisteredClaims;
  const { token } = decoded;
  const clientId = readClientId(claims);
  const actor = parseActor(claims.act, 'act', options.realm);
  const mayAct = parseActor(claims.may_act, 'may_act', options.realm);
  const workload = options.trustDomain === undefined ? undefined : workloadOf(claims, options.trustDomain, options.realm);
  const identity = {
    __proto__: IDENTITY_PROTOTYPE,
    subject: claims.sub,
    // '' only under `issuer: null` for a token that names no iss (a JWT-SVID).
    issuer: claims.iss ?? '',
    audience: audienceOf(claims.aud, context),
    scopes: sharedListOf(claims, options.scopeClaims, context.interned.scopes, context.interned.scopeLists),
    roles: sharedListOf(claims, options.rolesClaims, context.interned.roles, context.interned.roleLists),
    clientId,
    claims: Object.freeze(claims) as Identity<C>['claims'],
    kid,
    alg,
    header: context.interned.headers.get(token.slice(0, token.indexOf('.')), () => Object.freeze(decoded.header)),
    source: 'jwt' as const,
    confirmation: confirmationOf(claims.cnf, options.realm),
    kind: tokenKindOf(claims, options.tokenKind, clientId),
    ...(actor === undefined ? {} : { actor }),
    ...(mayAct === undefined ? {} : { mayAct }),
    ...(workload === undefined ? {} : { workload }),
    [KEY_ID]: key.id,
  };
  // The raw token, for forwarding downstream and requireActive(): not enumerable, so JSON, spreads and loggers never show it.
  Object.defineProperty(identity, 'token', { value: token, enumerable: false });
  return { identity: Object.freeze(identity) as unknown as Identity<C>, keyId: key.id };
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
