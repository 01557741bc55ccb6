import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthConfigError } from '@authgate/core';
import { identitySigningKey } from '../../../test/helpers/identity-key.js';
import { createGateway, loadConfigFile, normalizePath, type GatewayConfig } from '@authgate/gateway';

const { d: _private, ...publicJwk } = identitySigningKey('k1');
const verifier = { issuer: 'https://idp.test/', audience: 'api', algorithms: ['ES256'], jwks: { keys: [publicJwk] } } as GatewayConfig['verifier'];
const base: GatewayConfig = { verifier, logLevel: 'silent' };

function configErrorOf(config: unknown): string {
  try {
    createGateway(config as GatewayConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('config validation names the bad field', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no verifier', { rules: [] }, /config verifier is required/],
    ['a verifier option core refuses', { verifier: { ...verifier, audience: undefined } }, /config verifier: audience is required/],
    ['an unknown setting', { ...base, rule: [] }, /config unknown option rule: did you mean rules\?/],
    ['rules not a list', { ...base, rules: {} }, /config rules must be a list/],
    ['a path without /', { ...base, rules: [{ path: 'orders', auth: 'required' }] }, /rules\[0\]\.path must be a string starting with "\/"/],
    [
      'a wildcard inside',
      {
        ...base,
        rules: [
          { path: '/a', auth: 'public' },
          { path: '/o*/x', auth: 'required' },
        ],
      },
      /rules\[1\]\.path may contain "\*" only as a final/,
    ],
    ['a dot segment', { ...base, rules: [{ path: '/a/../b', auth: 'public' }] }, /rules\[0\]\.path must be in normalized form/],
    ['an escape', { ...base, rules: [{ path: '/a%2e', auth: 'public' }] }, /rules\[0\]\.path must be written decoded/],
    ['a bad auth', { ...base, rules: [{ path: '/a', auth: 'optional' }] }, /rules\[0\]\.auth must be "public" or "required"/],
    [
      'scopes on a public path',
      { ...base, rules: [{ path: '/a', auth: 'public', scopes: ['x'] }] },
      /rules\[0\]: scopes, anyScopes and roles need auth "required"/,
    ],
    ['an invalid scope', { ...base, rules: [{ path: '/a', auth: 'required', scopes: ['a b'] }] }, /rules\[0\]\.scopes: invalid scope/],
    ['an empty role list', { ...base, rules: [{ path: '/a', auth: 'required', roles: [] }] }, /rules\[0\]\.roles must be a non-empty list/],
    [
      'an unknown rule field',
      { ...base, rules: [{ path: '/a', auth: 'required', scope: ['x'] }] },
      /config unknown option rules\[0\]\.scope: did you mean rules\[0\]\.scopes\?/,
    ],
    ['a bad method', { ...base, rules: [{ path: '/a', auth: 'required', methods: ['GE T'] }] }, /rules\[0\]\.methods must be HTTP method names/],
    ['a bad proxy address', { ...base, trustedProxies: ['10.0.0.0/8', 'example.com'] }, /trustedProxies\[1\] "example.com" is not an IP address/],
    ['a bad prefix length', { ...base, trustedProxies: ['10.0.0.0/33'] }, /trustedProxies\[0\] "10.0.0.0\/33" has an invalid prefix length/],
    ['a bad pathPrefix', { ...base, pathPrefix: 'authz/' }, /config pathPrefix must be a path/],
    [
      'a bad forwardIdentity',
      { ...base, forwardIdentity: { headers: { 'x-a': 7 } } },
      /config forwardIdentity: forwardIdentity\.headers\.x-a must be/,
    ],
    [
      'a bad signing key',
      { ...base, forwardIdentity: { sign: { key: { kty: 'EC', crv: 'P-384' }, issuer: 'gw', audience: 's' } } },
      /forwardIdentity\.sign\.key must be an EC P-256 JWK/,
    ],
    ['a bad log level', { ...base, logLevel: 'loud' }, /config logLevel must be one of/],
  ];
  it.each(cases)('%s', (_name, config, message) => {
    expect(configErrorOf(config)).toMatch(message);
  });

  it('names a provider preset that does not exist, and a preset argument that is wrong', () => {
    expect(configErrorOf({ ...base, verifier: { provider: 'nope', audience: 'api' } })).toMatch(
      /verifier\.provider "nope" is not a preset \(auth0, okta, /,
    );
    expect(configErrorOf({ ...base, verifier: { provider: 'kubernetes', audience: 'api' } })).toMatch(
      /config verifier \(provider kubernetes\): providers\.kubernetes/,
    );
  });
});

describe('config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authgate-gateway-config-'));

  it('reads JSON and YAML into the same config', () => {
    const json = join(dir, 'gateway.json');
    const yaml = join(dir, 'gateway.yaml');
    writeFileSync(json, JSON.stringify({ verifier, rules: [{ methods: ['GET'], path: '/docs/*', auth: 'public' }] }));
    writeFileSync(
      yaml,
      [
        'verifier:',
        '  issuer: https://idp.test/',
        '  audience: api',
        '  algorithms: [ES256]',
        `  jwks: { keys: [${JSON.stringify(publicJwk)}] }`,
        'rules:',
        '  - methods: [GET]',
        '    path: /docs/*',
        '    auth: public',
      ].join('\n'),
    );
    expect(loadConfigFile(yaml)).toEqual(loadConfigFile(json));
  });

  it('names the file when it cannot be read or parsed', () => {
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(/missing\.json cannot be read \(ENOENT\)/);
    writeFileSync(join(dir, 'broken.yml'), 'verifier: [unclosed');
    expect(() => loadConfigFile(join(dir, 'broken.yml'))).toThrow(/broken\.yml is not valid YAML/);
    writeFileSync(join(dir, 'broken.json'), '{ "verifier": ');
    expect(() => loadConfigFile(join(dir, 'broken.json'))).toThrow(/broken\.json is not valid JSON/);
  });
});

describe('normalizePath (RFC 3986 §5.2.4, with every escape decoded)', () => {
  it.each([
    ['/a/b?x=1#f', '/a/b'],
    ['/docs/../admin', '/admin'],
    ['/docs/%2e%2e/admin', '/admin'],
    ['/docs/%2E%2e/admin', '/admin'],
    ['/a/./b/.', '/a/b'],
    ['/../../etc', '/etc'],
    ['//a///b/', '/a/b'],
    ['/%61dmin', '/admin'],
    ['/files/a%20b', '/files/a b'],
    ['/caf%C3%A9', '/café'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizePath(raw)).toBe(expected);
  });

  it.each(['', 'admin', 'http://x/admin', '/a%2Fb', '/a%5cb', '/a\\b', '/a%zz', '/a%00', '/a%C3', '/a b', '/é'])('refuses %j', (raw) => {
    expect(normalizePath(raw)).toBeUndefined();
  });
});
