import { argumentsOf, insecureHttp, stringList, urlArgument, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface KubernetesArguments extends InsecureHttpArgument {
  /** The cluster's service-account issuer (`--service-account-issuer`), e.g. `https://kubernetes.default.svc.cluster.local`. */
  issuer: string;
  /** The audience of the projected token (`serviceAccountToken.audience` in the pod spec). */
  audience: string | readonly string[];
  /** The cluster's JWKS URL; omitted, it is found by discovery from the issuer. */
  jwksUri?: string;
}

/** Every argument, how it is written in an `AUTHGATE_KUBERNETES_*` variable, and whether it is required. */
export const KUBERNETES_ARGUMENTS: ArgumentKeys<KubernetesArguments> = {
  issuer: 'string',
  audience: 'list',
  jwksUri: 'string?',
  allowInsecureHttp: 'boolean?',
};

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?:[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

/** A projected service-account token's subject: `system:serviceaccount:<namespace>:<name>`. */
function serviceAccountSubject(value: unknown): boolean {
  return typeof value === 'string' && SERVICE_ACCOUNT_SUBJECT.test(value);
}

/**
 * Kubernetes projected service-account tokens (RS256 or ES256): subject `system:serviceaccount:<ns>:<name>`, keys
 * from `jwksUri` or the issuer's discovery. `identity.kind` is `'client'`: a service account is a workload.
 */
export function kubernetes(args: KubernetesArguments): ProviderOptions {
  const given = argumentsOf(
    'kubernetes',
    args,
    "{ issuer: 'https://kubernetes.default.svc.cluster.local', audience: 'orders-api' }",
    KUBERNETES_ARGUMENTS,
  );
  urlArgument('kubernetes', 'issuer', given.issuer, given, "'https://kubernetes.default.svc.cluster.local'");
  const jwksUri =
    given.jwksUri === undefined
      ? undefined
      : urlArgument('kubernetes', 'jwksUri', given.jwksUri, given, "'https://kubernetes.default.svc/openid/v1/jwks'").href;
  return {
    issuer: given.issuer,
    audience: stringList('kubernetes', 'audience', given.audience, "'orders-api'"),
    algorithms: ['RS256', 'ES256'],
    ...(jwksUri === undefined ? {} : { jwksUri }),
    requiredClaims: ['sub'],
    claims: { sub: serviceAccountSubject },
    tokenKind: 'client',
    ...insecureHttp(given),
  };
}
