import type { Identity } from './identity.js';
import type { Verifier } from './verifier-types.js';

/**
 * `verify` without the promise where the answer is already known: the identity itself, or a throw of the
 * `AuthError`; a promise only while a key is being fetched.
 */
export type ImmediateVerify<C extends object> = (token: string) => Identity<C> | Promise<Identity<C>>;

/** Verifiers made by `createVerifier`, with their immediate form; see `immediateVerifyOf`. */
const createdVerifiers = new WeakMap<object, ImmediateVerify<object>>();

/**
 * The immediate form of a verifier made by `createVerifier`, for the request path; undefined for anything else (an
 * application's stand-in with the same methods).
 */
export function immediateVerifyOf<C extends object>(verifier: Verifier<C>): ImmediateVerify<C> | undefined {
  return createdVerifiers.get(verifier) as ImmediateVerify<C> | undefined;
}

/** Called by `createVerifier` for each verifier it makes. */
export function registerImmediateVerify<C extends object>(verifier: Verifier<C>, verifyNow: ImmediateVerify<C>): void {
  createdVerifiers.set(verifier, verifyNow as ImmediateVerify<object>);
}
