/**
 * DPoP's modes, server nonces, the pluggable replay cache and the public URL (trust proxy, publicUrl), through both
 * adapters over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmacNonce, type ReplayCache } from '@authgate/core';
import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@authgate/testing';
import { FRAMEWORKS, send, startProtected, type Framework, type ProtectedServer } from './servers.js';

const AUDIENCE = 'api://orders';
let issuer: TestIssuer;
let key: DpopKey;
let base: Record<string, unknown>;
const running: ProtectedServer[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], defaultAudience: AUDIENCE });
  key = await createDpopKey();
  base = { issuer: issuer.url, audience: AUDIENCE, algorithms: ['ES256'], jwksUri: issuer.jwksUri };
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
  await issuer?.close();
});

async function start(framework: Framework, options: Record<string, unknown>, trustProxy = false): Promise<ProtectedServer> {
  const server = await startProtected(framework, { ...base, ...options }, { trustProxy });
  running.push(server);
  return server;
}

describe.each(FRAMEWORKS)('%s: DPoP modes and options', (framework) => {
  it("'required' refuses Bearer tokens with the DPoP challenge alone, and takes DPoP ones", async () => {
    const server = await start(framework, { dpop: { mode: 'required', algorithms: ['ES256'] } });
    const plain = await issuer.sign({ sub: 'alice' });
    for (let i = 0; i < 3; i += 1) {
      const reply = await send(server.origin, { headers: { authorization: `Bearer ${plain}` } });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('DPoP realm="api", algs="ES256"');
    }
    const none = await send(server.origin);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('DPoP realm="api", algs="ES256"');
    const token = await issuer.sign({ sub: 'alice', cnf: key.cnf });
    const proof = await key.proof({ method: 'GET', url: `${server.origin}/protected`, accessToken: token });
    expect((await send(server.origin, { headers: { authorization: `DPoP ${token}`, dpop: proof } })).status).toBe(200);
    // An EdDSA proof is outside this allowlist.
    const other = await createDpopKey('EdDSA');
    const bound = await issuer.sign({ sub: 'alice', cnf: other.cnf });
    const refused = await send(server.origin, {
      headers: { authorization: `DPoP ${bound}`, dpop: await other.proof({ method: 'GET', url: `${server.origin}/protected`, accessToken: bound }) },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^DPoP realm="api", error="invalid_dpop_proof", .*algs="ES256"$/);
  });

  it("'disabled' refuses the DPoP scheme, and still refuses a DPoP-bound token as Bearer", async () => {
    const server = await start(framework, { dpop: { mode: 'disabled' } });
    const token = await issuer.sign({ sub: 'alice', cnf: key.cnf });
    const proof = await key.proof({ method: 'GET', url: `${server.origin}/protected`, accessToken: token });
    const dpop = await send(server.origin, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    expect(dpop.status).toBe(401);
    expect(dpop.headers['www-authenticate']).toBe('Bearer realm="api"');
    const bearer = await send(server.origin, { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(401);
    expect(bearer.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect((await send(server.origin, { headers: { authorization: `Bearer ${await issuer.sign({ sub: 'bob' })}` } })).status).toBe(200);
  });

  it('server nonces: use_dpop_nonce with a DPoP-Nonce header, then accepted with that nonce', async () => {
    const server = await start(framework, { dpop: { nonce: true } });
    const token = await issuer.sign({ sub: 'alice', cnf: key.cnf });
    const url = `${server.origin}/protected`;
    const first = await send(server.origin, {
      headers: { authorization: `DPoP ${token}`, dpop: await key.proof({ method: 'GET', url, accessToken: token }) },
    });
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toMatch(/^DPoP realm="api", error="use_dpop_nonce", /);
    const nonce = first.headers['dpop-nonce'];
    expect(typeof nonce).toBe('string');
    const forged = await send(server.origin, {
      headers: {
        authorization: `DPoP ${token}`,
        dpop: await key.proof({ method: 'GET', url, accessToken: token, nonce: `${String(nonce).slice(0, -2)}AA` }),
      },
    });
    expect(forged.status).toBe(401);
    const retry = await send(server.origin, {
      headers: { authorization: `DPoP ${token}`, dpop: await key.proof({ method: 'GET', url, accessToken: token, nonce: String(nonce) }) },
    });
    expect(retry.status, retry.body).toBe(200);
  });

  it('a pluggable replay cache sees every proof; one that fails answers 503, never 500 or a pass', async () => {
    const seen: string[] = [];
    const store: ReplayCache = {
      async checkAndStore(entry, expiresAt) {
        expect(expiresAt).toBeGreaterThan(Date.now() / 1000);
        if (seen.includes(entry)) return false;
        seen.push(entry);
        return true;
      },
    };
    const server = await start(framework, { dpop: { replayCache: store } });
    const token = await issuer.sign({ sub: 'alice', cnf: key.cnf });
    const proof = await key.proof({ method: 'GET', url: `${server.origin}/protected`, accessToken: token });
    expect((await send(server.origin, { headers: { authorization: `DPoP ${token}`, dpop: proof } })).status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.startsWith(`${key.jkt}.`)).toBe(true);
    expect((await send(server.origin, { headers: { authorization: `DPoP ${token}`, dpop: proof } })).status).toBe(401);

    const broken = await start(framework, { dpop: { replayCache: { checkAndStore: () => Promise.reject(new Error('redis down')) } } });
    const fresh = await key.proof({ method: 'GET', url: `${broken.origin}/protected`, accessToken: token });
    const reply = await send(broken.origin, { headers: { authorization: `DPoP ${token}`, dpop: fresh } });
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBeDefined();
  });

  it('htu: forwarded headers count only behind a trusted proxy; publicUrl fixes the origin', async () => {
    const token = await issuer.sign({ sub: 'alice', cnf: key.cnf });
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };
    const publicProof = (): Promise<string> => key.proof({ method: 'GET', url: 'https://api.example.com/protected', accessToken: token });

    const trusting = await start(framework, {}, true);
    const viaProxy = await send(trusting.origin, { headers: { authorization: `DPoP ${token}`, dpop: await publicProof(), ...forwarded } });
    expect(viaProxy.status, viaProxy.body).toBe(200);

    const direct = await start(framework, {}, false);
    const spoofed = await send(direct.origin, { headers: { authorization: `DPoP ${token}`, dpop: await publicProof(), ...forwarded } });
    expect(spoofed.status).toBe(401);

    const fixed = await start(framework, { dpop: { publicUrl: 'https://api.example.com/' } });
    const viaPublicUrl = await send(fixed.origin, { headers: { authorization: `DPoP ${token}`, dpop: await publicProof() } });
    expect(viaPublicUrl.status, viaPublicUrl.body).toBe(200);
    const local = await key.proof({ method: 'GET', url: `${fixed.origin}/protected`, accessToken: token });
    expect((await send(fixed.origin, { headers: { authorization: `DPoP ${token}`, dpop: local } })).status).toBe(401);
  });

  it('htu is compared after normalisation, ignoring the query on both sides', async () => {
    const server = await start(framework, {});
    const token = await issuer.sign({ sub: 'alice', cnf: key.cnf });
    const upper = server.origin.replace('http://', 'HTTP://');
    for (const htu of [`${upper}/protected?a=1`, `${server.origin}/./protected#frag`, `${server.origin}/%70rotected`]) {
      const proof = await key.proof({ method: 'GET', url: htu, accessToken: token });
      const reply = await send(server.origin, { path: '/protected?b=2', headers: { authorization: `DPoP ${token}`, dpop: proof } });
      expect(reply.status, htu).toBe(200);
    }
  });
});

describe('createHmacNonce', () => {
  it("accepts its own nonces, and no other instance's unless the secret is shared", () => {
    const secret = 'a'.repeat(32);
    const one = createHmacNonce({ secret });
    const two = createHmacNonce({ secret });
    const stranger = createHmacNonce();
    const nonce = one.current();
    expect(one.isValid(nonce)).toBe(true);
    expect(two.isValid(nonce)).toBe(true);
    expect(stranger.isValid(nonce)).toBe(false);
    expect(one.isValid(`${nonce}x`)).toBe(false);
    expect(one.isValid('0.AAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    expect(() => createHmacNonce({ secret: 'short' })).toThrow(/32 bytes/);
  });
});
