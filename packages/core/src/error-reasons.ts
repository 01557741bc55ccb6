// The catalogue of refusals: every reason with its HTTP status, RFC 6750 / RFC 9449 error code and fixed description.
// Kept apart from the error classes so adding a reason touches one table.

export type AuthErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | 'use_dpop_nonce';

/** Why a request was refused. Stable strings: adding one is a minor change, renaming one is a major change. */
export type AuthErrorReason =
  // No usable credentials (401, no error code, RFC 6750 §3.1).
  | 'credentials_missing'
  | 'unsupported_scheme'
  // The request itself is malformed (400 invalid_request).
  | 'malformed_request'
  | 'multiple_credentials'
  | 'multiple_dpop_proofs'
  // The token is unacceptable (401 invalid_token).
  | 'token_too_long'
  | 'malformed_token'
  | 'token_encrypted'
  | 'algorithm_not_allowed'
  | 'unsupported_header'
  | 'header_refused'
  | 'header_mismatch'
  | 'type_not_allowed'
  | 'unknown_key'
  | 'key_algorithm_mismatch'
  | 'signature_invalid'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_issued_in_future'
  | 'token_too_old'
  | 'issuer_not_allowed'
  | 'audience_mismatch'
  | 'claim_missing'
  | 'claim_invalid'
  // The authorization server says the token is not active (revoked, expired, unknown): RFC 7662.
  | 'token_inactive'
  // An encrypted token (JWE) that cannot be decrypted under the configured policy: one reason for every cause.
  | 'token_undecryptable'
  | 'claim_mismatch'
  | 'revoked'
  // Sender-constrained tokens (RFC 9449 DPoP, RFC 8705 mTLS): see binding/.
  | 'dpop_required'
  | 'dpop_proof_missing'
  | 'dpop_proof_invalid'
  | 'dpop_proof_replayed'
  | 'dpop_nonce_required'
  | 'dpop_key_mismatch'
  | 'dpop_bound_token_as_bearer'
  | 'certificate_mismatch'
  | 'token_not_bound'
  // Valid token, not enough privilege (403 insufficient_scope).
  | 'insufficient_scope'
  // Service to service: the route's delegation, token-kind or workload requirement (403 insufficient_scope).
  | 'actor_not_allowed'
  | 'token_kind_not_allowed'
  | 'client_not_allowed'
  | 'workload_not_allowed'
  // The route needs a workload token beside the user's, and none came (401, no error code).
  | 'workload_missing'
  // The workload's mTLS client certificate is no acceptable X.509-SVID (401 invalid_token; the description says why).
  | 'workload_certificate_invalid'
  | 'insufficient_role'
  | 'insufficient_claim'
  | 'access_denied'
  // Our side cannot decide: the key source is unreachable and holds no usable keys (503, no challenge).
  | 'key_source_unavailable'
  // Our side cannot decide: the introspection endpoint failed (down, slow, 5xx, refused our client, bad answer).
  | 'introspection_unavailable'
  // The revocation list cannot decide (a shared list cut off past maxStaleness, failMode 'closed'): 503.
  | 'revocation_unavailable'
  | 'replay_cache_unavailable';

export type AuthErrorStatus = 400 | 401 | 403 | 503;

export interface ReasonSpec {
  status: AuthErrorStatus;
  code: AuthErrorCode | undefined;
  description: string;
}

// Descriptions are restricted to RFC 6750's error_description alphabet (%x20-21 / %x23-5B / %x5D-7E): no quotes,
// no backslashes. They are the same for every request, so nothing a client sends can ever be echoed back.
export const REASONS: Record<AuthErrorReason, ReasonSpec> = {
  credentials_missing: { status: 401, code: undefined, description: 'Authentication required' },
  unsupported_scheme: { status: 401, code: undefined, description: 'Bearer authentication required' },
  malformed_request: { status: 400, code: 'invalid_request', description: 'Malformed Authorization header' },
  multiple_credentials: { status: 400, code: 'invalid_request', description: 'More than one access token was sent' },
  token_too_long: { status: 401, code: 'invalid_token', description: 'The access token is too long' },
  malformed_token: { status: 401, code: 'invalid_token', description: 'The access token is malformed' },
  token_encrypted: { status: 401, code: 'invalid_token', description: 'Encrypted tokens (JWE) are not accepted' },
  algorithm_not_allowed: { status: 401, code: 'invalid_token', description: 'The token signing algorithm is not allowed' },
  unsupported_header: { status: 401, code: 'invalid_token', description: 'The token header is not supported' },
  header_refused: { status: 401, code: 'invalid_token', description: 'The token is of a kind this API does not accept' },
  header_mismatch: { status: 401, code: 'invalid_token', description: 'A token header parameter has an unexpected value' },
  type_not_allowed: { status: 401, code: 'invalid_token', description: 'The token type is not allowed' },
  unknown_key: { status: 401, code: 'invalid_token', description: 'The token signing key is not known' },
  key_algorithm_mismatch: { status: 401, code: 'invalid_token', description: 'The token algorithm does not match its key' },
  signature_invalid: { status: 401, code: 'invalid_token', description: 'The token signature is invalid' },
  token_expired: { status: 401, code: 'invalid_token', description: 'The access token expired' },
  token_not_yet_valid: { status: 401, code: 'invalid_token', description: 'The access token is not yet valid' },
  token_issued_in_future: { status: 401, code: 'invalid_token', description: 'The access token was issued in the future' },
  token_too_old: { status: 401, code: 'invalid_token', description: 'The access token is too old' },
  issuer_not_allowed: { status: 401, code: 'invalid_token', description: 'The token issuer is not allowed' },
  audience_mismatch: { status: 401, code: 'invalid_token', description: 'The token audience is not allowed' },
  claim_missing: { status: 401, code: 'invalid_token', description: 'The access token lacks a required claim' },
  claim_invalid: { status: 401, code: 'invalid_token', description: 'The access token has an invalid claim' },
  token_inactive: { status: 401, code: 'invalid_token', description: 'The access token is not active' },
  token_undecryptable: { status: 401, code: 'invalid_token', description: 'The access token cannot be decrypted' },
  claim_mismatch: { status: 401, code: 'invalid_token', description: 'The access token has a claim that is not accepted' },
  revoked: { status: 401, code: 'invalid_token', description: 'The access token was revoked' },
  multiple_dpop_proofs: { status: 400, code: 'invalid_request', description: 'More than one DPoP proof was sent' },
  dpop_required: { status: 401, code: undefined, description: 'DPoP authentication required' },
  dpop_proof_missing: { status: 401, code: 'invalid_dpop_proof', description: 'A DPoP proof is required' },
  dpop_proof_invalid: { status: 401, code: 'invalid_dpop_proof', description: 'The DPoP proof is invalid' },
  dpop_proof_replayed: { status: 401, code: 'invalid_dpop_proof', description: 'The DPoP proof was already used' },
  dpop_nonce_required: { status: 401, code: 'use_dpop_nonce', description: 'Use the DPoP nonce the server provided' },
  dpop_key_mismatch: { status: 401, code: 'invalid_token', description: 'The access token is not bound to the DPoP proof key' },
  dpop_bound_token_as_bearer: { status: 401, code: 'invalid_token', description: 'The access token is DPoP-bound: use the DPoP scheme' },
  certificate_mismatch: { status: 401, code: 'invalid_token', description: 'The access token is not bound to the client certificate' },
  token_not_bound: { status: 401, code: 'invalid_token', description: 'The access token is not sender-constrained' },
  insufficient_scope: { status: 403, code: 'insufficient_scope', description: 'The access token lacks a required scope' },
  actor_not_allowed: { status: 403, code: 'insufficient_scope', description: 'The acting party is not allowed on this route' },
  token_kind_not_allowed: { status: 403, code: 'insufficient_scope', description: 'This route needs another kind of token (user or client)' },
  client_not_allowed: { status: 403, code: 'insufficient_scope', description: 'The client is not allowed on this route' },
  workload_not_allowed: { status: 403, code: 'insufficient_scope', description: 'The calling workload is not allowed on this route' },
  workload_missing: { status: 401, code: undefined, description: 'Workload authentication required' },
  workload_certificate_invalid: { status: 401, code: 'invalid_token', description: 'The client certificate is not an accepted workload identity' },
  insufficient_role: { status: 403, code: 'insufficient_scope', description: 'The access token lacks a required role' },
  insufficient_claim: { status: 403, code: 'insufficient_scope', description: 'The access token lacks a required claim' },
  access_denied: { status: 403, code: 'insufficient_scope', description: 'The access token does not grant access to this resource' },
  key_source_unavailable: { status: 503, code: undefined, description: 'Token keys are temporarily unavailable' },
  introspection_unavailable: { status: 503, code: undefined, description: 'Token introspection is temporarily unavailable' },
  revocation_unavailable: { status: 503, code: undefined, description: 'Token revocation status is temporarily unavailable' },
  replay_cache_unavailable: { status: 503, code: undefined, description: 'DPoP replay protection is temporarily unavailable' },
};
