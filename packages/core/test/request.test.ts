import { describe, expect, it } from 'vitest';
import { AuthConfigError, AuthError, authErrorResponse, createRequestAuthenticator, type Identity, type Verifier } from '@authgate/core';

// A stand-in verifier: these tests are about finding the token, not about checking it.
const seen: string[] = [];
const verifier: Verifier = {
  realm: 'test',
  async verify(token) {
    seen.push(token);
    if (token === 'bad') throw new AuthError('signature_invalid', { realm: 'test' });
    return { subject: token } as unknown as Identity;
  },
  async ready() {},
  health: () => ({ ok: true, issuers: [] }),
  close() {},
};

async function outcome(promise: Promise<Identity | null>): Promise<string> {
  try {
    const identity = await promise;
    return identity === null ? 'anonymous' : `ok:${identity.subject}`;
  } catch (error) {
    return (error as AuthError).reason;
  }
}

describe('createRequestAuthenticator', () => {
  const headerOnly = createRequestAuthenticator(verifier);

  it('reads the Authorization header only, by default', async () => {
    expect(await outcome(headerOnly({ headers: { authorization: 'Bearer abc' } }))).toBe('ok:abc');
    expect(await outcome(headerOnly({ headers: {}, query: { access_token: 'abc' } }))).toBe('credentials_missing');
    expect(await outcome(headerOnly({ headers: { cookie: 'access_token=abc' } }))).toBe('credentials_missing');
    expect(await outcome(headerOnly({ headers: {}, body: { access_token: 'abc' } }))).toBe('credentials_missing');
  });

  it('refuses two Authorization headers (Node keeps only the first; rawHeaders shows both)', async () => {
    const request = { headers: { authorization: 'Bearer one' }, rawHeaders: ['Authorization', 'Bearer one', 'authorization', 'Bearer two'] };
    expect(await outcome(headerOnly(request))).toBe('multiple_credentials');
  });

  it('optional auth: anonymous without credentials, but a bad token is still refused', async () => {
    const optional = createRequestAuthenticator(verifier, { optional: true });
    expect(await outcome(optional({ headers: {} }))).toBe('anonymous');
    expect(await outcome(optional({ headers: { authorization: 'Bearer bad' } }))).toBe('signature_invalid');
    expect(await outcome(optional({ headers: { authorization: 'Bearer a b' } }))).toBe('malformed_request');
  });

  it('reads opt-in locations, and refuses a token sent in two places (RFC 6750 §2)', async () => {
    const everywhere = createRequestAuthenticator(verifier, { tokenLocations: { cookie: 'at', query: true, body: 'token' } });
    expect(await outcome(everywhere({ headers: { cookie: 'x=1; at=fromcookie' } }))).toBe('ok:fromcookie');
    expect(await outcome(everywhere({ headers: {}, query: { access_token: 'fromquery' } }))).toBe('ok:fromquery');
    expect(await outcome(everywhere({ headers: {}, body: { token: 'frombody' } }))).toBe('ok:frombody');
    expect(await outcome(everywhere({ headers: { authorization: 'Bearer h' }, query: { access_token: 'q' } }))).toBe('multiple_credentials');
    expect(await outcome(everywhere({ headers: {}, query: { access_token: ['a', 'b'] } }))).toBe('malformed_request');
  });

  it('refuses a configuration that reads tokens from nowhere', () => {
    expect(() => createRequestAuthenticator(verifier, { tokenLocations: { header: false } })).toThrow(AuthConfigError);
  });
});

describe('authErrorResponse', () => {
  it('maps an AuthError to status, challenge and body', () => {
    expect(authErrorResponse(new AuthError('token_expired', { realm: 'r' }))).toEqual({
      status: 401,
      headers: {
        'cache-control': 'no-store',
        'www-authenticate': 'Bearer realm="r", error="invalid_token", error_description="The access token expired"',
      },
      body: { error: 'invalid_token', error_description: 'The access token expired' },
    });
    const outage = authErrorResponse(new AuthError('key_source_unavailable'));
    expect(outage.status).toBe(503);
    expect(outage.headers['www-authenticate']).toBeUndefined();
    expect(outage.headers['retry-after']).toBe('5');
  });
});
