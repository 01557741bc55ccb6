import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuthConfigError,
  AuthError,
  createVerifier,
  MAX_ACTOR_DEPTH,
  requireActorGuard,
  requireClientGuard,
  requireDirectCallGuard,
  requireUserGuard,
  type Identity,
  type Verifier,
  type VerifierOptions,
} from '@authgate/core';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from './helpers/keys.js';

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('ES256');
});

function verifierWith(overrides: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks: { keys: [key.publicJwk] }, cache: false, ...overrides });
}

async function identityOf(claims: Record<string, unknown>, overrides: Partial<VerifierOptions> = {}): Promise<Identity> {
  return verifierWith(overrides).verify(await sign(key, claims));
}

async function refusal(run: () => unknown): Promise<AuthError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected a refusal');
}

function chain(depth: number): Record<string, unknown> {
  let act: Record<string, unknown> = { sub: `service-${depth}` };
  for (let level = depth - 1; level >= 1; level -= 1) act = { sub: `service-${level}`, act };
  return act;
}

describe('identity.actor and identity.mayAct (RFC 8693 act / may_act)', () => {
  it('a direct call has no actor', async () => {
    const identity = await identityOf({ sub: 'alice' });
    expect(identity.actor).toBeUndefined();
    expect(identity.mayAct).toBeUndefined();
  });

  it('parses act into { subject, clientId, issuer } and a nested chain, outermost first', async () => {
    const identity = await identityOf({
      sub: 'alice',
      act: { sub: 'service-b', client_id: 'b-client', iss: 'https://other.example', act: { sub: 'service-a' } },
      may_act: { sub: 'service-c' },
    });
    expect(identity.actor).toEqual({ subject: 'service-b', clientId: 'b-client', issuer: 'https://other.example', actor: { subject: 'service-a' } });
    expect(identity.mayAct).toEqual({ subject: 'service-c' });
  });

  it('an actor naming only client_id has that as its subject', async () => {
    expect((await identityOf({ sub: 'alice', act: { client_id: 'svc' } })).actor).toEqual({ subject: 'svc', clientId: 'svc' });
  });

  it(`accepts ${MAX_ACTOR_DEPTH} levels and refuses ${MAX_ACTOR_DEPTH + 1} with 401 invalid_token`, async () => {
    let actor = (await identityOf({ sub: 'alice', act: chain(MAX_ACTOR_DEPTH) })).actor;
    let depth = 0;
    for (; actor !== undefined; actor = actor.actor) depth += 1;
    expect(depth).toBe(MAX_ACTOR_DEPTH);
    const error = await refusal(() => identityOf({ sub: 'alice', act: chain(MAX_ACTOR_DEPTH + 1) }));
    expect([error.status, error.code, error.reason]).toEqual([401, 'invalid_token', 'claim_invalid']);
    const deepMayAct = await refusal(() => identityOf({ sub: 'alice', may_act: chain(MAX_ACTOR_DEPTH + 1) }));
    expect(deepMayAct.status).toBe(401);
  });

  it('refuses an act it cannot read rather than taking the call for a direct one', async () => {
    for (const act of ['service-a', ['service-a'], null, {}, { sub: 42 }, { sub: '' }, { sub: 'a', client_id: 7 }, { sub: 'a', act: 'b' }]) {
      const error = await refusal(() => identityOf({ sub: 'alice', act }));
      expect(error.reason).toBe('claim_invalid');
    }
  });
});

describe('identity.kind', () => {
  const cases: Array<[string, Record<string, unknown>, Partial<VerifierOptions>, 'user' | 'client']> = [
    ['a user token', { sub: 'alice', client_id: 'web' }, {}, 'user'],
    ['sub equal to client_id (client credentials)', { sub: 'batch', client_id: 'batch' }, {}, 'client'],
    ['sub equal to azp', { sub: 'batch', azp: 'batch' }, {}, 'client'],
    ['no sub at all', { sub: undefined, client_id: 'batch' }, {}, 'client'],
    ["Auth0's gty: client-credentials", { sub: 'abc@clients', gty: 'client-credentials' }, {}, 'client'],
    ["Entra's idtyp: app", { sub: '0f1e', idtyp: 'app', azp: 'app-id' }, {}, 'client'],
    ['Okta: no uid, with userClaim uid', { sub: '0oa1', cid: 'x' }, { tokenKind: { userClaim: 'uid' } }, 'client'],
    ['Okta: uid present', { sub: 'alice@example.com', uid: '00u1', cid: 'x' }, { tokenKind: { userClaim: 'uid' } }, 'user'],
    ['a configured clientClaim', { sub: 'sa-user', clientHost: '10.0.0.1' }, { tokenKind: { clientClaim: 'clientHost' } }, 'client'],
    ['a verifier that only sees workloads', { sub: 'repo:o/r:ref:refs/heads/main' }, { tokenKind: 'client' }, 'client'],
  ];
  for (const [name, claims, options, kind] of cases) {
    it(`${name} → ${kind}`, async () => {
      expect((await identityOf(claims, options)).kind).toBe(kind);
    });
  }

  it('refuses a malformed tokenKind at construction', () => {
    expect(() => verifierWith({ tokenKind: 'robot' as never })).toThrow(AuthConfigError);
    expect(() => verifierWith({ tokenKind: { userClaim: '' } })).toThrow(/tokenKind.userClaim/);
  });
});

describe('delegation and token-kind guards', () => {
  it('requireActor({ subject }) matches the current (outermost) actor only', async () => {
    const guard = requireActorGuard({ subject: 'service-a' });
    expect(guard(await identityOf({ sub: 'alice', act: { sub: 'service-a' } }), {})).toBeUndefined();
    const earlierInChain = await identityOf({ sub: 'alice', act: { sub: 'service-x', act: { sub: 'service-a' } } });
    const error = await refusal(() => guard(earlierInChain, {}));
    expect([error.status, error.code, error.reason]).toEqual([403, 'insufficient_scope', 'actor_not_allowed']);
    expect((await refusal(() => guard(identity0, {}))).status).toBe(403);
  });

  let identity0: Identity;
  beforeAll(async () => {
    identity0 = await identityOf({ sub: 'alice' });
  });

  it('requireActor({ clientId }) and a predicate (sync or async, given actor, identity and request)', async () => {
    const delegated = await identityOf({ sub: 'alice', act: { sub: 'svc', client_id: 'svc-client' } });
    expect(requireActorGuard({ clientId: 'svc-client' })(delegated, {})).toBeUndefined();
    await expect(refusal(() => requireActorGuard({ clientId: 'other' })(delegated, {}))).resolves.toHaveProperty('status', 403);
    const seen: unknown[] = [];
    const predicate = requireActorGuard<{ path: string }>(async (actor, identity, request) => {
      seen.push(actor.subject, identity.subject, request.path);
      return request.path === '/ok';
    });
    await expect(predicate(delegated, { path: '/ok' })).resolves.toBeUndefined();
    await expect(refusal(() => predicate(delegated, { path: '/no' }))).resolves.toHaveProperty('reason', 'actor_not_allowed');
    expect(seen.slice(0, 3)).toEqual(['svc', 'alice', '/ok']);
    expect(() => requireActorGuard({})).toThrow(AuthConfigError);
  });

  it('requireDirectCall refuses any act, whatever its shape', async () => {
    const guard = requireDirectCallGuard();
    expect(guard(identity0, {})).toBeUndefined();
    const delegated = await identityOf({ sub: 'alice', act: { sub: 'svc' } });
    expect((await refusal(() => guard(delegated, {}))).status).toBe(403);
    // An identity from a stand-in verifier with an act claim authgate did not parse.
    const standIn = { ...identity0, claims: { ...identity0.claims, act: 'weird' } } as Identity;
    expect((await refusal(() => guard(standIn, {}))).status).toBe(403);
  });

  it('requireUser and requireClient(...ids); no identity → 401', async () => {
    const user = await identityOf({ sub: 'alice', client_id: 'web' });
    const client = await identityOf({ sub: 'batch', client_id: 'batch' });
    expect(requireUserGuard()(user, {})).toBeUndefined();
    expect((await refusal(() => requireUserGuard()(client, {}))).reason).toBe('token_kind_not_allowed');
    expect(requireClientGuard([])(client, {})).toBeUndefined();
    expect(requireClientGuard(['batch'])(client, {})).toBeUndefined();
    expect((await refusal(() => requireClientGuard(['other'])(client, {}))).reason).toBe('client_not_allowed');
    expect((await refusal(() => requireClientGuard([])(user, {}))).status).toBe(403);
    expect((await refusal(() => requireUserGuard()(null, {}))).status).toBe(401);
  });
});
