import { fail } from '../config/validate.js';
import { AuthConfigError } from '../errors.js';
import { assertFetchableUrl } from '../net/url-policy.js';

export interface PemKeyOptions {
  /**
   * Where each key is, when an issuer publishes one PEM public key per `kid` instead of a JWK Set (AWS Application
   * Load Balancers: `https://public-keys.auth.elb.<region>.amazonaws.com/{kid}`). A URL template holding `{kid}`
   * once; the token's kid is put there only when it is a plain identifier (letters, digits, `-`, `_`, `.`), so a
   * token can never choose another host or path. Keys are cached and refetched like a JWKS (`jwksOptions`). Not
   * together with `jwks` or `jwksUri`.
   */
  publicKeyUri?: string;
}

/** The kid placeholder of `publicKeyUri`. */
export const KID_PLACEHOLDER = '{kid}';

export function normalizePublicKeyUri(
  options: PemKeyOptions & { jwks?: unknown; jwksUri?: unknown; allowInsecureHttp?: boolean },
): string | undefined {
  const template = options.publicKeyUri;
  if (template === undefined) return undefined;
  if (typeof template !== 'string' || template.split(KID_PLACEHOLDER).length !== 2) {
    fail('publicKeyUri must be a URL template holding {kid} exactly once, e.g. https://public-keys.auth.elb.eu-west-1.amazonaws.com/{kid}');
  }
  if (options.jwks !== undefined || options.jwksUri !== undefined) fail('give either publicKeyUri or jwks/jwksUri, not both');
  try {
    assertFetchableUrl(template.replace(KID_PLACEHOLDER, 'kid'), options.allowInsecureHttp === true, 'publicKeyUri');
  } catch (error) {
    if (error instanceof AuthConfigError) fail(error.message);
    throw error;
  }
  // The kid goes into the path: it must come after the host, never decide it.
  const beforeKid = template.slice(0, template.indexOf(KID_PLACEHOLDER));
  if (!/^https?:\/\/[^/?#]+\/.*$/.test(beforeKid)) fail('publicKeyUri must put {kid} in the path or query, after the host');
  return template;
}
