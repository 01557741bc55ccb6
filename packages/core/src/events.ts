import type { AuthErrorReason } from './errors.js';

/** What the verifier tells an `onEvent` hook. Safe for metrics: no tokens, no claim values. */
export type KeySourceEvent =
  | { type: 'jwks_refreshed'; issuer: string | null; uri: string; keys: number; trigger: 'startup' | 'unknown_kid' | 'max_age' | 'retry' }
  | { type: 'jwks_refresh_failed'; issuer: string | null; uri: string; error: string; stale: boolean }
  | { type: 'token_rejected'; reason: AuthErrorReason; issuer: string | undefined; kid: string | undefined }
  /** An introspection call answered (not a cache hit): for counting calls and revocations. */
  | { type: 'token_introspected'; endpoint: string; active: boolean }
  /** An introspection call failed; the request was answered 503 (`kind` says how: timeout, http_status, client_rejected...). */
  | { type: 'introspection_failed'; endpoint: string; kind: string; status: number | undefined; error: string };
