/**
 * Runs every attack case of cases.ts through core: `createVerifier` (one per profile, remote JWKS on 127.0.0.1)
 * and `createRequestAuthenticator`, plus the route's scope guard when the case names scopes. Each case must be
 * refused with exactly the expected status, reason and RFC 6750 code; the control group must be accepted; and at
 * the end the trap server must have received nothing at all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  authErrorResponse,
  createRequestAuthenticator,
  createScopeGuard,
  createVerifier,
  isAuthError,
  type AuthError,
  type Identity,
  type RequestLike,
  type Verifier,
} from '@authgate/core';
import { ATTACK_CLASSES, buildAcceptCases, buildAttackCases, type AcceptCase, type AttackCase, type Expectation } from './cases.js';
import { b64, compact, createSecurityContext, PROFILE_NAMES, type ProfileName } from './context.js';

const ctx = await createSecurityContext();
const cases = await buildAttackCases(ctx);
const accepts = await buildAcceptCases(ctx);
const verifiers = Object.fromEntries(PROFILE_NAMES.map((name) => [name, createVerifier(ctx.profiles[name])])) as Record<ProfileName, Verifier>;
// The same profiles checking signatures on the thread pool: the other code path must give every answer alike.
const poolVerifiers = Object.fromEntries(
  PROFILE_NAMES.map((name) => [name, createVerifier({ ...ctx.profiles[name], verifyInThreadPool: true })]),
) as Record<ProfileName, Verifier>;

afterAll(async () => {
  for (const verifier of [...Object.values(verifiers), ...Object.values(poolVerifiers)]) verifier.close();
  await ctx.close();
});

/** What a Node HTTP server would hand an adapter for this case. */
function requestFor(c: Pick<AttackCase, 'token' | 'authorization' | 'query' | 'form' | 'cookie'>): RequestLike {
  const values =
    c.authorization === undefined
      ? c.token === undefined
        ? []
        : [`Bearer ${c.token}`]
      : typeof c.authorization === 'string'
        ? [c.authorization]
        : [...c.authorization];
  const rawHeaders: string[] = ['Host', '127.0.0.1'];
  for (const value of values) rawHeaders.push('Authorization', value);
  if (c.cookie !== undefined) rawHeaders.push('Cookie', c.cookie);
  // Node keeps only the first Authorization header in `headers`; the others show in rawHeaders only.
  const headers: Record<string, string | undefined> = { host: '127.0.0.1', authorization: values[0], cookie: c.cookie };
  return { headers, rawHeaders, query: { ...(c.query ?? {}) }, body: c.form === undefined ? undefined : { ...c.form } };
}

async function authenticate(c: AttackCase | AcceptCase, optional = false): Promise<Identity | null> {
  const verifier = verifiers[c.profile];
  const identity = await createRequestAuthenticator(verifier, { optional })(requestFor(c as AttackCase));
  if (optional && identity === null) return null;
  if (c.requiredScopes !== undefined) await createScopeGuard(c.requiredScopes, c.scopeMode ?? 'all', verifier.realm)(identity, undefined);
  if (identity === null) throw new Error('anonymous identity without optional auth');
  return identity;
}

async function refusal(run: () => Promise<unknown>): Promise<AuthError> {
  let outcome: unknown;
  try {
    outcome = await run();
  } catch (error) {
    if (!isAuthError(error)) throw new Error(`expected an AuthError, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
    return error;
  }
  throw new Error(`ACCEPTED (an attack got through): ${JSON.stringify(outcome)?.slice(0, 300)}`);
}

function observed(error: AuthError): Expectation {
  return { status: error.status as Expectation['status'], reason: error.reason, code: error.code };
}

/** Nothing the client sent comes back: not in the message, the challenge, the body or the log detail. */
function expectNoEcho(error: AuthError, c: AttackCase): void {
  const sent = [c.token ?? '', ...(c.authorization === undefined ? [] : [c.authorization].flat())].join('.');
  const echoed = `${error.message} ${error.wwwAuthenticate ?? ''} ${JSON.stringify(error.toJSON())} ${error.detail ?? ''}`;
  for (const piece of sent.split(/[.\s,]+/)) if (piece.length > 8) expect(echoed).not.toContain(piece);
}

describe('the attack list', () => {
  it('covers every attack class, with unique names', () => {
    const names = cases.map((c) => `${c.class}: ${c.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const info of ATTACK_CLASSES) expect(cases.filter((c) => c.class === info.class).length, info.class).toBeGreaterThan(0);
    // Replayable over HTTP: every sendable case fits Node's default 16 KiB header limit with room to spare.
    for (const c of cases.filter((c) => c.httpSafe)) {
      const bytes = [c.authorization ?? `Bearer ${c.token ?? ''}`].flat().reduce((sum, value) => sum + Buffer.byteLength(value, 'latin1'), 0);
      expect(bytes, c.name).toBeLessThan(15_000);
    }
    const counts = Object.fromEntries(ATTACK_CLASSES.map((info) => [info.class, cases.filter((c) => c.class === info.class).length]));
    console.info(`security suite: ${cases.length} attack cases, ${accepts.length} control cases`, counts);
  });
});

describe('the control group is accepted (so refusals below are not an artefact of the setup)', () => {
  it.each(accepts.map((c) => [`${c.class}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const identity = (await authenticate(c)) as Identity;
    if (c.identity.subject !== undefined) expect(identity.subject).toBe(c.identity.subject);
    if (c.identity.issuer !== undefined) expect(identity.issuer).toBe(c.identity.issuer);
    if (c.identity.alg !== undefined) expect(identity.alg).toBe(c.identity.alg);
    if (c.identity.scopes !== undefined) expect([...identity.scopes].sort()).toEqual([...c.identity.scopes].sort());
    if (c.token !== undefined) await expect(poolVerifiers[c.profile].verify(c.token)).resolves.toMatchObject({ subject: identity.subject });
  });
});

describe.each(ATTACK_CLASSES.map((info) => [info.class, info] as const))('attack class %s', (cls) => {
  const inClass = cases.filter((c) => c.class === cls);
  it.each(inClass.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    // 1. The request path every adapter uses: header → verifier → scope guard. Pathological inputs must not be slow.
    const started = performance.now();
    const error = await refusal(() => authenticate(c));
    expect(performance.now() - started, 'refusal time (ms)').toBeLessThan(1000);
    expect(observed(error), 'through createRequestAuthenticator').toEqual(c.expect);
    const response = authErrorResponse(error);
    expect(response.status).toBe(c.expect.status);
    expect(response.body.error).toBe(c.expect.code ?? (c.expect.status === 503 ? 'temporarily_unavailable' : 'unauthorized'));
    if (c.expect.status === 503) {
      expect(response.headers['www-authenticate']).toBeUndefined();
    } else {
      expect(response.headers['www-authenticate']).toMatch(/^(Bearer|DPoP) realm="[^"]*"/);
      if (c.expect.code !== undefined) expect(response.headers['www-authenticate']).toContain(`error="${c.expect.code}"`);
      else expect(response.headers['www-authenticate']).not.toContain('error=');
    }
    expectNoEcho(error, c);

    // 2. Optional authentication lets anonymous requests through, never bad credentials.
    if (c.expect.reason === 'credentials_missing' && c.requiredScopes === undefined) {
      await expect(authenticate(c, true)).resolves.toBeNull();
    } else {
      expect(observed(await refusal(() => authenticate(c, true))), 'with optional: true').toEqual(c.expect);
    }

    // 3. The verifier on its own, for token cases.
    if (c.token !== undefined && c.authorization === undefined) {
      const direct = c.expectDirect ?? c.expect;
      if (direct.reason === 'insufficient_scope') {
        await expect(verifiers[c.profile].verify(c.token)).resolves.toBeDefined();
      } else {
        const directError = await refusal(() => verifiers[c.profile].verify(c.token as string));
        expect(observed(directError), 'through verifier.verify').toEqual(direct);
        expectNoEcho(directError, c);
        const poolError = await refusal(() => poolVerifiers[c.profile].verify(c.token as string));
        expect(observed(poolError), 'through verifier.verify, signatures on the thread pool').toEqual(direct);
      }
    }
  });
});

describe('parser stress beyond the default token length', () => {
  // With maxTokenLength raised, hostile nesting reaches JSON.parse: it must still end in an AuthError, quickly.
  const k = ctx.keys;
  const roomy = createVerifier({
    ...ctx.profiles.strict,
    jwksUri: undefined,
    jwks: { keys: [k.rs256.jwk] },
    maxTokenLength: 1_000_000,
    cache: false,
  });
  afterAll(() => roomy.close());
  const shapes: Array<[string, string]> = [
    ['10,000 nested arrays', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['100,000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['50,000 nested objects', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
    ['100,000 unclosed arrays', '['.repeat(100_000)],
  ];
  it.each(shapes)('%s in the payload (attacker-signed) and in the header', async (_name, json) => {
    const claims = JSON.stringify(ctx.claims());
    const payload = `${claims.slice(0, -1)},"x":${json}}`;
    const header = JSON.stringify(ctx.header(k.rs256));
    for (const token of [
      compact(ctx.header(k.rs256), payload, 'RS256', k.attackerRsa.privateKey),
      compact(`${header.slice(0, -1)},"x":${json}}`, ctx.claims(), 'RS256', k.attackerRsa.privateKey),
      `${b64(json)}.${b64(claims)}.${b64('sig')}`,
    ]) {
      const started = performance.now();
      const error = await refusal(() => roomy.verify(token));
      expect(performance.now() - started).toBeLessThan(2000);
      expect([400, 401]).toContain(error.status);
    }
  });
});

describe('key-source attacks that are not single requests', () => {
  const k = ctx.keys;

  it('a flood of 300 made-up kids, all at once, costs at most the refetch burst', async () => {
    const uri = ctx.serveJwks('/flood/jwks.json', { keys: [k.rs256.jwk] });
    const flooded = createVerifier({ ...ctx.profiles.strict, jwksUri: uri });
    try {
      await flooded.ready();
      const before = ctx.jwksRequests('/flood/jwks.json');
      const tokens = Array.from({ length: 300 }, (_, i) => ctx.mint(k.rs256, {}, { kid: `flood-${i}` }));
      const errors = await Promise.all(tokens.map((token) => refusal(() => flooded.verify(token))));
      expect(new Set(errors.map((error) => error.reason))).toEqual(new Set(['unknown_key']));
      // Burst of 3 (default), at most one refill during the run.
      expect(ctx.jwksRequests('/flood/jwks.json') - before).toBeLessThanOrEqual(4);
    } finally {
      flooded.close();
    }
  });

  it('a key withdrawn from the JWKS stops verifying, even for a token verified (and cached) before', async () => {
    const uri = ctx.serveJwks('/rotating/jwks.json', { keys: [k.rs256.jwk, k.es256.jwk] });
    const rotating = createVerifier({ ...ctx.profiles.strict, jwksUri: uri });
    try {
      const token = ctx.mint(k.rs256);
      await expect(rotating.verify(token)).resolves.toBeDefined();
      await expect(rotating.verify(token)).resolves.toBeDefined(); // now from the cache
      // The issuer withdraws the RSA key (compromised) and publishes a new one.
      ctx.serveJwks('/rotating/jwks.json', { keys: [k.es256.jwk, k.ps256.jwk] });
      // A token with the new kid makes the verifier refetch at once (a genuine rotation must work)...
      await expect(rotating.verify(ctx.mint(k.ps256))).resolves.toBeDefined();
      // ...and the withdrawn key's tokens, cached or not, are refused from then on.
      const cachedError = await refusal(() => rotating.verify(token));
      expect(cachedError.reason).toBe('unknown_key');
      const freshError = await refusal(() => rotating.verify(ctx.mint(k.rs256)));
      expect(freshError.reason).toBe('unknown_key');
    } finally {
      rotating.close();
    }
  });

  it('verify() given something that is not a string refuses with an AuthError', async () => {
    for (const value of [undefined, null, 42, {}, [], ['a.b.c'], Buffer.from('a.b.c'), { toString: () => ctx.mint(k.rs256) }]) {
      const error = await refusal(() => verifiers.strict.verify(value as unknown as string));
      expect(error.reason).toBe('malformed_token');
    }
  });
});

describe('after every attack', () => {
  it('the trap server received zero requests (jku, x5u, x5c, jwk and attacker issuers were never followed)', () => {
    expect(ctx.trapRequests).toEqual([]);
  });

  it('unknown kids did not turn into a JWKS fetch per token (bounded refetching)', () => {
    // Per verifier: startup fetch + the unknown-kid burst (3 by default) + at most one refill during the run; each
    // profile has two verifiers here (signatures on the main thread and on the pool), each with its own key source.
    const perKeySet = 2 * (1 + 3 + 1);
    expect(ctx.jwksRequests('/jwks.json')).toBeLessThanOrEqual(perKeySet);
    expect(ctx.jwksRequests('/hostile/jwks.json')).toBeLessThanOrEqual(perKeySet);
    expect(cases.filter((c) => c.expect.reason === 'unknown_key').length, 'enough unknown-kid tokens to tell').toBeGreaterThan(perKeySet);
  });

  it('no token, signature or header value reached the logs', () => {
    const logged = JSON.stringify(ctx.logs);
    for (const c of cases) {
      const sent = [c.token ?? '', ...(c.authorization === undefined ? [] : [c.authorization].flat())].join('.');
      for (const piece of sent.split(/[.\s,]+/)) if (piece.length > 16) expect(logged.includes(piece), `${c.class}: ${c.name}`).toBe(false);
    }
  });
});
