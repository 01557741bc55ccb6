import { fail, nonNegativeSeconds, positiveInteger } from '../config/validate.js';
import { getDefaultLogger } from '../logger.js';
import { CLIENT_CREDENTIAL_KEYS, normalizeClientAuth, type ClientCredentials, type NormalizedClientAuth } from '../net/client-auth.js';
import { describeType, expectBoolean, keysOf, rejectUnknownKeys, type OptionKeys } from '../config/known-keys.js';
import { assertFetchableUrl } from '../net/url-policy.js';
import { discoveryUrls } from '../keys/discovery.js';
import type { AuthLogger } from '../options.js';
import { TOKEN_TYPE, type ExchangeCacheOptions, type ExchangeMode, type TokenExchangeOptions } from './types.js';

export interface NormalizedExchangeOptions {
  /** The fixed endpoint, or `undefined` to discover it from `issuer`. */
  tokenEndpoint: string | undefined;
  issuer: string | undefined;
  mode: ExchangeMode;
  subjectTokenType: string;
  client: NormalizedClientAuth;
  /** The client secret, kept only to cut it out of a server's error text. */
  secret: string | undefined;
  cache: { maxEntries: number; refreshBefore: number } | false;
  timeout: number;
  maxResponseBytes: number;
  allowInsecureHttp: boolean;
  logger: AuthLogger;
}

const PATH = 'tokenExchange';

/** `createTokenExchange`'s own keys (its client credentials are `CLIENT_CREDENTIAL_KEYS`). */
export const TOKEN_EXCHANGE_OPTION_KEYS: OptionKeys<Omit<TokenExchangeOptions, keyof ClientCredentials>> = {
  issuer: true,
  tokenEndpoint: true,
  mode: true,
  subjectTokenType: true,
  cache: true,
  timeout: true,
  maxResponseBytes: true,
  allowInsecureHttp: true,
  logger: true,
};

export const EXCHANGE_CACHE_OPTION_KEYS: OptionKeys<ExchangeCacheOptions> = { maxEntries: true, refreshBefore: true };

/** Validates once, at construction; every message names the field (`tokenExchange.…`) and the fix. */
export function normalizeExchangeOptions(options: TokenExchangeOptions): NormalizedExchangeOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail(`${PATH} must be an object: { issuer | tokenEndpoint, clientId, clientSecret | privateKey } (got ${describeType(options)})`);
  rejectUnknownKeys(options, keysOf(TOKEN_EXCHANGE_OPTION_KEYS, CLIENT_CREDENTIAL_KEYS), PATH);
  expectBoolean(`${PATH}.allowInsecureHttp`, options.allowInsecureHttp);
  if (options.cache !== undefined && options.cache !== false) {
    if (options.cache === null || typeof options.cache !== 'object' || Array.isArray(options.cache))
      fail(`${PATH}.cache must be an object ({ maxEntries, refreshBefore }) or false to turn it off (got ${describeType(options.cache)})`);
    rejectUnknownKeys(options.cache, keysOf(EXCHANGE_CACHE_OPTION_KEYS), `${PATH}.cache`);
  }
  const { issuer, tokenEndpoint } = options;
  if ((issuer === undefined) === (tokenEndpoint === undefined))
    fail(`${PATH}: give issuer (the token endpoint is then discovered) or tokenEndpoint, exactly one`);
  const allowInsecureHttp = options.allowInsecureHttp === true;
  if (tokenEndpoint !== undefined) assertFetchableUrl(tokenEndpoint, allowInsecureHttp, `${PATH}.tokenEndpoint`);
  if (issuer !== undefined) {
    if (typeof issuer !== 'string' || issuer === '') fail(`${PATH}.issuer must be the authorization server's issuer URL`);
    discoveryUrls(issuer, allowInsecureHttp);
  }
  const mode = options.mode ?? 'token-exchange';
  if (mode !== 'token-exchange' && mode !== 'on-behalf-of')
    fail(`${PATH}.mode must be 'token-exchange' or 'on-behalf-of' (got ${JSON.stringify(mode)})`);
  const subjectTokenType = options.subjectTokenType ?? TOKEN_TYPE.accessToken;
  if (typeof subjectTokenType !== 'string' || subjectTokenType === '') fail(`${PATH}.subjectTokenType must be a token type URI`);
  const cache =
    options.cache === false
      ? false
      : {
          maxEntries: positiveInteger(`${PATH}.cache.maxEntries`, options.cache?.maxEntries, 1000),
          refreshBefore: nonNegativeSeconds(`${PATH}.cache.refreshBefore`, options.cache?.refreshBefore, 30),
        };
  const timeout = nonNegativeSeconds(`${PATH}.timeout`, options.timeout, 5);
  if (timeout === 0) fail(`${PATH}.timeout must be more than 0 seconds`);
  return {
    tokenEndpoint: tokenEndpoint === undefined ? undefined : new URL(tokenEndpoint).href,
    issuer,
    mode,
    subjectTokenType,
    client: normalizeClientAuth(options, PATH),
    secret: typeof options.clientSecret === 'string' ? options.clientSecret : undefined,
    cache,
    timeout,
    maxResponseBytes: positiveInteger(`${PATH}.maxResponseBytes`, options.maxResponseBytes, 64 * 1024),
    allowInsecureHttp,
    logger: options.logger ?? getDefaultLogger(),
  };
}
