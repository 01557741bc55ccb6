import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, createRequestAuthenticator, createTokenExchange, createVerifier, TokenExchangeError, TOKEN_TYPE } from '@authgate/core';
import { AUDIENCE, ISSUER, makeKey, sign } from './helpers/keys.js';
import { sendJson, startTestServer, type TestServer } from './remote-helpers.js';

/** The token endpoint as the exchanging client sees it: what it sends, and how it reads each kind of answer. */
let server: TestServer;
const received: Array<{ form: URLSearchParams; authorization: string | undefined }> = [];
let answer: (res: import('node:http').ServerResponse) => void;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/token', (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ form: new URLSearchParams(body), authorization: req.headers.authorization });
      answer(res);
    });
  });
});
afterAll(() => server.close());

const ok =
  (extra: Record<string, unknown> = {}) =>
  (res: import('node:http').ServerResponse): void =>
    sendJson(res, {
      access_token: `downstream-${received.length}`,
      token_type: 'Bearer',
      issued_token_type: TOKEN_TYPE.accessToken,
      expires_in: 300,
      ...extra,
    });

function client(extra: Record<string, unknown> = {}) {
  return createTokenExchange({ tokenEndpoint: server.url('/token'), clientId: 'svc-a', clientSecret: 'svc-a-secret-123', ...extra });
}

describe('createTokenExchange: the request and the answer', () => {
  it('sends RFC 8693 with every parameter, authenticated with client_secret_basic', async () => {
    answer = ok();
    received.length = 0;
    await client().exchange('user-token', {
      audience: ['b', 'c'],
      resource: 'https://b.example/',
      scope: ['x', 'y', 'x'],
      actorToken: 'actor-token',
      requestedTokenType: TOKEN_TYPE.jwt,
    });
    const { form, authorization } = received[0]!;
    expect(Object.fromEntries([...new Set(form.keys())].map((key) => [key, form.getAll(key)]))).toEqual({
      grant_type: ['urn:ietf:params:oauth:grant-type:token-exchange'],
      subject_token: ['user-token'],
      subject_token_type: [TOKEN_TYPE.accessToken],
      audience: ['b', 'c'],
      resource: ['https://b.example/'],
      actor_token: ['actor-token'],
      actor_token_type: [TOKEN_TYPE.accessToken],
      requested_token_type: [TOKEN_TYPE.jwt],
      scope: ['x y'],
    });
    expect(authorization).toMatch(/^Basic /);
  });

  it("Entra's on-behalf-of mode: jwt-bearer grant, the token as assertion, requested_token_use, scope; client_secret_post", async () => {
    answer = (res) =>
      sendJson(res, { token_type: 'Bearer', scope: 'api://b/orders.read', expires_in: '3599', ext_expires_in: 3599, access_token: 'obo-token' });
    received.length = 0;
    const obo = client({ mode: 'on-behalf-of', clientAuth: 'client_secret_post' });
    const token = await obo.exchange('user-token', { scope: 'api://b/.default' });
    expect(Object.fromEntries(received[0]!.form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: 'user-token',
      requested_token_use: 'on_behalf_of',
      scope: 'api://b/.default',
      client_id: 'svc-a',
      client_secret: 'svc-a-secret-123',
    });
    expect(token).toEqual({
      accessToken: 'obo-token',
      tokenType: 'Bearer',
      issuedTokenType: TOKEN_TYPE.accessToken,
      expiresIn: 3599,
      scope: 'api://b/orders.read',
    });
    await expect(obo.exchange('user-token', { audience: 'b', scope: 'x' })).rejects.toThrow(AuthConfigError);
    await expect(obo.exchange('user-token', {})).rejects.toThrow(/needs scope/);
  });

  it('caches per subject token, audience, scope (in any order) and actor token; clear() forgets', async () => {
    answer = ok();
    received.length = 0;
    const exchanger = client();
    const first = await exchanger.exchange('t1', { audience: 'b', scope: 'x y' });
    expect(await exchanger.exchange('t1', { audience: 'b', scope: ['y', 'x'] })).toBe(first);
    await exchanger.exchange('t2', { audience: 'b', scope: 'x y' });
    await exchanger.exchange('t1', { audience: 'c', scope: 'x y' });
    await exchanger.exchange('t1', { audience: 'b', scope: 'x' });
    await exchanger.exchange('t1', { audience: 'b', scope: 'x y', actorToken: 'a1' });
    expect(received).toHaveLength(5);
    exchanger.clear();
    await exchanger.exchange('t1', { audience: 'b', scope: 'x y' });
    expect(received).toHaveLength(6);
  });

  it('does not cache an answer without expires_in, or with cache: false', async () => {
    answer = ok({ expires_in: undefined });
    received.length = 0;
    const exchanger = client();
    await exchanger.exchange('t1', { audience: 'b' });
    await exchanger.exchange('t1', { audience: 'b' });
    answer = ok();
    const uncached = client({ cache: false });
    await uncached.exchange('t1', { audience: 'b' });
    await uncached.exchange('t1', { audience: 'b' });
    expect(received).toHaveLength(4);
  });

  it('refuses answers that are not token responses, with invalid_response', async () => {
    const cases: Array<[(res: import('node:http').ServerResponse) => void, number | undefined]> = [
      [(res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'), 200],
      [(res) => sendJson(res, { token_type: 'Bearer' }), 200],
      [(res) => sendJson(res, { access_token: 'x' }), 200],
      [(res) => sendJson(res, { access_token: 'x', token_type: 'Bearer', expires_in: 'soon' }), 200],
      [(res) => res.writeHead(502).end('bad gateway'), 502],
    ];
    for (const [handler, status] of cases) {
      answer = handler;
      const error = await client({ cache: false })
        .exchange('t1', { audience: 'b' })
        .catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(TokenExchangeError);
      expect([(error as TokenExchangeError).code, (error as TokenExchangeError).status]).toEqual(['invalid_response', status]);
    }
  });

  it('forDownstream refuses a token that is not a bearer token', async () => {
    answer = ok({ token_type: 'N_A', issued_token_type: 'urn:ietf:params:oauth:token-type:id_token' });
    await expect(client().forDownstream('t1', { audience: 'b' })).rejects.toMatchObject({ code: 'unsupported_token_type' });
  });

  it('validates options and calls', async () => {
    expect(() => createTokenExchange({ clientId: 'a', clientSecret: 'b' })).toThrow(/issuer .* or tokenEndpoint/);
    expect(() => createTokenExchange({ tokenEndpoint: 'http://idp.example.com/token', clientId: 'a', clientSecret: 'b' })).toThrow(
      /tokenExchange.tokenEndpoint/,
    );
    expect(() => createTokenExchange({ tokenEndpoint: server.url('/token'), clientId: 'a' })).toThrow(/tokenExchange.clientSecret/);
    expect(() => client({ mode: 'impersonate' })).toThrow(/tokenExchange.mode/);
    await expect(client().exchange('', { audience: 'b' })).rejects.toThrow(AuthConfigError);
    await expect(client().exchange('t', {})).rejects.toThrow(/audience or resource/);
  });
});

describe('the request authenticator with tokenExchange', () => {
  it("binds exchange() to the request's own token; the identity keeps its members and never shows the token", async () => {
    answer = ok();
    received.length = 0;
    const key = await makeKey('ES256');
    const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks: { keys: [key.publicJwk] } });
    const authenticate = createRequestAuthenticator(verifier, { tokenExchange: client() });
    const token = await sign(key, { sub: 'alice' });
    for (let round = 0; round < 3; round += 1) {
      const identity = await authenticate({ headers: { authorization: `Bearer ${token}` } });
      expect(identity?.subject).toBe('alice');
      expect(identity?.expiresAt).toBeInstanceOf(Date);
      expect(JSON.stringify(identity)).not.toContain(token.split('.')[2]);
      expect((await identity!.exchange!({ audience: 'b' })).accessToken).toBe('downstream-1');
    }
    expect(received.map((entry) => entry.form.get('subject_token'))).toEqual([token]);
    const plain = await createRequestAuthenticator(verifier)({ headers: { authorization: `Bearer ${token}` } });
    expect(plain?.exchange).toBeUndefined();
  });
});
