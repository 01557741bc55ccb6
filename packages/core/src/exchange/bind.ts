import type { Identity } from '../identity.js';
import { createTokenExchange } from './token-exchange.js';
import type { ExchangeRequest, TokenExchange, TokenExchangeOptions } from './types.js';

/**
 * The identity with `exchange(request)` bound to the token it was verified from: what adapters attach when given
 * `tokenExchange`. A copy (the verified identity is shared by every request with that token); the token itself is
 * only held by the closure, so serialising or logging the identity never shows it.
 */
export function withExchange<C extends object>(
  answer: Identity<C> | Promise<Identity<C>>,
  token: string,
  exchanger: TokenExchange,
): Identity<C> | Promise<Identity<C>> {
  // Same prototype as the verified identity (its derived members, e.g. expiresAt, keep working).
  const bind = (identity: Identity<C>): Identity<C> =>
    Object.freeze(Object.assign(Object.create(Object.getPrototypeOf(identity) as object) as object, identity, {
      exchange: (request: ExchangeRequest) => exchanger.exchange(token, request),
    })) as Identity<C>;
  return answer instanceof Promise ? answer.then(bind) : bind(answer);
}

/** An adapter's `tokenExchange` option: a client made by `createTokenExchange`, or the options to make one. */
export function resolveTokenExchange(value: TokenExchange | TokenExchangeOptions | undefined): TokenExchange | undefined {
  if (value === undefined) return undefined;
  return value !== null && typeof (value as Partial<TokenExchange>).exchange === 'function'
    ? (value as TokenExchange)
    : createTokenExchange(value as TokenExchangeOptions);
}
