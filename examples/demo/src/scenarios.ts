import type { TestIssuer } from '@authgate/testing';

/** What a scripted request should get: a status, and for auth failures the RFC 6750 error code (`-` for none). */
export interface Expected {
  status: number;
  error?: string;
}

export interface Scenario {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  expected: Expected;
  /** Builds the Authorization header (may change the issuer, e.g. rotate its key); undefined sends none. */
  authorization?: (issuer: TestIssuer) => Promise<string>;
  body?: unknown;
  /** Runs after both APIs answered, e.g. to bring the identity provider back. */
  after?: (issuer: TestIssuer) => void;
}

const AUDIENCE = 'orders-api';
const reader = { sub: 'alice', tenant: 'acme', scope: 'orders:read' };
const bearer = (token: Promise<string>) => token.then((value) => `Bearer ${value}`);

/** The demo's script, in order. Each line is one request sent to the Express API and to the Fastify API. */
export const scenarios: Scenario[] = [
  { name: 'public route, no token', path: '/health', expected: { status: 200 } },
  { name: 'valid token with orders:read', path: '/orders', expected: { status: 200 }, authorization: (i) => bearer(i.sign(reader)) },
  {
    name: 'valid token with orders:write, POST',
    method: 'POST',
    path: '/orders',
    body: { item: 'coffee beans', quantity: 3 },
    expected: { status: 201 },
    authorization: (i) => bearer(i.sign({ ...reader, scope: 'orders:write' })),
  },
  { name: 'no token', path: '/orders', expected: { status: 401, error: '-' } },
  { name: 'another scheme (Basic)', path: '/orders', expected: { status: 401, error: '-' }, authorization: async () => 'Basic YWxpY2U6c2VjcmV0' },
  {
    name: 'malformed header (two values)',
    path: '/orders',
    expected: { status: 400, error: 'invalid_request' },
    authorization: async () => 'Bearer abc def',
  },
  { name: 'expired token', path: '/orders', expected: { status: 401, error: 'invalid_token' }, authorization: (i) => bearer(i.bad.expired(reader)) },
  {
    name: 'not yet valid (nbf in 1 h)',
    path: '/orders',
    expected: { status: 401, error: 'invalid_token' },
    authorization: (i) => bearer(i.bad.notYetValid(reader)),
  },
  {
    name: 'wrong audience (billing-api)',
    path: '/orders',
    expected: { status: 401, error: 'invalid_token' },
    authorization: (i) => bearer(i.bad.wrongAudience(reader, {}, 'billing-api')),
  },
  {
    name: 'wrong issuer',
    path: '/orders',
    expected: { status: 401, error: 'invalid_token' },
    authorization: (i) => bearer(i.bad.wrongIssuer(reader)),
  },
  {
    name: 'missing scope (POST needs orders:write)',
    method: 'POST',
    path: '/orders',
    body: { item: 'tea', quantity: 1 },
    expected: { status: 403, error: 'insufficient_scope' },
    authorization: (i) => bearer(i.sign(reader)),
  },
  {
    name: 'any-of scopes (admin on /reports)',
    path: '/reports',
    expected: { status: 200 },
    authorization: (i) => bearer(i.sign({ ...reader, scope: 'admin' })),
  },
  {
    name: 'alg: none (unsigned)',
    path: '/orders',
    expected: { status: 401, error: 'invalid_token' },
    authorization: (i) => bearer(i.bad.algNone(reader)),
  },
  {
    name: 'HS256 signed with the RSA public key',
    path: '/orders',
    expected: { status: 401, error: 'invalid_token' },
    authorization: (i) => bearer(i.bad.hmacConfusion(reader)),
  },
  {
    name: 'tampered payload (sub changed)',
    path: '/orders',
    expected: { status: 401, error: 'invalid_token' },
    authorization: (i) => bearer(i.bad.tampered(reader)),
  },
  {
    name: 'unknown signing key (kid)',
    path: '/orders',
    expected: { status: 401, error: 'invalid_token' },
    authorization: (i) => bearer(i.bad.unknownKid(reader)),
  },
  {
    name: 'token without exp',
    path: '/orders',
    expected: { status: 401, error: 'invalid_token' },
    authorization: (i) => bearer(i.bad.missingExp(reader)),
  },
  {
    name: 'rotated key: first token of the new key',
    path: '/orders',
    expected: { status: 200 },
    authorization: async (i) => {
      await i.rotate();
      return bearer(i.sign(reader));
    },
  },
  {
    name: 'identity provider down, keys cached',
    path: '/orders',
    expected: { status: 200 },
    authorization: async (i) => {
      i.jwks.down();
      return bearer(i.sign(reader));
    },
    after: (i) => i.jwks.recover(),
  },
];

export { AUDIENCE };
