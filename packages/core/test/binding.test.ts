import { describe, expect, it } from 'vitest';
import { AuthError, AuthConfigError } from '../src/index.js';
import { normalizeHtu, requestUrl } from '../src/binding/htu.js';
import { parseTrustedProxies } from '../src/binding/mtls.js';
import { normalizeDpopOptions, normalizeMtlsOptions } from '../src/binding/options.js';
import { confirmationOf } from '../src/binding/confirmation.js';
import { createMemoryReplayCache } from '../src/binding/replay.js';

describe('htu normalisation (RFC 9449 §4.3, RFC 3986 §6.2)', () => {
  it('treats equivalent spellings alike and drops query and fragment', () => {
    const canonical = 'https://api.example.com/orders/1';
    for (const spelling of [
      'HTTPS://API.example.COM/orders/1',
      'https://api.example.com:443/orders/1',
      'https://api.example.com/orders/./1',
      'https://api.example.com/orders/x/../1',
      'https://api.example.com/%6Frders/1',
      'https://api.example.com/orders/1?query=1#fragment',
    ])
      expect(normalizeHtu(spelling), spelling).toBe(canonical);
  });

  it('keeps what differs different', () => {
    const canonical = normalizeHtu('https://api.example.com/orders/1');
    for (const other of [
      'http://api.example.com/orders/1',
      'https://api.example.com:8443/orders/1',
      'https://api.example.org/orders/1',
      'https://api.example.com/orders/1/',
      'https://api.example.com/orders%2F1',
      'https://api.example.com/Orders/1',
    ])
      expect(normalizeHtu(other), other).not.toBe(canonical);
    expect(normalizeHtu('https://user:pw@api.example.com/orders/1')).toBeUndefined();
    expect(normalizeHtu('ftp://api.example.com/x')).toBeUndefined();
    expect(normalizeHtu('/orders/1')).toBeUndefined();
  });

  it('builds the request URL from a clean Host only, and from origin-form targets only', () => {
    const request = (host: string, url: string) => ({ headers: { host }, url, method: 'GET' });
    expect(requestUrl(request('api.example.com:8080', '/a?b'), undefined)).toBe('http://api.example.com:8080/a');
    expect(requestUrl(request('[::1]:8080', '/a'), undefined)).toBe('http://[::1]:8080/a');
    for (const host of ['api.example.com/b#', 'api.example.com?', 'user@api.example.com', 'api.example.com:80:80', '']) {
      expect(requestUrl(request(host, '/a'), undefined), host).toBeUndefined();
    }
    expect(requestUrl(request('api.example.com', 'http://other.example/a'), undefined)).toBeUndefined();
    expect(requestUrl(request('api.example.com', '//other.example/a'), undefined)).toBeUndefined();
    expect(requestUrl(request('evil.example', '/a'), 'https://api.example.com/v1')).toBe('https://api.example.com/v1/a');
    expect(requestUrl({ ...request('evil.example', '/a'), protocol: 'https', host: 'api.example.com' }, undefined)).toBe('https://api.example.com/a');
  });
});

describe('trusted proxies', () => {
  it('matches addresses and CIDR ranges, IPv4-mapped IPv6 included', () => {
    const trusted = parseTrustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(trusted('10.20.30.40')).toBe(true);
    expect(trusted('::ffff:10.1.2.3')).toBe(true);
    expect(trusted('192.168.1.7')).toBe(true);
    expect(trusted('192.168.1.8')).toBe(false);
    expect(trusted('11.0.0.1')).toBe(false);
    expect(trusted('fd12::1')).toBe(true);
    expect(trusted('fe80::1')).toBe(false);
    expect(trusted('not-an-ip')).toBe(false);
  });

  it('refuses what is not an address or range', () => {
    for (const entries of [[], ['10.0.0.0/33'], ['10.0.0.0/8/1'], ['example.com'], ['::1/129'], [42]]) {
      expect(() => parseTrustedProxies(entries), JSON.stringify(entries)).toThrow(AuthConfigError);
    }
  });
});

describe('options', () => {
  it('validates dpop and mtls options with messages that say what to fix', () => {
    expect(() => normalizeDpopOptions({ mode: 'on' as never })).toThrow(/dpop.mode/);
    expect(() => normalizeDpopOptions({ algorithms: ['HS256' as never] })).toThrow(/HS256/);
    expect(() => normalizeDpopOptions({ iatWindow: -1 })).toThrow(/iatWindow/);
    expect(() => normalizeDpopOptions({ iatWindow: 86_400 })).toThrow(/iatWindow/);
    expect(() => normalizeDpopOptions({ replayCache: {} as never })).toThrow(/checkAndStore/);
    expect(() => normalizeDpopOptions({ publicUrl: 'https://api.example.com/?q' })).toThrow(/publicUrl/);
    expect(() => normalizeMtlsOptions({ certificate: { header: 'bad header', trustedProxies: ['10.0.0.1'] } })).toThrow(/mtls.certificate/);
    expect(normalizeDpopOptions(undefined)).toMatchObject({ mode: 'allowed', iatWindow: 60, algs: ['ES256', 'EdDSA', 'RS256', 'PS256'] });
  });
});

describe('cnf', () => {
  const jkt = 'A'.repeat(43);
  it('reads jkt and x5t#S256, ignores other methods, refuses what it cannot check', () => {
    expect(confirmationOf(undefined, 'api')).toBeUndefined();
    expect(confirmationOf({ jkt }, 'api')).toEqual({ jkt });
    expect(confirmationOf({ 'x5t#S256': jkt }, 'api')).toEqual({ 'x5t#S256': jkt });
    expect(confirmationOf({ jwk: {} }, 'api')).toBeUndefined();
    for (const cnf of ['x', [jkt], { jkt: 1 }, { jkt: 'short' }, { 'x5t#S256': null }]) {
      expect(() => confirmationOf(cnf, 'api'), JSON.stringify(cnf)).toThrow(AuthError);
    }
  });
});

describe('the in-memory replay cache', () => {
  it('answers true once per key', () => {
    const cache = createMemoryReplayCache(10);
    const expiresAt = Date.now() / 1000 + 60;
    expect(cache.checkAndStore('k', expiresAt)).toBe(true);
    expect(cache.checkAndStore('k', expiresAt)).toBe(false);
    expect(cache.checkAndStore('other', expiresAt)).toBe(true);
  });
});

describe('challenges', () => {
  it('puts the error on the DPoP challenge for DPoP requests, Bearer challenge beside it', () => {
    const error = new AuthError('dpop_proof_invalid', { realm: 'api' }).withDpop({ algs: ['ES256'], bearer: true, scheme: 'dpop' });
    expect(error.wwwAuthenticate).toBe(
      'DPoP realm="api", error="invalid_dpop_proof", error_description="The DPoP proof is invalid", algs="ES256", Bearer realm="api"',
    );
    const nonce = new AuthError('dpop_nonce_required').withDpop({ algs: ['ES256'], bearer: false, scheme: 'dpop', nonce: 'n-1' });
    expect(nonce.headers['dpop-nonce']).toBe('n-1');
    expect(nonce.wwwAuthenticate).toBe(
      'DPoP realm="api", error="use_dpop_nonce", error_description="Use the DPoP nonce the server provided", algs="ES256"',
    );
    expect(new AuthError('signature_invalid').wwwAuthenticate).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The token signature is invalid"',
    );
  });
});
