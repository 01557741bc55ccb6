/**
 * Type tests, compiled by `tsc -p test/tsconfig.types.json` (types.test.ts runs it; so does `pnpm typecheck`).
 * Never executed. Each `@ts-expect-error` proves a wrong use does not compile: if it ever compiled, tsc would fail
 * on the unused directive.
 */
import express, { type ErrorRequestHandler } from 'express';
import {
  AuthError,
  createVerifier,
  jwtAuth,
  requireAnyScope,
  requireScope,
  type Identity,
  type JwtAuthMiddleware,
  type Verifier,
} from '@authgate/express';

// The app's custom claims, declared once for every req.auth.
declare module '@authgate/express' {
  interface AuthClaims {
    tenant: string;
    roles?: string[];
  }
}

const options = { issuer: 'https://idp.example.com/', audience: 'orders-api', algorithms: ['RS256'] } as const;
const app = express();
const auth = jwtAuth({ ...options, jwksUri: 'https://idp.example.com/jwks' });
app.use(auth);
express.Router().use(jwtAuth({ ...options, optional: true, tokenLocations: { cookie: 'access_token' }, passErrors: true }));

app.get('/orders', requireScope('orders:read'), requireAnyScope('a', 'b'), (req, res) => {
  // @ts-expect-error req.auth is Identity | null | undefined until checked
  void req.auth.subject;
  if (!req.auth) return void res.status(401).end();
  const tenant: string = req.auth.claims.tenant;
  const roles: string[] | undefined = req.auth.claims.roles;
  const subject: string | undefined = req.auth.subject;
  const scopes: readonly string[] = req.auth.scopes;
  const issuer: string = req.auth.claims.iss;
  const expiresAt: Date = req.auth.expiresAt;
  // @ts-expect-error a typo'd claim is `unknown`, not a string: it cannot be used as one
  void req.auth.claims.tenat.toUpperCase();
  // @ts-expect-error tenant is a string
  const wrongType: number = req.auth.claims.tenant;
  // @ts-expect-error claims are read-only
  req.auth.claims.tenant = 'other';
  // @ts-expect-error scopes are read-only
  req.auth.scopes.push('admin');
  res.json({ tenant, roles, subject, scopes, issuer, expiresAt, wrongType });
});

// Scope lists are strings, one per argument.
// @ts-expect-error not a string
requireScope(1);
// @ts-expect-error not a string
requireAnyScope('reports:read', 2);
// @ts-expect-error one argument per scope, not an array
requireScope(['orders:read']);

// The verifier options are checked: required fields, algorithms, adapter options.
// @ts-expect-error issuer, audience and algorithms are required
jwtAuth({});
// @ts-expect-error algorithms is required
jwtAuth({ issuer: 'https://idp.example.com/', audience: 'orders-api', jwksUri: 'https://idp.example.com/jwks' });
// @ts-expect-error HMAC is not an accepted algorithm
jwtAuth({ ...options, algorithms: ['HS256'] });
// @ts-expect-error optional is a boolean
jwtAuth({ ...options, optional: 'yes' });
// @ts-expect-error a cookie location is the cookie's name
jwtAuth({ ...options, tokenLocations: { cookie: true } });
// @ts-expect-error unknown option (typo of optional)
jwtAuth({ ...options, optinal: true });

// A shared verifier, typed by the generic: either the verifier or its options, never both.
interface PlanClaims {
  plan: 'free' | 'pro';
}
const verifier = createVerifier<PlanClaims>({ ...options, jwksUri: 'https://idp.example.com/jwks' });
const shared: JwtAuthMiddleware<PlanClaims> = jwtAuth({ verifier, optional: true });
const sameVerifier: Verifier<PlanClaims> = shared.verifier;
const typed = jwtAuth<PlanClaims>({ ...options, jwksUri: 'https://idp.example.com/jwks' });
const plan: Promise<'free' | 'pro'> = typed.verifier.verify('token').then((identity: Identity<PlanClaims>) => identity.claims.plan);
// @ts-expect-error verifier options next to a verifier would be ignored
jwtAuth({ verifier, audience: 'other-api' });
// @ts-expect-error the verifier's claims type must match the generic
jwtAuth<{ other: number }>({ verifier });
void [sameVerifier, plan];

// The middleware exposes the verifier's lifecycle.
const ready: Promise<void> = auth.verifier.ready();
const healthy: boolean = auth.verifier.health().ok;
auth.verifier.close();
void [ready, healthy];

// passErrors: the AuthError reaches error handlers with its HTTP status.
const onError: ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof AuthError)) return next(err);
  const status: 400 | 401 | 403 | 503 = err.status;
  res.status(status).json({ reason: err.reason });
};
app.use(onError);
