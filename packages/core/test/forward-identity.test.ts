import { createPrivateKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthConfigError, createIdentityForwarder, createRequestAuthenticator, createVerifier, type Identity } from '@authgate/core';
import { identitySigningKey } from '../../../test/helpers/identity-key.js';

function identity(claims: Record<string, unknown> = {}, overrides: Partial<Identity> = {}): Identity {
  const exp = typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000) + 300;
  return {
    subject: 'user-1',
    issuer: 'https://idp.test/',
    audience: ['api'],
    scopes: ['orders:read', 'orders:write'],
    roles: Array.isArray(claims.roles) ? claims.roles : ['admin', 'ops'],
    clientId: typeof claims.client_id === 'string' ? claims.client_id : 'web',
    claims: { iss: 'https://idp.test/', aud: 'api', exp, sub: 'user-1', roles: ['admin', 'ops'], client_id: 'web', ...claims },
    expiresAt: new Date(exp * 1000),
    kid: 'k',
    alg: 'RS256',
    ...overrides,
  } as Identity;
}

describe('forwardIdentity headers', () => {
  it('sends the default headers for a verified identity', () => {
    const forwarder = createIdentityForwarder(true)!;
    const caller = identity();
    const headers = forwarder.headersFor(caller);
    expect(headers).toEqual({
      'x-user-id': 'user-1',
      'x-user-role': 'admin,ops',
      'x-scope': 'orders:read orders:write',
      'x-client-id': 'web',
      'x-token-issuer': 'https://idp.test/',
      'x-token-expires': String(caller.claims.exp),
    });
    expect(forwarder.jwks).toBeUndefined();
  });

  it('encodes CR, LF, %, non-ASCII and list separators so no value can split a header or a list', () => {
    const forwarder = createIdentityForwarder(true)!;
    const headers = forwarder.headersFor(identity({ roles: ['a,b', 'c'] }, { subject: 'évil\r\nx-user-role: admin%' }));
    expect(headers['x-user-id']).toBe('%C3%A9vil%0D%0Ax-user-role: admin%25');
    expect(decodeURIComponent(headers['x-user-id']!)).toBe('évil\r\nx-user-role: admin%');
    expect(headers['x-user-role']).toBe('a%2Cb,c');
    for (const value of Object.values(headers)) expect(value).toMatch(/^[\x20-\x7E]*$/);
  });

  it('leaves out a value that is too long instead of cutting it (a cut id could name someone else)', () => {
    const headers = createIdentityForwarder(true)!.headersFor(identity({}, { subject: 'u'.repeat(5000) }));
    expect(headers['x-user-id']).toBeUndefined();
    expect(headers['x-token-issuer']).toBe('https://idp.test/');
  });

  it('renames, drops and adds headers from claim paths', () => {
    const forwarder = createIdentityForwarder({
      headers: { 'x-user-id': false, 'X-Subject': 'sub', 'x-tenant': ['org', 'tenant'], 'x-groups': 'groups', 'x-missing': 'nope' },
    })!;
    const headers = forwarder.headersFor(identity({ org: { tenant: 'acme' }, groups: ['g1', 'g,2'] }));
    expect(headers['x-user-id']).toBeUndefined();
    expect(headers['x-subject']).toBe('user-1');
    expect(headers['x-tenant']).toBe('acme');
    expect(headers['x-groups']).toBe('g1,g%2C2');
    expect('x-missing' in headers).toBe(false);
  });

  it('strips every spelling of every configured header (dropped ones and the assertion too), and sets its own', () => {
    const forwarder = createIdentityForwarder({ headers: { 'x-user-role': false, 'x-tenant': 'tid' } })!;
    const request = {
      headers: {
        'x-user-id': 'spoof',
        x_user_id: 'spoof',
        'x-user_id': 'spoof',
        x_user_role: 'admin',
        'x-tenant': 'other',
        'x-authgate-identity': 'forged',
        accept: '*/*',
      } as Record<string, string | undefined>,
      rawHeaders: [
        'X-User-Id',
        'spoof',
        'X_USER_ID',
        'spoof',
        'x-user_id',
        'spoof',
        'X_User_Role',
        'admin',
        'X-Tenant',
        'other',
        'X-Authgate-Identity',
        'forged',
        'Accept',
        '*/*',
      ],
    };
    forwarder.strip(request);
    expect(request.headers).toEqual({ accept: '*/*' });
    expect(request.rawHeaders).toEqual(['Accept', '*/*']);
    forwarder.apply(request, identity({ tid: 't1' }));
    expect(request.headers['x-user-id']).toBe('user-1');
    expect(request.headers['x-tenant']).toBe('t1');
    expect(request.headers['x-user-role']).toBeUndefined();
  });

  it("token: 'strip' removes Authorization once verified", () => {
    const forwarder = createIdentityForwarder({ token: 'strip' })!;
    const request = { headers: { authorization: 'Bearer x' } as Record<string, string | undefined>, rawHeaders: ['Authorization', 'Bearer x'] };
    forwarder.strip(request);
    expect(request.headers.authorization).toBe('Bearer x');
    forwarder.apply(request, identity());
    expect(request.headers.authorization).toBeUndefined();
    expect(request.rawHeaders).toEqual([]);
  });

  it('refuses bad configuration with errors that name the field', () => {
    const bad: unknown[] = [
      { headers: { 'bad name': 'sub' } },
      { headers: { authorization: 'sub' } },
      { headers: { 'x-a': 42 } },
      { headers: { 'x-a': [] } },
      { headers: { 'x-a_b': 'sub', 'x-a-b': 'sub' } },
      { token: 'keep' },
      { sign: { key: { kty: 'RSA' }, issuer: 'gw', audience: 'svc' } },
      { sign: { key: { ...identitySigningKey(), d: undefined }, issuer: 'gw', audience: 'svc' } },
      { sign: { key: { ...identitySigningKey(), kid: undefined }, issuer: 'gw', audience: 'svc' } },
      { sign: { key: identitySigningKey(), issuer: '', audience: 'svc' } },
      { sign: { key: identitySigningKey(), issuer: 'gw', audience: 'svc', ttl: -1 } },
    ];
    for (const options of bad) {
      expect(() => createIdentityForwarder(options as never), JSON.stringify(options)).toThrow(AuthConfigError);
      expect(() => createIdentityForwarder(options as never)).toThrow(/forwardIdentity/);
    }
    expect(createIdentityForwarder(false)).toBeUndefined();
  });
});

describe('signed identity assertion', () => {
  const key = identitySigningKey('gw-1');
  const forwarder = createIdentityForwarder({ sign: { key, issuer: 'https://gateway.test', audience: 'orders-svc', ttl: 30 } })!;
  const service = createVerifier({
    issuer: 'https://gateway.test',
    audience: 'orders-svc',
    algorithms: ['ES256'],
    jwks: forwarder.jwks!,
    typ: 'authgate-identity+jwt',
  });
  const authenticate = createRequestAuthenticator(service, { tokenLocations: { header: 'x-authgate-identity' } });

  it('publishes only the public half of the key', () => {
    expect(forwarder.jwks!.keys).toHaveLength(1);
    const [jwk] = forwarder.jwks!.keys;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'gw-1', alg: 'ES256', use: 'sig', x: key.x, y: key.y });
    expect(jwk).not.toHaveProperty('d');
  });

  it('round-trips through the ordinary verifier, read from its own header', async () => {
    const headers = forwarder.headersFor(identity());
    const verified = await authenticate({ headers: { 'x-authgate-identity': headers['x-authgate-identity'] } });
    expect(verified?.subject).toBe('user-1');
    expect(verified?.scopes).toEqual(['orders:read', 'orders:write']);
    expect(verified?.claims).toMatchObject({ roles: ['admin', 'ops'], client_id: 'web', token_iss: 'https://idp.test/' });
    expect(verified!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(31_000);
  });

  it('is refused when re-signed with another key, expired, or sent twice; Authorization is not read', async () => {
    const assertion = forwarder.headersFor(identity())['x-authgate-identity']!;
    const [h, p] = assertion.split('.');
    const stranger = createPrivateKey({ key: identitySigningKey('gw-1') as never, format: 'jwk' });
    const forged = `${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), { key: stranger, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    await expect(authenticate({ headers: { 'x-authgate-identity': forged } })).rejects.toMatchObject({ reason: 'signature_invalid' });

    const expiredIdentity = identity({ exp: Math.floor(Date.now() / 1000) - 60 });
    const expired = forwarder.headersFor(expiredIdentity)['x-authgate-identity']!;
    await expect(authenticate({ headers: { 'x-authgate-identity': expired } })).rejects.toMatchObject({ reason: 'token_expired' });

    const twice = { headers: { 'x-authgate-identity': assertion }, rawHeaders: ['X-Authgate-Identity', assertion, 'x-authgate-identity', assertion] };
    await expect(authenticate(twice)).rejects.toMatchObject({ reason: 'multiple_credentials' });
    await expect(authenticate({ headers: { authorization: `Bearer ${assertion}` } })).rejects.toMatchObject({ reason: 'credentials_missing' });
  });

  it('never outlives the access token it vouches for', () => {
    const soon = Math.floor(Date.now() / 1000) + 10;
    const assertion = forwarder.headersFor(identity({ exp: soon }))['x-authgate-identity']!;
    const payload = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString()) as { exp: number };
    expect(payload.exp).toBe(soon);
  });
});
