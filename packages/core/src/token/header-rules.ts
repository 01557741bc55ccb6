import { AuthError } from '../errors.js';
import { fail } from '../config/validate.js';

/**
 * Rules on a token's protected header beyond `alg`, `kid`, `typ` and `crit`, for providers whose tokens are told
 * apart by their header: Microsoft Graph tokens carry a `nonce` (and cannot be verified by anyone but Graph), and
 * AWS load balancers name themselves in `signer`. Checked before any key lookup, so a refused token costs no fetch.
 */
export interface HeaderRuleOptions {
  /**
   * Header parameters that make a token unacceptable, each with why (a fixed sentence from your configuration, logged
   * as the refusal's `detail`; never sent to the client). Example: `{ nonce: 'a Microsoft Graph token' }`. Off by default.
   */
  refuseHeaders?: Readonly<Record<string, string>>;
  /**
   * Header parameters that must be present with one of the given string values, e.g. `{ signer: albArn }`. Compared
   * as exact strings. Off by default.
   */
  requireHeaders?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Accept `=` padding at the end of each base64url segment, as AWS Application Load Balancers send in
   * `x-amzn-oidc-data` (RFC 7515 forbids it). The padding must be exact (to a multiple of 4 characters) and the
   * signature is checked over the segments as sent, padding included. Default false: every other token stays strict.
   */
  paddedSegments?: boolean;
}

export interface NormalizedHeaderRules {
  refuse: ReadonlyArray<readonly [string, string]>;
  require: ReadonlyArray<readonly [string, readonly string[]]>;
  paddedSegments: boolean;
}

const PARAMETER = /^[A-Za-z0-9_.-]{1,64}$/;
const CORE_PARAMETERS = new Set(['alg', 'kid', 'typ', 'crit']);

export function normalizeHeaderRules(options: HeaderRuleOptions): NormalizedHeaderRules {
  const refuse = Object.entries(options.refuseHeaders ?? {}).map(([name, why]) => {
    if (!PARAMETER.test(name) || CORE_PARAMETERS.has(name))
      fail(`refuseHeaders: ${JSON.stringify(name)} is not a header parameter you can refuse (alg, kid, typ and crit have their own options)`);
    if (typeof why !== 'string' || why === '') fail(`refuseHeaders.${name} must say why, as a non-empty string (it goes to the logs)`);
    return [name, why] as const;
  });
  const require = Object.entries(options.requireHeaders ?? {}).map(([name, expected]) => {
    if (!PARAMETER.test(name) || CORE_PARAMETERS.has(name))
      fail(`requireHeaders: ${JSON.stringify(name)} is not a header parameter you can require (alg, kid, typ and crit have their own options)`);
    const values = typeof expected === 'string' ? [expected] : expected;
    if (!Array.isArray(values) || values.length === 0 || values.some((value) => typeof value !== 'string' || value === '')) {
      fail(`requireHeaders.${name} must be a non-empty string or a non-empty array of them`);
    }
    return [name, Object.freeze([...values])] as const;
  });
  if (options.paddedSegments !== undefined && typeof options.paddedSegments !== 'boolean') fail('paddedSegments must be true or false');
  return { refuse, require, paddedSegments: options.paddedSegments === true };
}

/** Throws the refusal for the first rule the header breaks. */
export function checkHeaderRules(header: Readonly<Record<string, unknown>>, rules: NormalizedHeaderRules, realm: string): void {
  for (const [name, why] of rules.refuse) {
    if (header[name] !== undefined) throw new AuthError('header_refused', { realm, detail: `${name} header present: ${why}` });
  }
  for (const [name, accepted] of rules.require) {
    const value = header[name];
    if (typeof value !== 'string' || !accepted.includes(value)) throw new AuthError('header_mismatch', { realm, detail: `${name} header` });
  }
}
