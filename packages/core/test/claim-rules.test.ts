import { beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, AuthError, createVerifier, type VerifierOptions } from '@authgate/core';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from './helpers/keys.js';

let key: TestKey;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function verifierWith(overrides: Partial<VerifierOptions>) {
  return createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    jwks: { keys: [key.publicJwk] },
    cache: false,
    logger: quiet,
    ...overrides,
  });
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

beforeAll(async () => {
  key = await makeKey('ES256');
});

describe('claims: checked on every token', () => {
  it('a scalar must equal the claim, or be contained in an array claim, with no type coercion', async () => {
    const verifier = verifierWith({ claims: { tier: 'gold', level: 3, active: true } });
    await expect(verifier.verify(await sign(key, { tier: 'gold', level: 3, active: true }))).resolves.toBeDefined();
    await expect(verifier.verify(await sign(key, { tier: ['silver', 'gold'], level: [3], active: [true] }))).resolves.toBeDefined();
    for (const nearMiss of [
      { tier: 'Gold', level: 3, active: true },
      { tier: 'gold ', level: 3, active: true },
      { tier: 'gold', level: '3', active: true },
      { tier: 'gold', level: 3, active: 'true' },
      { tier: 'gold', level: 3, active: 1 },
      { tier: { gold: true }, level: 3, active: true },
      { tier: [['gold']], level: 3, active: true },
      { tier: 'gold', level: 3 },
      { tier: null, level: 3, active: true },
    ]) {
      const error = await refusal(verifier.verify(await sign(key, nearMiss)));
      expect(error.reason).toBe('claim_mismatch');
      expect(error.status).toBe(401);
      expect(error.code).toBe('invalid_token');
    }
  });

  it('an array: the claim equals one of them, or shares one when it is an array', async () => {
    const verifier = verifierWith({ claims: { region: ['eu', 'us'] } });
    await expect(verifier.verify(await sign(key, { region: 'us' }))).resolves.toBeDefined();
    await expect(verifier.verify(await sign(key, { region: ['ap', 'eu'] }))).resolves.toBeDefined();
    for (const region of ['ap', ['ap', 'sa'], [], 'eu us', ['eu', 'us'].join(',')]) {
      expect((await refusal(verifier.verify(await sign(key, { region })))).reason).toBe('claim_mismatch');
    }
  });

  it('a function must return true, and is never called for a missing claim', async () => {
    const calls: unknown[] = [];
    const verifier = verifierWith({
      claims: {
        sub: (value) => {
          calls.push(value);
          return typeof value === 'string' && value.startsWith('user-');
        },
        org: (value) => (calls.push(value), 'yes' as unknown as boolean),
      },
    });
    expect(await refusal(verifier.verify(await sign(key, { sub: 'user-1' })))).toMatchObject({ reason: 'claim_mismatch' });
    expect(calls).toEqual(['user-1']);
    // A truthy non-boolean is not `true`.
    expect(await refusal(verifier.verify(await sign(key, { org: 'acme' })))).toMatchObject({ reason: 'claim_mismatch' });
    const passes = verifierWith({ claims: { sub: (value, payload) => value === payload.sub && value === 'user-1' } });
    await expect(passes.verify(await sign(key))).resolves.toBeDefined();
  });

  it('nested claims by [path, expected] entries; a dotted name is one claim, never a path', async () => {
    const verifier = verifierWith({
      claims: [
        [['ext', 'tier'], 'gold'],
        ['https://example.com/plan', 'pro'],
      ],
    });
    await expect(verifier.verify(await sign(key, { ext: { tier: 'gold' }, 'https://example.com/plan': 'pro' }))).resolves.toBeDefined();
    const wrongShape = await refusal(verifier.verify(await sign(key, { 'ext.tier': 'gold', 'https://example.com/plan': 'pro' })));
    expect(wrongShape.description).toBe('The access token claim ext.tier is missing or not accepted');
    const nested = await refusal(verifier.verify(await sign(key, { ext: { tier: 'gold' }, https: { '//example': { 'com/plan': 'pro' } } })));
    expect(nested.description).toContain("'https://example.com/plan'");
    expect(nested.wwwAuthenticate).toContain('error="invalid_token"');
  });

  it('never follows __proto__ or inherited properties, and never echoes values', async () => {
    const verifier = verifierWith({
      claims: [
        [['__proto__', 'admin'], true],
        [['ext', 'constructor'], (value) => value !== undefined],
      ],
    });
    const error = await refusal(verifier.verify(await sign(key, { ext: {} })));
    expect(error.reason).toBe('claim_mismatch');
    const secretValue = verifierWith({ claims: { tier: 'expected-secret-value' } });
    const mismatch = await refusal(secretValue.verify(await sign(key, { tier: 'token-chosen-text' })));
    const visible = `${mismatch.message} ${mismatch.description} ${mismatch.wwwAuthenticate} ${mismatch.detail} ${JSON.stringify(mismatch.toJSON())}`;
    expect(visible).toContain('tier');
    expect(visible).not.toContain('expected-secret-value');
    expect(visible).not.toContain('token-chosen-text');
  });

  it.each([
    [{ tier: undefined }],
    [{ tier: null }],
    [{ tier: {} }],
    [{ tier: [] }],
    [{ tier: [['a']] }],
    [{ tier: Number.NaN }],
    [{ '': 'x' }],
    [[['tier']]],
    [[[[], 'x']]],
    ['tier'],
  ])('refuses claims %j at construction', (claims) => {
    expect(() => verifierWith({ claims: claims as VerifierOptions['claims'] })).toThrow(AuthConfigError);
  });
});

describe('identity.roles and identity.clientId', () => {
  it('roles: [] when none; strings split on spaces; arrays merged and deduplicated across paths', async () => {
    expect((await verifierWith({}).verify(await sign(key))).roles).toEqual([]);
    expect((await verifierWith({}).verify(await sign(key, { roles: ['admin', 'reader', 7] }))).roles).toEqual(['admin', 'reader']);
    const verifier = verifierWith({ rolesClaims: ['roles', ['realm_access', 'roles'], 'https://example.com/roles'] });
    const identity = await verifier.verify(
      await sign(key, {
        roles: 'a b',
        realm_access: { roles: ['b', 'c'] },
        'https://example.com/roles': ['d'],
        'https://example': { com: { roles: ['not-me'] } },
      }),
    );
    expect(identity.roles).toEqual(['a', 'b', 'c', 'd']);
    expect(Object.isFrozen(identity.roles)).toBe(true);
    // Wrong types are ignored, never an error, never prototype properties.
    const odd = await verifier.verify(await sign(key, { roles: { admin: true }, realm_access: 'x' }));
    expect(odd.roles).toEqual([]);
    expect((await verifierWith({ rolesClaims: 'groups' }).verify(await sign(key, { groups: ['g'] }))).roles).toEqual(['g']);
    expect(() => verifierWith({ rolesClaims: [] })).toThrow(AuthConfigError);
    expect(() => verifierWith({ rolesClaims: [['a', '']] })).toThrow(AuthConfigError);
  });

  it('scopeClaims takes claim paths', async () => {
    const identity = await verifierWith({ scopeClaims: ['scope', ['ext', 'perms']] }).verify(await sign(key, { scope: 'a', ext: { perms: ['b'] } }));
    expect(identity.scopes).toEqual(['a', 'b']);
  });

  it('clientId: client_id, else azp, else appid, else cid', async () => {
    const verifier = verifierWith({});
    const clientOf = async (claims: Record<string, unknown>) => (await verifier.verify(await sign(key, claims))).clientId;
    expect(await clientOf({ client_id: 'c1', azp: 'a', appid: 'p', cid: 'o' })).toBe('c1');
    expect(await clientOf({ azp: 'a', appid: 'p', cid: 'o' })).toBe('a');
    expect(await clientOf({ appid: 'p', cid: 'o' })).toBe('p');
    expect(await clientOf({ cid: 'o' })).toBe('o');
    expect(await clientOf({ azp: 42, cid: 'o' })).toBe('o');
    expect(await clientOf({})).toBeUndefined();
  });
});
