import type { Identity } from '../identity.js';
import { createTokenExchange } from './token-exchange.js';
import type { ExchangeRequest, TokenExchange, TokenExchangeOptions } from './types.js';

/**
 * The identity with `exchange(request)` bound to the token it was verified from: what adapters attach when given
 * `tokenExchange`. A copy (the verified identity is shared by every request with that token) with the same prototype
 * and every property, the non-enumerable `token` included, so derived members (`expiresAt`) and `requireActive()`
 * keep working; serialising or logging the identity never shows the token.
 */
export function withExchange<C extends object>(identity: Identity<C>, token: string, exchanger: TokenExchange): Identity<C> {
  const properties = Object.getOwnPropertyDescriptors(identity) as PropertyDescriptorMap;
  properties.exchange = { value: (request: ExchangeRequest) => exchanger.exchange(token, request), enumerable: true };
  return Object.freeze(Object.create(Object.getPrototypeOf(identity) as object, properties) as Identity<C>);
}

/** An authenticator's answer with `exchange` bound to each identity's own token (anonymous stays anonymous). */
export function bindExchange<C extends object>(
  answer: Identity<C> | Promise<Identity<C> | null>,
  exchanger: TokenExchange,
): Identity<C> | Promise<Identity<C> | null> {
  if (!(answer instanceof Promise)) return withExchange(answer, answer.token, exchanger);
  return answer.then((identity) => (identity === null ? null : withExchange(identity, identity.token, exchanger)));
}

/** An adapter's `tokenExchange` option: a client made by `createTokenExchange`, or the options to make one. */
export function resolveTokenExchange(value: TokenExchange | TokenExchangeOptions | undefined): TokenExchange | undefined {
  if (value === undefined) return undefined;
  return value !== null && typeof (value as Partial<TokenExchange>).exchange === 'function'
    ? (value as TokenExchange)
    : createTokenExchange(value as TokenExchangeOptions);
}
