import { createHmac, generateKeyPairSync } from 'node:crypto';
import { exportJWK, importJWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createVerifier, type Algorithm, type AuthErrorReason, type Verifier, type VerifierOptions } from '@authgate/core';
import { AUDIENCE, b64, ISSUER, makeKey, sign, tamper, type TestKey } from './helpers/keys.js';

const ALGORITHMS: Algorithm[] = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
let keys: Record<string, TestKey>;
let verifier: Verifier<{ tenant: string }>;

function verifierWith(overrides: Partial<VerifierOptions> = {}): Verifier<{ tenant: string }> {
  return createVerifier<{ tenant: string }>({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ALGORITHMS,
    jwks: { keys: Object.values(keys).map((key) => key.publicJwk) },
    cache: false,
    // Quiet: some tests publish unusable keys on purpose, which the default logger would warn about.
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected the token to be refused');
}

async function expectReason(token: string, reason: AuthErrorReason, using: Verifier = verifier): Promise<void> {
  const error = await rejection(using.verify(token));
  expect(error.reason).toBe(reason);
  // Never echo the token (or any of its segments) back.
  for (const segment of token.split('.')) {
    if (segment.length > 8) expect(`${error.message} ${error.wwwAuthenticate ?? ''} ${error.detail ?? ''}`).not.toContain(segment);
  }
}

beforeAll(async () => {
  keys = {};
  for (const alg of ALGORITHMS) keys[alg] = await makeKey(alg);
  verifier = verifierWith();
});

describe('verify: good tokens', () => {
  it.each(ALGORITHMS)('accepts a valid %s token and returns a typed identity', async (alg) => {
    const token = await sign(keys[alg] as TestKey, { scope: 'orders:read orders:write', tenant: 'acme' });
    const identity = await verifier.verify(token);
    expect(identity.subject).toBe('user-1');
    expect(identity.issuer).toBe(ISSUER);
    expect(identity.audience).toEqual([AUDIENCE]);
    expect(identity.scopes).toEqual(['orders:read', 'orders:write']);
    expect(identity.claims.tenant).toBe('acme');
    expect(identity.alg).toBe(alg);
    expect(identity.kid).toBe((keys[alg] as TestKey).kid);
    expect(identity.expiresAt.getTime()).toBe(identity.claims.exp * 1000);
    expect(Object.isFrozen(identity)).toBe(true);
  });

  it('accepts an aud array naming this API among others', async () => {
    const identity = await verifier.verify(await sign(keys.ES256 as TestKey, { aud: ['other', AUDIENCE] }));
    expect(identity.audience).toEqual(['other', AUDIENCE]);
  });

  it('accepts a token without kid when exactly one key fits', async () => {
    const single = verifierWith({ jwks: { keys: [(keys.ES256 as TestKey).publicJwk] } });
    await expect(single.verify(await sign(keys.ES256 as TestKey, {}, { kid: null }))).resolves.toMatchObject({ kid: undefined });
    // With several keys of the same type, a missing kid would be a guess: refused.
    const two = await makeKey('ES256');
    const ambiguous = verifierWith({ jwks: { keys: [(keys.ES256 as TestKey).publicJwk, two.publicJwk] } });
    await expectReason(await sign(keys.ES256 as TestKey, {}, { kid: null }), 'unknown_key', ambiguous);
  });
});

describe('verify: algorithms come from configuration, never from the token', () => {
  it('refuses alg none in every casing, signed or not', async () => {
    const payload = b64({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 });
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await expectReason(`${b64({ alg, kid: (keys.RS256 as TestKey).kid })}.${payload}.`, 'algorithm_not_allowed');
      await expectReason(`${b64({ alg })}.${payload}.c2ln`, 'algorithm_not_allowed');
    }
  });

  it('refuses HMAC signed with the RSA public key (algorithm confusion), whatever the secret encoding', async () => {
    const rsa = keys.RS256 as TestKey;
    const header = b64({ alg: 'HS256', kid: rsa.kid, typ: 'at+jwt' });
    const payload = b64({ iss: ISSUER, aud: AUDIENCE, sub: 'attacker', exp: Math.floor(Date.now() / 1000) + 60 });
    const secrets = [
      JSON.stringify(rsa.publicJwk),
      rsa.publicJwk.n as string,
      Buffer.from(rsa.publicJwk.n as string, 'base64url').toString('latin1'),
    ];
    for (const secret of secrets) {
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      await expectReason(`${header}.${payload}.${signature}`, 'algorithm_not_allowed');
    }
  });

  it('refuses a validly signed token whose alg is not in the allowlist', async () => {
    const rs512 = await makeKey('RS512');
    const only256 = verifierWith({ algorithms: ['RS256'], jwks: { keys: [rs512.publicJwk, (keys.RS256 as TestKey).publicJwk] } });
    await expectReason(await sign(rs512), 'algorithm_not_allowed', only256);
  });

  it('binds alg to the key type: an RS256 label on an EC key is refused', async () => {
    const ec = keys.ES256 as TestKey;
    // A JWK without alg, so only kty/crv can refuse it.
    const bare = verifierWith({ jwks: { keys: [{ ...ec.publicJwk, alg: undefined }] } });
    const token = await sign(ec, {}, {});
    const relabelled = tamper(token, 'header', (header) => ({ ...header, alg: 'RS256' }));
    await expectReason(relabelled, 'key_algorithm_mismatch', bare);
    // ES384 header on a P-256 key: wrong curve.
    await expectReason(
      tamper(token, 'header', (header) => ({ ...header, alg: 'ES384' })),
      'key_algorithm_mismatch',
      bare,
    );
  });

  it("binds alg to the JWK's own alg: a PS256 token on a key published for RS256 is refused", async () => {
    const rsa = keys.RS256 as TestKey;
    // Same RSA key material, imported for RSA-PSS so jose will sign PS256 with it.
    const pssKey = (await importJWK(await exportJWK(rsa.privateKey), 'PS256')) as CryptoKey;
    const ps = await sign({ ...rsa, alg: 'PS256', privateKey: pssKey }, {}, { alg: 'PS256' });
    await expectReason(ps, 'key_algorithm_mismatch');
  });
});

describe('verify: structure', () => {
  it('refuses JWE, wrong part counts and bad encodings', async () => {
    await expectReason('a.b.c.d.e', 'token_encrypted');
    await expectReason('a.b', 'malformed_token');
    await expectReason('a.b.c.d', 'malformed_token');
    await expectReason('', 'malformed_token');
    const token = await sign(keys.ES256 as TestKey);
    const [h, p, s] = token.split('.') as [string, string, string];
    await expectReason(`${h}=.${p}.${s}`, 'malformed_token');
    await expectReason(`${h}.${p} .${s}`, 'malformed_token');
    // The first character carries six full signature bits (the last may carry padding bits, which must be zero).
    await expectReason(`${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`, 'signature_invalid');
    await expectReason(`${b64('not json')}.${p}.${s}`, 'malformed_token');
    await expectReason(`${b64([1, 2])}.${p}.${s}`, 'malformed_token');
    await expectReason(`${h}.${b64('null')}.${s}`, 'malformed_token');
  });

  it('refuses non-canonical base64url (one token, one spelling)', async () => {
    const token = await sign(keys.ES256 as TestKey);
    const [h, p, s] = token.split('.') as [string, string, string];
    // 64-byte ES256 signature → 86 chars; the last char carries 4 unused bits.
    const last = s.charCodeAt(s.length - 1);
    const sibling = String.fromCharCode(last + 1);
    await expectReason(`${h}.${p}.${s.slice(0, -1)}${sibling}`, 'malformed_token');
  });

  it('refuses tokens over maxTokenLength before any parsing', async () => {
    await expectReason('x'.repeat(9000), 'token_too_long');
    const small = verifierWith({ maxTokenLength: 100 });
    await expectReason(await sign(keys.ES256 as TestKey), 'token_too_long', small);
  });

  it('refuses crit, b64 and JWE headers', async () => {
    const key = keys.ES256 as TestKey;
    // jose refuses to sign these headers, so they are written in after signing: the header check must refuse them
    // before any signature work.
    await expectReason(
      tamper(await sign(key), 'header', (header) => ({ ...header, crit: ['exp'], exp: 1 })),
      'unsupported_header',
    );
    await expectReason(
      tamper(await sign(key), 'header', (header) => ({ ...header, crit: ['unknown-ext'], 'unknown-ext': true })),
      'unsupported_header',
    );
    await expectReason(
      tamper(await sign(key), 'header', (header) => ({ ...header, b64: false })),
      'unsupported_header',
    );
    await expectReason(
      tamper(await sign(key), 'header', (header) => ({ ...header, enc: 'A256GCM' })),
      'unsupported_header',
    );
  });

  it('refuses a non-string kid or alg', async () => {
    const token = await sign(keys.ES256 as TestKey);
    await expectReason(
      tamper(token, 'header', (header) => ({ ...header, kid: 42 })),
      'malformed_token',
    );
    await expectReason(
      tamper(token, 'header', (header) => ({ ...header, alg: ['ES256'] })),
      'malformed_token',
    );
  });
});

describe('verify: signatures', () => {
  it('refuses tampered payloads, tampered headers and swapped signatures', async () => {
    const key = keys.RS256 as TestKey;
    const token = await sign(key, { scope: 'read' });
    await expectReason(
      tamper(token, 'payload', (payload) => ({ ...payload, scope: 'admin' })),
      'signature_invalid',
    );
    await expectReason(
      tamper(token, 'header', (header) => ({ ...header, typ: 'JWT' })),
      'signature_invalid',
    );
    const other = await sign(key, { sub: 'someone-else' });
    await expectReason(`${token.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`, 'signature_invalid');
  });

  it('refuses a token signed by a key that merely shares the kid', async () => {
    const impostor = await makeKey('ES256');
    await expectReason(await sign(impostor, {}, { kid: (keys.ES256 as TestKey).kid }), 'signature_invalid');
  });

  it('refuses an unknown kid', async () => {
    await expectReason(await sign(keys.ES256 as TestKey, {}, { kid: 'nobody' }), 'unknown_key');
  });
});

describe('verify: claims', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('requires exp, and refuses expired tokens beyond the clock tolerance', async () => {
    const key = keys.ES256 as TestKey;
    const noExp = await new SignJWT({ iss: ISSUER, aud: AUDIENCE }).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(key.privateKey);
    await expectReason(noExp, 'claim_missing');
    await expectReason(await sign(key, { exp: now() - 60 }), 'token_expired');
    await expect(verifier.verify(await sign(key, { exp: now() - 2 }))).resolves.toBeDefined();
    const strictClock = verifierWith({ clockTolerance: 0 });
    await expectReason(await sign(key, { exp: now() - 2 }), 'token_expired', strictClock);
  });

  it('honours nbf and refuses a future iat', async () => {
    const key = keys.ES256 as TestKey;
    await expectReason(await sign(key, { nbf: now() + 60 }), 'token_not_yet_valid');
    await expectReason(await sign(key, { iat: now() + 60 }), 'token_issued_in_future');
    await expect(verifier.verify(await sign(key, { nbf: now() + 2 }))).resolves.toBeDefined();
  });

  it('enforces maxTokenAge, which makes iat required', async () => {
    const key = keys.ES256 as TestKey;
    const fresh = verifierWith({ maxTokenAge: 60 });
    await expectReason(await sign(key, { iat: now() - 600 }), 'token_too_old', fresh);
    await expectReason(await sign(key, { iat: undefined }), 'claim_missing', fresh);
    await expect(fresh.verify(await sign(key))).resolves.toBeDefined();
  });

  it('compares iss exactly: no prefix, trailing slash or case games', async () => {
    const key = keys.ES256 as TestKey;
    for (const iss of [
      'https://idp.example.com',
      'https://idp.example.com/x',
      'HTTPS://IDP.EXAMPLE.COM/',
      'https://idp.example.com.evil/',
      ' https://idp.example.com/',
    ]) {
      await expectReason(await sign(key, { iss }), 'issuer_not_allowed');
    }
    await expectReason(await sign(key, { iss: undefined }), 'claim_missing');
  });

  it('requires the audience: missing, other service, or array without it', async () => {
    const key = keys.ES256 as TestKey;
    await expectReason(await sign(key, { aud: undefined }), 'claim_missing');
    await expectReason(await sign(key, { aud: 'billing-api' }), 'audience_mismatch');
    await expectReason(await sign(key, { aud: ['billing-api', 'orders-api-v2'] }), 'audience_mismatch');
    await expectReason(await sign(key, { aud: 'ORDERS-API' }), 'audience_mismatch');
  });

  it('refuses claims of the wrong type', async () => {
    const key = keys.ES256 as TestKey;
    await expectReason(await sign(key, { exp: String(now() + 60) as unknown as number }), 'claim_invalid');
    await expectReason(await sign(key, { nbf: 'soon' as unknown as number }), 'claim_invalid');
    await expectReason(await sign(key, { sub: 42 as unknown as string }), 'claim_invalid');
    await expectReason(await sign(key, { aud: [AUDIENCE, 7] as unknown as string[] }), 'claim_invalid');
    await expectReason(await sign(key, { iss: [ISSUER] as unknown as string }), 'claim_invalid');
    await expectReason(await sign(key, { scope: ['a'] as unknown as string }), 'claim_invalid');
  });

  it('checks typ when configured (RFC 9068 at+jwt keeps ID tokens out)', async () => {
    const key = keys.ES256 as TestKey;
    const typed = verifierWith({ typ: 'at+jwt' });
    await expect(typed.verify(await sign(key))).resolves.toBeDefined();
    await expect(typed.verify(await sign(key, {}, { header: { typ: 'application/AT+JWT' } }))).resolves.toBeDefined();
    await expectReason(await sign(key, {}, { header: { typ: 'JWT' } }), 'type_not_allowed', typed);
    await expectReason(await sign(key, {}, { header: { typ: undefined } }), 'type_not_allowed', typed);
  });

  it('enforces requiredClaims', async () => {
    const key = keys.ES256 as TestKey;
    const needsTenant = verifierWith({ requiredClaims: ['tenant'] });
    await expectReason(await sign(key), 'claim_missing', needsTenant);
    await expect(needsTenant.verify(await sign(key, { tenant: 't' }))).resolves.toBeDefined();
  });

  it('lets the user opt out of iss or aud checks explicitly with null', async () => {
    const key = keys.ES256 as TestKey;
    const anyAudience = verifierWith({ audience: null });
    await expect(anyAudience.verify(await sign(key, { aud: 'billing-api' }))).resolves.toBeDefined();
    const anyIssuer = verifierWith({ issuer: null });
    await expect(anyIssuer.verify(await sign(key, { iss: 'https://other/' }))).resolves.toBeDefined();
  });
});

describe('verify: issuers', () => {
  it('refuses an unconfigured issuer, and never lets issuer A keys verify issuer B tokens', async () => {
    const a = await makeKey('ES256');
    const b = await makeKey('ES256');
    const multi = createVerifier({
      issuer: [
        { issuer: 'https://a.example/', jwks: { keys: [a.publicJwk] } },
        { issuer: 'https://b.example/', jwks: { keys: [b.publicJwk] } },
      ],
      audience: AUDIENCE,
      algorithms: ['ES256'],
    });
    await expect(multi.verify(await sign(a, { iss: 'https://a.example/' }))).resolves.toMatchObject({ issuer: 'https://a.example/' });
    await expect(multi.verify(await sign(b, { iss: 'https://b.example/' }))).resolves.toMatchObject({ issuer: 'https://b.example/' });
    // A's key, with A's kid, claiming to be B: B's set does not hold that kid.
    await expectReason(await sign(a, { iss: 'https://b.example/' }), 'unknown_key', multi);
    // A's key relabelled with B's kid: B's key does not verify A's signature.
    await expectReason(await sign(a, { iss: 'https://b.example/' }, { kid: b.kid }), 'signature_invalid', multi);
    await expectReason(await sign(a, { iss: 'https://c.example/' }), 'issuer_not_allowed', multi);
  });
});

describe('verify: keys', () => {
  it('does not use keys marked for encryption, without verify in key_ops, or below 2048 bits', async () => {
    const es = await makeKey('ES256');
    const token = await sign(es);
    for (const extra of [{ use: 'enc' }, { key_ops: ['encrypt'] }, { key_ops: 'verify' }]) {
      const only = verifierWith({ jwks: { keys: [{ ...es.publicJwk, ...extra }, (keys.RS256 as TestKey).publicJwk] } });
      await expectReason(token, 'unknown_key', only);
    }
    const withVerifyOp = verifierWith({ jwks: { keys: [{ ...es.publicJwk, key_ops: ['verify'] }] } });
    await expect(withVerifyOp.verify(token)).resolves.toBeDefined();

    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weak = { ...(await exportJWK(publicKey)), kid: 'weak', alg: 'RS256' };
    expect(() => verifierWith({ jwks: { keys: [weak] } })).toThrow(/2048/);
    const weakToken = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 })
      .setProtectedHeader({ alg: 'RS256', kid: 'weak' })
      .sign(privateKey)
      .catch(() => undefined);
    if (weakToken !== undefined)
      await expectReason(weakToken, 'unknown_key', verifierWith({ jwks: { keys: [weak, (keys.RS256 as TestKey).publicJwk] } }));
  });

  it('refuses RSA keys with exponent 1 and symmetric keys in the set', () => {
    const rsa = (keys.RS256 as TestKey).publicJwk;
    expect(() => verifierWith({ jwks: { keys: [{ ...rsa, e: 'AQ' }] } })).toThrow(/exponent/);
    expect(() => verifierWith({ algorithms: ['RS256'], jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }] } })).toThrow(/symmetric/);
  });

  it('refuses a kid that two keys of the same type share (no guessing)', async () => {
    const one = await makeKey('ES256');
    const two = await makeKey('ES256');
    const duplicate = verifierWith({ jwks: { keys: [one.publicJwk, { ...two.publicJwk, kid: one.kid }] } });
    await expectReason(await sign(one), 'unknown_key', duplicate);
  });
});

describe('verify: the token cache', () => {
  it('serves a repeated token from the cache but re-checks exp on every hit', async () => {
    const key = keys.ES256 as TestKey;
    const cached = verifierWith({ cache: { maxEntries: 10 }, clockTolerance: 0 });
    const token = await sign(key, { exp: Math.floor(Date.now() / 1000) + 2 });
    await cached.verify(token); // seen once: remembered, not cached yet
    const second = await cached.verify(token); // seen twice: cached
    expect(await cached.verify(token)).toBe(second);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expectReason(token, 'token_expired', cached);
  });

  it('caches a token on its second verification only, so one-off tokens never evict the hot ones', async () => {
    const key = keys.ES256 as TestKey;
    const cached = verifierWith({ cache: { maxEntries: 2 } });
    const hot = await sign(key, { sub: 'hot' });
    await cached.verify(hot);
    const hotIdentity = await cached.verify(hot);
    for (let i = 0; i < 5; i += 1) await cached.verify(await sign(key, { sub: `one-off-${i}` }));
    expect(await cached.verify(hot)).toBe(hotIdentity);
  });

  it('never lets a cached signature vouch for another payload', async () => {
    const key = keys.ES256 as TestKey;
    const cached = verifierWith({ cache: { maxEntries: 10 } });
    const token = await sign(key, { scope: 'read' });
    await cached.verify(token);
    await cached.verify(token);
    await expectReason(
      tamper(token, 'payload', (payload) => ({ ...payload, scope: 'admin' })),
      'signature_invalid',
      cached,
    );
  });
});

describe('verify: an application hook that throws', () => {
  it('changes no answer: a bad token still rejects with its AuthError, a good one still verifies', async () => {
    let calls = 0;
    const throwing = verifierWith({
      onEvent: () => {
        calls += 1;
        throw new Error('metrics backend down');
      },
    });
    const key = keys.ES256 as TestKey;
    await expectReason(
      tamper(await sign(key), 'payload', (payload) => ({ ...payload, sub: 'someone-else' })),
      'signature_invalid',
      throwing,
    );
    expect(calls).toBe(1);
    await expect(throwing.verify(await sign(key))).resolves.toMatchObject({ subject: expect.any(String) });
  });
});

describe('verify: signatures on the thread pool (verifyInThreadPool)', () => {
  it('gives the same answers as the calling thread, for every algorithm', async () => {
    const pooled = verifierWith({ verifyInThreadPool: true });
    for (const alg of ALGORITHMS) {
      const key = keys[alg] as TestKey;
      const token = await sign(key, { sub: `pool-${alg}` });
      const [onPool, onThread] = await Promise.all([pooled.verify(token), verifier.verify(token)]);
      expect(onPool).toMatchObject({ subject: `pool-${alg}`, alg });
      expect(onPool.claims).toEqual(onThread.claims);
      await expectReason(
        tamper(token, 'payload', (payload) => ({ ...payload, sub: 'mallory' })),
        'signature_invalid',
        pooled,
      );
      await expectReason(await sign(key, { exp: Math.floor(Date.now() / 1000) - 600 }), 'token_expired', pooled);
    }
  });

  it('really hands the check to the pool: the answer comes in a later turn of the event loop, not in microtasks', async () => {
    const pooled = verifierWith({ verifyInThreadPool: true });
    const token = await sign(keys.RS256 as TestKey);
    const settledAfterMicrotasks = async (using: Verifier<{ tenant: string }>): Promise<boolean> => {
      let settled = false;
      const pending = using.verify(token).then(() => {
        settled = true;
      });
      for (let i = 0; i < 10; i += 1) await Promise.resolve();
      const early = settled;
      await pending;
      return early;
    };
    expect(await settledAfterMicrotasks(verifier)).toBe(true);
    expect(await settledAfterMicrotasks(pooled)).toBe(false);
  });
});

describe('identities built to be cached by the hundred thousand', () => {
  it('share equal scope and audience lists and claim strings, and keep expiresAt and JSON as before', async () => {
    const shared = verifierWith();
    const key = keys.ES256 as TestKey;
    const first = await shared.verify(await sign(key, { scope: 'a b', client_id: 'c1' }));
    const second = await shared.verify(await sign(key, { scope: 'a b', client_id: 'c1' }));
    const other = await shared.verify(await sign(key, { scope: 'a c', client_id: 'c1' }));
    expect(second.claims).not.toBe(first.claims);
    expect(second.scopes).toBe(first.scopes);
    expect(second.audience).toBe(first.audience);
    expect(other.scopes).toEqual(['a', 'c']);
    expect(first.scopes).toEqual(['a', 'b']);
    expect(first.expiresAt).toBeInstanceOf(Date);
    expect(first.expiresAt.getTime()).toBe(first.claims.exp * 1000);
    const json = JSON.parse(JSON.stringify(first)) as Record<string, unknown>;
    expect(json.expiresAt).toBe(first.expiresAt.toISOString());
    expect(json.subject).toBe(first.subject);
    expect(Object.keys(first)).not.toContain('expiresAt');
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('a scope string and a scope array never share a list (separate tables)', async () => {
    const shared = verifierWith();
    const asString = await shared.verify(await sign(keys.ES256 as TestKey, { scope: 'x y' }));
    const asArray = await shared.verify(await sign(keys.ES256 as TestKey, { scp: ['x y'] }));
    expect(asString.scopes).toEqual(['x', 'y']);
    expect(asArray.scopes).toEqual(['x y']);
  });
});
