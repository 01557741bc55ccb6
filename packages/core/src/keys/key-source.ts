import type { KeyObject } from 'node:crypto';
import type { Algorithm } from './algorithms.js';

/** A public key ready for verification, bound to one algorithm. */
export interface VerificationKey {
  /** The public key, imported and vetted by jose, as the KeyObject node:crypto verifies with. */
  readonly key: KeyObject;
  readonly kid: string | undefined;
  /** Unique for this key material within its source: lets caches forget what a withdrawn key verified. */
  readonly id: string;
  /** The JWK's own `issuer` member, if it has one: the key then verifies that issuer's tokens only. */
  readonly issuer?: string | undefined;
}

export interface KeySourceHealth {
  issuer: string | null;
  kind: 'static' | 'remote';
  /** JWKS URL (remote only). */
  uri?: string;
  /** Usable keys currently held. */
  keys: number;
  /** When the key set was last fetched successfully (remote only). */
  lastRefresh?: Date;
  /** The last refresh failure, if the last attempt failed. */
  lastError?: string;
  /** True when serving a key set past its max age because refreshes fail. */
  stale: boolean;
  /** False when this source cannot verify anything right now. */
  ok: boolean;
}

/**
 * Where one issuer's keys come from. Implementations: a static set, a remote JWKS (with its resilience rules).
 * `getKey` rejects with an `AuthError`: `unknown_key`, `key_algorithm_mismatch` or `key_source_unavailable`.
 */
export interface KeySource {
  getKey(kid: string | undefined, alg: Algorithm): Promise<VerificationKey>;
  /**
   * The hot path: the key `getKey` already resolved for this kid and alg, from the current (usable) set, with no
   * promise; `undefined` sends the caller to `getKey`. Starts a due background refresh like `getKey` does.
   */
  keyNow(kid: string | undefined, alg: Algorithm): VerificationKey | undefined;
  /** Loads the keys now; rejects with a clear error if it cannot. */
  ready(): Promise<void>;
  health(): KeySourceHealth;
  /**
   * Called when a cached identity of this issuer is about to be served: starts a routine refresh if one is due (never
   * waits for it) and says whether the held keys may still vouch for anything. False past `maxStale`: then cached
   * tokens stop being served too, so an outage fails closed for everyone, not only for new tokens.
   */
  maintain(): boolean;
  /** Subscribes to key withdrawals (a refresh no longer lists a key): ids of the keys that left. */
  onKeysWithdrawn(listener: (ids: readonly string[]) => void): void;
  /** Stops background refreshes. */
  close(): void;
}
