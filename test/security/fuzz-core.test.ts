/**
 * Property tests (fast-check) against core under the strict profile (remote JWKS on 127.0.0.1):
 * - any Authorization header value(s) → an AuthError (400/401), never another error, never acceptance;
 * - any token-shaped string (3 base64url parts of arbitrary JSON or bytes, real kids and algs mixed in) → an
 *   AuthError (401), never another error;
 * - any byte-level mutation of a valid token (replace, insert, delete, in any part, 1-3 times) → refused: core
 *   requires canonical base64url, so not even a respelling of the same bytes verifies;
 * - nothing hangs (a per-run timeout), and the trap server hears nothing.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createRequestAuthenticator, createVerifier, isAuthError, type AuthError, type RequestLike } from '@authgate/core';
import { b64, createSecurityContext, type SuiteKey } from './context.js';

const ctx = await createSecurityContext();
const verifier = createVerifier(ctx.profiles.strict);
const authenticate = createRequestAuthenticator(verifier);
await verifier.ready();

afterAll(async () => {
  verifier.close();
  await ctx.close();
});

// FUZZ_DIST=1 prints how far the generated inputs got (by refusal reason): a check that the fuzzing is not shallow.
const dist = new Map<string, number>();
afterAll(() => {
  if (process.env.FUZZ_DIST) console.info([...dist.entries()].sort((a, b) => b[1] - a[1]));
});
/** Per run: a run longer than this is a hang. */
const RUN_TIMEOUT_MS = 2000;

async function refused(run: () => unknown, statuses: readonly number[]): Promise<AuthError> {
  let outcome: unknown;
  try {
    outcome = await run();
  } catch (error) {
    if (!isAuthError(error)) throw new Error(`not an AuthError: ${(error as Error)?.name}: ${(error as Error)?.message}`);
    if (!statuses.includes(error.status)) throw new Error(`status ${error.status} (${error.reason}) not in ${statuses.join('/')}`);
    if (process.env.FUZZ_DIST) dist.set(error.reason, (dist.get(error.reason) ?? 0) + 1);
    return error;
  }
  throw new Error(`ACCEPTED: ${JSON.stringify(outcome)?.slice(0, 200)}`);
}

function request(values: readonly string[]): RequestLike {
  const rawHeaders: string[] = [];
  for (const value of values) rawHeaders.push('Authorization', value);
  return { headers: { authorization: values[0] }, rawHeaders };
}

const k = ctx.keys;
const realKids = [k.rs256.kid, k.ps256.kid, k.es256.kid, k.eddsa.kid, k.rs384.kid, k.rsaNoAlg.kid, k.ecNoAlg.kid];
const algs = ['RS256', 'PS256', 'ES256', 'EdDSA', 'RS384', 'ES384', 'HS256', 'none', 'None', 'Ed25519', 'rs256', ''];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------------------------

const anyString = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'binary-ascii', maxLength: 400 }),
);
const token68ish = fc.string({ unit: fc.constantFrom(...`${B64URL}.~+/= `.split('')), maxLength: 600 });
const scheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'DPoP', 'Token', '', 'Bearer,', 'Bearer=');
const separator = fc.constantFrom(' ', '  ', '\t', '', ', ', '\u00a0');
const headerValue = fc.oneof(
  anyString,
  fc.tuple(scheme, separator, fc.oneof(token68ish, anyString)).map(([s, sep, t]) => `${s}${sep}${t}`),
  fc.tuple(scheme, token68ish, token68ish).map(([s, a, b]) => `${s} ${a} ${b}`),
);

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', '__proto__', 'constructor', ...realKids),
  fc.string({ maxLength: 40 }),
);
const headerObject = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.record({ alg: fc.constantFrom('RS256', 'PS256', 'ES256', 'EdDSA'), kid: fc.constantFrom(...realKids), typ: fc.constant('at+jwt') }),
  },
  fc.record(
    {
      // Mostly plausible values, so that many runs get past the header to the key lookup and the signature check.
      alg: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('RS256', 'PS256', 'ES256', 'EdDSA') },
        { weight: 1, arbitrary: fc.constantFrom(...algs) },
        { weight: 1, arbitrary: hostileValue },
      ),
      kid: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...realKids) }, { weight: 1, arbitrary: hostileValue }),
      typ: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('at+jwt', 'application/at+jwt') },
        { weight: 1, arbitrary: fc.constantFrom('JWT') },
        { weight: 1, arbitrary: hostileValue },
      ),
      crit: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
      jku: fc.constant(`${ctx.trapUrl}/jwks.json`),
      x5u: fc.constant(`${ctx.trapUrl}/x5u`),
      jwk: fc.constant(k.attackerRsa.jwk),
      b64: fc.boolean(),
      extra: hostileValue,
    },
    { requiredKeys: ['alg'] },
  ),
);
const payloadObject = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          iss: fc.oneof({ weight: 4, arbitrary: fc.constant(ctx.issuer) }, { weight: 1, arbitrary: hostileValue }),
          aud: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(ctx.audience, [ctx.audience]) }, { weight: 1, arbitrary: hostileValue }),
          exp: fc.oneof(
            { weight: 4, arbitrary: fc.constant(ctx.now + 600) },
            { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), hostileValue) },
          ),
          nbf: fc.oneof(fc.integer(), hostileValue),
          iat: fc.oneof(fc.constant(ctx.now), fc.integer(), hostileValue),
          sub: hostileValue,
          scope: hostileValue,
          scp: hostileValue,
        },
        { requiredKeys: [] },
      )
      .map((claims) => claims as Record<string, unknown>),
  },
);
/** A segment: base64url of JSON, of arbitrary bytes, or an arbitrary string. */
const segment = (json: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: json.map((value) => b64(JSON.stringify(value) ?? 'null')) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => b64(Buffer.from(bytes))) },
    { weight: 1, arbitrary: anyString },
  );
const signature = fc.oneof(
  fc.constant(''),
  fc.uint8Array({ minLength: 1, maxLength: 520 }).map((bytes) => b64(Buffer.from(bytes))),
  fc.constantFrom(64, 256).map((n) => b64(Buffer.alloc(n))),
  token68ish,
);
const tokenShaped = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(segment(headerObject), segment(payloadObject), signature).map((parts) => parts.join('.')) },
  { weight: 1, arbitrary: fc.array(segment(fc.jsonValue({ maxDepth: 2 })), { maxLength: 7 }).map((parts) => parts.join('.')) },
  { weight: 1, arbitrary: anyString },
);

type Mutation = { kind: 'replace' | 'insert' | 'delete'; at: number; char: string };
const mutationChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...`${B64URL}.`.split('')) },
  { weight: 2, arbitrary: fc.constantFrom('=', '+', '/', ' ', '\t', '\n', '\u0000', '%', '~') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace', 'replace', 'replace', 'insert', 'delete'),
  at: fc.nat(),
  char: mutationChar,
});

function mutate(token: string, mutations: readonly Mutation[]): string {
  let out = token;
  for (const { kind, at, char } of mutations) {
    const i = at % (out.length + (kind === 'insert' ? 1 : 0));
    if (kind === 'replace') out = `${out.slice(0, i)}${char}${out.slice(i + 1)}`;
    else if (kind === 'insert') out = `${out.slice(0, i)}${char}${out.slice(i)}`;
    else out = `${out.slice(0, i)}${out.slice(i + 1)}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

describe('fuzz: the Authorization header', () => {
  it('any header value (or several) ends in an AuthError of status 400 or 401', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: headerValue.map((value) => [value]) },
          { weight: 1, arbitrary: fc.array(headerValue, { minLength: 2, maxLength: 3 }) },
        ),
        async (values) => {
          await refused(() => authenticate(request(values)), [400, 401]);
        },
      ),
      { numRuns: 1000, timeout: RUN_TIMEOUT_MS },
    );
  });
});

describe('fuzz: token-shaped strings', () => {
  it('any three-part (or other) string ends in an AuthError of status 401, directly and through the header', async () => {
    await fc.assert(
      fc.asyncProperty(tokenShaped, async (token) => {
        await refused(() => verifier.verify(token), [401]);
        await refused(() => authenticate(request([`Bearer ${token}`])), [400, 401]);
      }),
      { numRuns: 600, timeout: RUN_TIMEOUT_MS },
    );
  });
});

describe('fuzz: mutations of a valid token', () => {
  const keys: SuiteKey[] = [k.rs256, k.ps256, k.es256, k.eddsa];
  it.each(keys.map((key) => [key.alg, key] as const))('no mutation of a valid %s token verifies', async (_alg, key) => {
    const token = ctx.mint(key);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const mutated = mutate(token, mutations);
        fc.pre(mutated !== token);
        await refused(() => verifier.verify(mutated), [401]);
      }),
      { numRuns: 300, timeout: RUN_TIMEOUT_MS },
    );
    // The original still verifies (from the cache or not): the mutations did not poison anything.
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });
});

describe('fuzz: afterwards', () => {
  it('the trap server received zero requests', () => {
    expect(ctx.trapRequests).toEqual([]);
  });
});
