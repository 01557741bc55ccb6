import type { Identity } from './identity.js';
import type { KeySourceHealth } from './keys/key-source.js';

export interface VerifierHealth {
  /** True when every issuer's key source can verify tokens right now. For readiness probes. */
  ok: boolean;
  issuers: KeySourceHealth[];
}

export interface Verifier<C extends object = Record<string, unknown>> {
  /** Resolves the verified identity, or rejects with an `AuthError` (never anything else). */
  verify(token: string): Promise<Identity<C>>;
  /**
   * The identity of a token verified and reused recently, synchronously, or `undefined`: still within its time
   * claims, its issuer's keys still usable. Never verifies, never throws; `undefined` means only "ask `verify`".
   * Optional so that any object with `verify` can stand in for a verifier (adapters then always call `verify`).
   */
  cached?(token: string): Identity<C> | undefined;
  /**
   * Asks the authorization server now whether this identity's token is still active (RFC 7662), whatever any cache
   * holds: what `requireActive()` runs. Resolves when active; rejects with an `AuthError` (401 `token_inactive`, 503
   * when the server cannot answer) or an `AuthConfigError` when `introspection` is not configured. Optional, for
   * stand-ins.
   */
  confirmActive?(identity: Identity<C>): Promise<void>;
  /** Fetches every issuer's keys now (fail fast at start-up); rejects with an `AuthConfigError`-style message if it cannot. */
  ready(): Promise<void>;
  health(): VerifierHealth;
  /** The realm used in challenges. */
  readonly realm: string;
  /** Stops background key refreshes (lets the process exit). */
  close(): void;
}
