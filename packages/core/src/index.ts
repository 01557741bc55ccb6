export { createVerifier } from './verifier.js';
export type { Verifier, VerifierHealth } from './verifier-types.js';
export { createMemoryRevocationList } from './revocation/memory-list.js';
export { tokenEntry, cutoffEntry, entryExpiry } from './revocation/options.js';
export type {
  RevocationList,
  RevocableClaims,
  MemoryRevocationList,
  MemoryRevocationListOptions,
  RevocationEntry,
  TokenRevocation,
  SubjectRevocation,
  ClientRevocation,
} from './revocation/types.js';
export type { VerifierOptions, IssuerConfig, JwksOptions, TokenCacheOptions, AuthLogger } from './options.js';
export type { Identity, RegisteredClaims, Confirmation } from './identity.js';
export { AuthError, AuthConfigError, isAuthError, renderChallenge, DEFAULT_REALM } from './errors.js';
export type { AuthErrorCode, AuthErrorReason, AuthErrorStatus, AuthErrorOptions, DpopChallenge } from './errors.js';
export { extractBearer } from './http/bearer.js';
export { readScopes, hasScopes, insufficientScope, createScopeGuard, DEFAULT_SCOPE_CLAIMS } from './guards/scopes.js';
export type { ScopeMode, ScopeGuard } from './guards/scopes.js';
export { identityGuard } from './guards/guard.js';
export { createActiveGuard } from './guards/active.js';
export type { IntrospectionOptions, IntrospectionCacheOptions } from './introspection/options.js';
export type { DecryptionOptions, DecryptionKey } from './token/jwe.js';
export type { ClientAuthMethod, ClientCredentials } from './net/client-auth.js';
export { createRoleGuard, hasRoles } from './guards/roles.js';
export type { RoleMode } from './guards/roles.js';
export { createClaimGuard } from './guards/claims.js';
export { createPredicateGuard } from './guards/predicate.js';
export type { AuthPredicate } from './guards/predicate.js';
export type { ClaimExpectation, ClaimExpectations, ClaimCheck, ClaimScalar } from './token/claim-rules.js';
export type { Guard, IdentityCheck } from './guards/guard.js';
export { readClaim } from './token/claim-path.js';
export type { ClaimPath } from './token/claim-path.js';
export { createRequestAuthenticator, authErrorResponse } from './http/request.js';
export type { RequestLike, TokenLocations, RequestAuthOptions, RequestAuthenticator, AuthErrorResponse } from './http/request.js';
export { SUPPORTED_ALGORITHMS, HMAC_ALGORITHMS } from './keys/algorithms.js';
export type { Algorithm, AsymmetricAlgorithm, HmacAlgorithm } from './keys/algorithms.js';
export type { SharedSecret } from './keys/secret.js';
export type { KeySourceEvent } from './events.js';
export type { KeySource, KeySourceHealth, VerificationKey } from './keys/key-source.js';
export { resolveVerifier, MISCONFIGURED_RESPONSE } from './http/adapter-support.js';
export type { ResolvedVerifier } from './http/adapter-support.js';
export { decodeUnverified } from './token/decode.js';
export type { UnverifiedToken } from './token/decode.js';
export { AuthStartupError } from './net/startup-failure.js';
export type { StartupFailureReason } from './net/startup-failure.js';
export { checkAdapterOptionNames, VERIFIER_OPTION_KEYS } from './config/option-keys.js';
export { describeType, keysOf, rejectUnknownKeys, suggestKey, unknownKeyProblem } from './config/known-keys.js';
export type { ArgumentKeys, ArgumentKind, OptionKeys } from './config/known-keys.js';
export { verifierOptionsFromEnv, ENV_VARIABLES } from './config/env.js';
export { providerVariables } from './config/provider-env.js';
export type { ProviderVariable } from './config/provider-env.js';
export { createTokenExchange } from './exchange/token-exchange.js';
export { TokenExchangeError } from './exchange/errors.js';
export { TOKEN_TYPE } from './exchange/types.js';
export type { TokenExchange, TokenExchangeOptions, ExchangeRequest, ExchangedToken, ExchangeCacheOptions, ExchangeMode } from './exchange/types.js';
export { resolveTokenExchange } from './exchange/bind.js';
export type { Actor } from './token/actor.js';
export { MAX_ACTOR_DEPTH } from './token/actor.js';
export type { TokenKind, TokenKindOption } from './token/kind.js';
export { requireActorGuard, requireDirectCallGuard, requireUserGuard, requireClientGuard, requireWorkloadGuard } from './guards/delegation.js';
export type { ActorPredicate, ActorMatch } from './guards/delegation.js';
export { createWorkloadAuthenticator } from './workload/authenticator.js';
export type {
  WorkloadOptions,
  WorkloadTokenOptions,
  WorkloadCertificateOptions,
  WorkloadDefaults,
  WorkloadAuthenticator,
} from './workload/authenticator.js';
export { createIdentityForwarder } from './http/forward-identity.js';
export type { ForwardIdentityOptions, IdentityForwarder } from './http/forward-identity.js';
export { IDENTITY_ASSERTION_TYP, IDENTITY_ASSERTION_HEADER } from './http/identity-assertion.js';
export type { IdentitySigningOptions } from './http/identity-assertion.js';
export { canonicalHeaderName, DEFAULT_IDENTITY_HEADERS } from './http/identity-headers.js';
export { providers, PROVIDER_ARGUMENTS, providerNamed, presetOptions } from './providers/index.js';
export type {
  ProviderOptions,
  ProviderName,
  Auth0Arguments,
  AwsAlbArguments,
  CognitoArguments,
  EntraArguments,
  FirebaseArguments,
  GithubActionsArguments,
  GoogleArguments,
  KeycloakArguments,
  KubernetesArguments,
  OktaArguments,
  SpiffeOptions,
  SpiffeBundle,
} from './providers/index.js';
export type { HeaderRuleOptions } from './token/header-rules.js';
export type { PemKeyOptions } from './keys/pem-options.js';
export type { BindingOptions } from './binding/authenticate.js';
export type { DpopOptions, MtlsOptions } from './binding/options.js';
export type { ReplayCache } from './binding/replay.js';
export type { SocketLike, CertificateLocation, ProxiedCertificate } from './binding/mtls.js';
export { createHmacNonce } from './binding/nonce.js';
export type { DpopNonce, HmacNonceOptions } from './binding/nonce.js';
export { createMemoryReplayCache } from './binding/replay.js';
