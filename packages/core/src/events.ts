import type { AuthErrorReason } from './errors.js';

/** What the verifier tells an `onEvent` hook. Safe for metrics: no tokens, no claim values. */
export type KeySourceEvent =
  | { type: 'jwks_refreshed'; issuer: string | null; uri: string; keys: number; trigger: 'startup' | 'unknown_kid' | 'max_age' | 'retry' }
  | { type: 'jwks_refresh_failed'; issuer: string | null; uri: string; error: string; stale: boolean }
  | { type: 'token_rejected'; reason: AuthErrorReason; issuer: string | undefined; kid: string | undefined };
