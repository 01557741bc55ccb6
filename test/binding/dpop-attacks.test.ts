/**
 * DPoP (RFC 9449) through both adapters over real HTTP: a bound token with a good proof is accepted, and every proof
 * attack is refused with 401 (400 for two proofs) and the DPoP challenge, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDpopKey, createTestIssuer, type DpopKey, type DpopProofMistakes, type TestIssuer } from '@authgate/testing';
import { FRAMEWORKS, send, startProtected, type Framework, type ProtectedServer, type RawReply } from './servers.js';

const AUDIENCE = 'api://orders';
let issuer: TestIssuer;
let alice: DpopKey;
let mallory: DpopKey;
const servers = {} as Record<Framework, ProtectedServer>;

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], defaultAudience: AUDIENCE });
  [alice, mallory] = await Promise.all([createDpopKey('ES256'), createDpopKey('EdDSA')]);
  const options = { issuer: issuer.url, audience: AUDIENCE, algorithms: ['ES256'], jwksUri: issuer.jwksUri };
  for (const framework of FRAMEWORKS) servers[framework] = await startProtected(framework, options);
});

afterAll(async () => {
  await Promise.all(FRAMEWORKS.map((framework) => servers[framework]?.close()));
  await issuer?.close();
});

function challengeOf(reply: RawReply): string {
  return String(reply.headers['www-authenticate'] ?? '');
}

/** The DPoP challenge carries the error; the Bearer challenge stands beside it without one (RFC 9449 §7.1). */
function expectDpopRefusal(reply: RawReply, code: 'invalid_dpop_proof' | 'invalid_token', status = 401): void {
  expect(reply.status, reply.body).toBe(status);
  const challenge = challengeOf(reply);
  expect(challenge).toMatch(
    new RegExp(`^DPoP realm="api", error="${code}", error_description="[^"]+", algs="ES256 EdDSA RS256 PS256", Bearer realm="api"$`),
  );
  expect(JSON.parse(reply.body)).toMatchObject({ error: code });
}

interface Attempt {
  token: string;
  proof: string | string[] | undefined;
  path?: string;
  method?: string;
  scheme?: string;
  host?: string;
}

async function attempt(framework: Framework, { token, proof, path, method, scheme, host }: Attempt): Promise<RawReply> {
  const headers: Record<string, string | string[]> = { authorization: `${scheme ?? 'DPoP'} ${token}` };
  if (proof !== undefined) headers.dpop = proof;
  if (host !== undefined) headers.host = host;
  return send(servers[framework].origin, { method: method ?? 'GET', path: path ?? '/protected', headers });
}

describe.each(FRAMEWORKS)('%s: DPoP', (framework) => {
  const url = (): string => `${servers[framework].origin}/protected`;
  const bound = (key: DpopKey = alice): Promise<string> => issuer.sign({ sub: 'alice', cnf: key.cnf });
  const proofFor = (token: string, mistakes?: DpopProofMistakes, key: DpopKey = alice): Promise<string> =>
    key.proof({ method: 'GET', url: url(), accessToken: token }, mistakes);

  it('accepts a bound token with a good proof, on every request (the token cached, the proof checked each time)', async () => {
    const token = await bound();
    for (let i = 0; i < 4; i += 1) {
      const reply = await attempt(framework, { token, proof: await proofFor(token) });
      expect(reply.status, reply.body).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ sub: 'alice', confirmation: { jkt: alice.jkt } });
    }
    // Now cached: the proof is still required and still checked.
    expectDpopRefusal(await attempt(framework, { token, proof: undefined }), 'invalid_dpop_proof');
    expectDpopRefusal(await attempt(framework, { token, proof: await proofFor(token, { claims: { htm: 'POST' } }) }), 'invalid_dpop_proof');
  });

  it('refuses the bound token presented as Bearer (no downgrade), cached or not', async () => {
    const token = await bound();
    for (let i = 0; i < 3; i += 1) {
      const reply = await attempt(framework, { token, proof: undefined, scheme: 'Bearer' });
      expect(reply.status).toBe(401);
      expect(challengeOf(reply)).toMatch(/^Bearer realm="api", error="invalid_token", error_description="[^"]+", DPoP realm="api", algs="[^"]+"$/);
      // With its proof too: the scheme is what binds.
      const withProof = await attempt(framework, { token, proof: await proofFor(token), scheme: 'Bearer' });
      expect(withProof.status).toBe(401);
      await attempt(framework, { token, proof: await proofFor(token) });
    }
  });

  it('leaves the challenge of a plain Bearer failure as it was', async () => {
    const reply = await attempt(framework, { token: 'not.a.token', proof: undefined, scheme: 'Bearer' });
    expect(challengeOf(reply)).toBe('Bearer realm="api", error="invalid_token", error_description="The access token is malformed"');
    const none = await send(servers[framework].origin);
    expect(challengeOf(none)).toBe('Bearer realm="api"');
  });

  it('refuses a replayed proof (same jti), even from the cache', async () => {
    const token = await bound();
    const proof = await proofFor(token);
    expect((await attempt(framework, { token, proof })).status).toBe(200);
    expectDpopRefusal(await attempt(framework, { token, proof }), 'invalid_dpop_proof');
    const sameJti = await proofFor(token, { jti: 'fixed-jti' });
    expect((await attempt(framework, { token, proof: sameJti })).status).toBe(200);
    expectDpopRefusal(await attempt(framework, { token, proof: await proofFor(token, { jti: 'fixed-jti' }) }), 'invalid_dpop_proof');
  });

  const proofAttacks: ReadonlyArray<[string, (token: string) => Promise<Attempt>]> = [
    ['wrong htm', async (token) => ({ token, proof: await proofFor(token, { claims: { htm: 'POST' } }) })],
    ['htm in lower case', async (token) => ({ token, proof: await proofFor(token, { claims: { htm: 'get' } }) })],
    ['htu of another host', async (token) => ({ token, proof: await proofFor(token, { claims: { htu: url().replace('127.0.0.1', 'localhost') } }) })],
    ['htu of another port', async (token) => ({ token, proof: await proofFor(token, { claims: { htu: url().replace(/:\d+\//, ':1/') } }) })],
    ['htu of another scheme', async (token) => ({ token, proof: await proofFor(token, { claims: { htu: url().replace('http:', 'https:') } }) })],
    ['htu of another path', async (token) => ({ token, proof: await proofFor(token, { claims: { htu: url().replace('/protected', '/other') } }) })],
    [
      'htu naming the path only in its query string',
      async (token) => ({
        token,
        proof: await proofFor(token, { claims: { htu: `${servers[framework].origin}/other?${url()}` } }),
      }),
    ],
    [
      "a request whose query names the proof's path",
      async (token) => ({
        token,
        path: '/protected?/other',
        proof: await proofFor(token, { claims: { htu: `${servers[framework].origin}/other` } }),
      }),
    ],
    [
      'htu with the path in its fragment',
      async (token) => ({
        token,
        proof: await proofFor(token, { claims: { htu: `${servers[framework].origin}/#/protected` } }),
      }),
    ],
    // A proof for /other used at /protected, with a Host that would make a naive URL builder see /other.
    [
      "a Host header smuggling the proof's path into the URL",
      async (token) => ({
        token,
        host: `127.0.0.1:${servers[framework].port}/other#`,
        proof: await proofFor(token, { claims: { htu: `${servers[framework].origin}/other` } }),
      }),
    ],
    ['htu not a URL', async (token) => ({ token, proof: await proofFor(token, { claims: { htu: 'protected' } }) })],
    ['iat too old', async (token) => ({ token, proof: await proofFor(token, { issuedAt: '-5m' }) })],
    ['iat in the future', async (token) => ({ token, proof: await proofFor(token, { issuedAt: '5m' }) })],
    ['no iat', async (token) => ({ token, proof: await proofFor(token, { claims: { iat: undefined } }) })],
    ['no jti', async (token) => ({ token, proof: await proofFor(token, { claims: { jti: undefined } }) })],
    ['missing ath', async (token) => ({ token, proof: await proofFor(token, { ath: null }) })],
    ['ath of another token', async (token) => ({ token, proof: await alice.proof({ method: 'GET', url: url(), accessToken: `${token}x` }) })],
    ['alg none', async (token) => ({ token, proof: await proofFor(token, { alg: 'none' }) })],
    ['HS256 keyed with the public key', async (token) => ({ token, proof: await proofFor(token, { alg: 'HS256' }) })],
    ['a private key in jwk', async (token) => ({ token, proof: await proofFor(token, { privateJwk: true }) })],
    ["signed by one key carrying another's jwk", async (token) => ({ token, proof: await proofFor(token, { jwk: mallory.publicJwk }) })],
    ['typ not dpop+jwt', async (token) => ({ token, proof: await proofFor(token, { typ: 'jwt' }) })],
    ['no typ', async (token) => ({ token, proof: await proofFor(token, { typ: null }) })],
    ['no proof at all', async (token) => ({ token, proof: undefined })],
    ['an empty proof', async (token) => ({ token, proof: '' })],
    ['a proof that is not a JWT', async (token) => ({ token, proof: 'garbage' })],
    ['the access token as its own proof', async (token) => ({ token, proof: token })],
  ];

  it.each(proofAttacks)('refuses %s: 401 invalid_dpop_proof', async (_name, build) => {
    const token = await bound();
    expectDpopRefusal(await attempt(framework, await build(token)), 'invalid_dpop_proof');
  });

  it('refuses a good proof by a key the token is not bound to: 401 invalid_token', async () => {
    const token = await bound(alice);
    expectDpopRefusal(await attempt(framework, { token, proof: await proofFor(token, {}, mallory) }), 'invalid_token');
  });

  it('refuses an unbound token under the DPoP scheme: 401 invalid_token', async () => {
    const token = await issuer.sign({ sub: 'alice' });
    expectDpopRefusal(await attempt(framework, { token, proof: await proofFor(token) }), 'invalid_token');
  });

  it('refuses two DPoP headers: 400 invalid_request', async () => {
    const token = await bound();
    const reply = await attempt(framework, { token, proof: [await proofFor(token), await proofFor(token)] });
    expect(reply.status).toBe(400);
    expect(challengeOf(reply)).toMatch(/^DPoP realm="api", error="invalid_request"/);
  });

  it('refuses a token with a malformed cnf.jkt', async () => {
    const token = await issuer.sign({ sub: 'alice', cnf: { jkt: 42 } });
    expectDpopRefusal(await attempt(framework, { token, proof: await proofFor(token) }), 'invalid_token');
  });
});
