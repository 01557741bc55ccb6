// Compiled by `tsc -p test/tsconfig.json` (the package's typecheck, and types.test.ts). Every `@ts-expect-error`
// line must fail to compile, or tsc reports the directive as unused: this file proves wrong uses are refused.
import { createVerifier } from '@authgate/core';
import Fastify, { type preHandlerHookHandler } from 'fastify';
import jwtAuth, { type JwtAuthOptions } from '@authgate/fastify';

declare module '@authgate/fastify' {
  interface AuthClaims {
    tenant: string;
    roles?: string[];
  }
}

export async function typeChecks(): Promise<void> {
  const app = Fastify();
  const verifierOptions = { issuer: 'https://idp.example.com/', audience: 'api', algorithms: ['RS256'] } as const;
  await app.register(jwtAuth, { ...verifierOptions, jwksUri: 'https://idp.example.com/jwks', optional: true, tokenLocations: { cookie: 'at' } });
  await app.register(jwtAuth, { verifier: createVerifier(verifierOptions) });
  const named: JwtAuthOptions = { verifier: createVerifier<{ tenant: string }>(verifierOptions), optional: false };
  void named;

  // @ts-expect-error a verifier and verifier options are exclusive
  await app.register(jwtAuth, { verifier: createVerifier(verifierOptions), issuer: 'https://other.example.com/' });
  // HMAC takes a shared secret (HS256 without one is refused at start-up); the secret is a string, bytes or a KeyObject.
  await app.register(jwtAuth, { ...verifierOptions, algorithms: ['HS256'], secret: 'a-shared-secret-of-at-least-32-bytes' });
  // @ts-expect-error a secret is a string, a Uint8Array or a KeyObject
  await app.register(jwtAuth, { ...verifierOptions, algorithms: ['HS256'], secret: 42 });
  // @ts-expect-error HS1 is no algorithm
  await app.register(jwtAuth, { ...verifierOptions, algorithms: ['HS1'] });
  // @ts-expect-error optional is a boolean
  await app.register(jwtAuth, { ...verifierOptions, optional: 'yes' });

  app.get('/orders', { preHandler: app.requireScope('orders:read'), config: { auth: 'optional' } }, async (request) => {
    // @ts-expect-error request.auth is null until verified (and on anonymous requests)
    void request.auth.subject;
    const identity = request.auth;
    if (identity === null) return { anonymous: true };
    const tenant: string = identity.claims.tenant;
    const roles: string[] | undefined = identity.claims.roles;
    const issuer: string = identity.claims.iss;
    const expires: number = identity.claims.exp;
    const scopes: readonly string[] = identity.scopes;
    const subject: string | undefined = identity.subject;
    // @ts-expect-error a subject may be absent (client-credentials tokens)
    const mustHave: string = identity.subject;
    // @ts-expect-error the custom claim is a string
    const wrong: number = identity.claims.tenant;
    // @ts-expect-error the identity is read-only
    identity.subject = 'someone-else';
    // @ts-expect-error verified claims are read-only
    identity.claims.tenant = 'other';
    // @ts-expect-error the scope list is read-only
    identity.scopes.push('admin');
    return { tenant, roles, issuer, expires, scopes, subject, wrong, mustHave };
  });

  app.get('/public', { config: { auth: false } }, async () => ({}));
  app.get('/strict', { config: { auth: 'required' } }, async () => ({}));
  // @ts-expect-error config.auth is a boolean, 'optional' or 'required'
  app.get('/typo', { config: { auth: 'optinal' } }, async () => ({}));

  // Scope guards fit routes with their own generics.
  app.get<{ Params: { id: string } }>(
    '/orders/:id',
    { preHandler: [app.requireAnyScope('orders:read', 'admin')] },
    async (request) => request.params.id,
  );
  const guard: preHandlerHookHandler = app.requireScope('a', 'b');
  void guard;
  // @ts-expect-error scopes are strings
  app.requireScope(42);

  const ready: Promise<void> = app.authVerifier.ready();
  const healthy: boolean = app.authVerifier.health().ok;
  void ready;
  void healthy;
  // @ts-expect-error the verifier is typed, not any
  app.authVerifier.refresh();
}
