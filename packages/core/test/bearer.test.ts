import { describe, expect, it } from 'vitest';
import { AuthError, extractBearer } from '@authgate/core';

function reasonOf(value: string | undefined): [string, number, string | undefined] {
  try {
    extractBearer(value);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    const authError = error as AuthError;
    return [authError.reason, authError.status, authError.code];
  }
  throw new Error('expected a rejection');
}

describe('extractBearer (RFC 6750 §2.1)', () => {
  it('returns the token exactly, with the scheme in any case', () => {
    expect(extractBearer('Bearer abc.DEF-_~+/=')).toBe('abc.DEF-_~+/=');
    expect(extractBearer('bearer abc')).toBe('abc');
    expect(extractBearer('BEARER abc')).toBe('abc');
    expect(extractBearer('BeArEr   abc')).toBe('abc');
  });

  it('answers a missing or empty header with a bare 401 challenge (no error code)', () => {
    expect(reasonOf(undefined)).toEqual(['credentials_missing', 401, undefined]);
    expect(reasonOf('')).toEqual(['credentials_missing', 401, undefined]);
    expect(reasonOf('   ')).toEqual(['credentials_missing', 401, undefined]);
  });

  it('treats another scheme as no bearer credentials, not as a malformed request', () => {
    expect(reasonOf('Basic dXNlcjpwYXNz')).toEqual(['unsupported_scheme', 401, undefined]);
    expect(reasonOf('DPoP abc')).toEqual(['unsupported_scheme', 401, undefined]);
    expect(reasonOf('Bearerabc')).toEqual(['unsupported_scheme', 401, undefined]);
  });

  it('refuses malformed bearer credentials with 400 invalid_request', () => {
    for (const value of [
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Bearer a,b',
      'Bearer "abc"',
      'Bearer a\tb',
      'Bearer ab=c',
      'Bearer abc, Bearer def',
      'Bearer é',
      ':::',
      'Bearer abc\n',
      'Bearer \u00a0abc',
      '\ufeffBearer abc',
    ]) {
      expect(reasonOf(value), value).toEqual(['malformed_request', 400, 'invalid_request']);
    }
  });

  it('never puts the credentials into the error', () => {
    try {
      extractBearer('Bearer secret-token-value another');
    } catch (error) {
      const authError = error as AuthError;
      expect(JSON.stringify({ ...authError, message: authError.message, challenge: authError.wwwAuthenticate })).not.toContain('secret-token-value');
    }
  });
});
