import { describe, expect, it } from 'vitest';
import { AuthError, renderChallenge } from '@authgate/core';

describe('AuthError', () => {
  it('has a name, a stable reason, the RFC 6750 code and the HTTP status', () => {
    const error = new AuthError('token_expired');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AuthError');
    expect(error.reason).toBe('token_expired');
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.message).toBe('The access token expired');
  });

  it('renders the exact challenge for each class of failure', () => {
    expect(new AuthError('credentials_missing').wwwAuthenticate).toBe('Bearer realm="api"');
    expect(new AuthError('malformed_request', { realm: 'orders' }).wwwAuthenticate).toBe(
      'Bearer realm="orders", error="invalid_request", error_description="Malformed Authorization header"',
    );
    expect(new AuthError('insufficient_scope', { scopes: ['orders:read', 'orders:write'] }).wwwAuthenticate).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read orders:write"',
    );
    expect(new AuthError('insufficient_scope').status).toBe(403);
  });

  it('sends no challenge for an outage on our side (503)', () => {
    const error = new AuthError('key_source_unavailable');
    expect(error.status).toBe(503);
    expect(error.wwwAuthenticate).toBeUndefined();
    expect(error.toJSON()).toEqual({ error: 'temporarily_unavailable', error_description: 'Token keys are temporarily unavailable' });
  });

  it('carries the headers a framework error handler sends (err.headers)', () => {
    expect(new AuthError('token_expired').headers).toEqual({
      'cache-control': 'no-store',
      'www-authenticate': 'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    });
    expect(new AuthError('key_source_unavailable').headers).toEqual({ 'cache-control': 'no-store', 'retry-after': '5' });
    expect(new AuthError('insufficient_scope').statusCode).toBe(403);
  });

  it('quotes realm values per RFC 7235', () => {
    expect(renderChallenge('a "quoted" \\ realm', undefined, '', [])).toBe('Bearer realm="a \\"quoted\\" \\\\ realm"');
  });

  it('keeps every description inside the RFC 6750 error_description alphabet', () => {
    const reasons = [
      'credentials_missing',
      'malformed_token',
      'signature_invalid',
      'token_expired',
      'audience_mismatch',
      'insufficient_scope',
      'unknown_key',
    ] as const;
    for (const reason of reasons) expect(new AuthError(reason).description).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
  });
});
