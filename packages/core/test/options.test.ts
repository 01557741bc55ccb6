import { describe, expect, it } from 'vitest';
import { AuthConfigError, createVerifier, type VerifierOptions } from '@authgate/core';

const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k', use: 'sig' }] };
const base: VerifierOptions = { issuer: 'https://idp.example.com/', audience: 'api', algorithms: ['EdDSA'], jwks };

function configError(options: unknown): string {
  try {
    createVerifier(options as VerifierOptions).close();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an AuthConfigError');
}

describe('configuration is validated at construction', () => {
  it('accepts a minimal valid configuration', () => {
    expect(() => createVerifier(base).close()).not.toThrow();
  });

  it('requires issuer, audience and algorithms, naming the fix', () => {
    expect(configError({ ...base, issuer: undefined })).toMatch(/issuer is required/);
    expect(configError({ ...base, audience: undefined })).toMatch(/audience is required/);
    expect(configError({ ...base, algorithms: undefined })).toMatch(/algorithms is required/);
    expect(configError({ ...base, algorithms: [] })).toMatch(/algorithms is required/);
    expect(configError({ ...base, audience: [] })).toMatch(/audience must name at least one/);
    expect(configError(undefined)).toMatch(/options are required/);
  });

  it('refuses none and HMAC in any casing', () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) expect(configError({ ...base, algorithms: [alg] })).toMatch(/"none"/);
    for (const alg of ['HS256', 'hs384', 'HS512']) expect(configError({ ...base, algorithms: [alg] })).toMatch(/HMAC/);
    expect(configError({ ...base, algorithms: ['RS1'] })).toMatch(/unsupported algorithm/);
  });

  it('refuses conflicting or missing key sources', () => {
    expect(configError({ ...base, jwksUri: 'https://idp.example.com/jwks' })).toMatch(/either jwks or jwksUri/);
    expect(configError({ ...base, issuer: null, jwks: undefined })).toMatch(/give jwksUri or jwks/);
    expect(configError({ ...base, issuer: [] })).toMatch(/at least one issuer/);
    expect(configError({ ...base, jwks: { nope: true } })).toMatch(/JWK Set/);
  });

  it('refuses non-https key URLs outside loopback unless told otherwise', () => {
    expect(configError({ ...base, jwks: undefined, jwksUri: 'http://idp.example.com/jwks' })).toMatch(/https/);
    expect(() => createVerifier({ ...base, jwks: undefined, jwksUri: 'http://127.0.0.1:1/jwks' }).close()).not.toThrow();
    expect(() => createVerifier({ ...base, jwks: undefined, jwksUri: 'http://idp.example.com/jwks', allowInsecureHttp: true }).close()).not.toThrow();
  });

  it('requires finite, non-negative seconds', () => {
    expect(configError({ ...base, clockTolerance: Infinity })).toMatch(/clockTolerance must be a finite/);
    expect(configError({ ...base, clockTolerance: -1 })).toMatch(/clockTolerance/);
    expect(configError({ ...base, clockTolerance: Number.NaN })).toMatch(/clockTolerance/);
    expect(configError({ ...base, maxTokenAge: '5m' })).toMatch(/maxTokenAge/);
    expect(configError({ ...base, jwksOptions: { timeout: 0 } })).toMatch(/timeout must be above 0/);
    expect(configError({ ...base, jwksOptions: { cooldown: 0 } })).toMatch(/cooldown must be above 0/);
    expect(configError({ ...base, jwksOptions: { maxStale: Infinity } })).toMatch(/maxStale/);
    expect(configError({ ...base, maxTokenLength: 0 })).toMatch(/maxTokenLength/);
  });

  it('refuses a realm that would break the challenge header', () => {
    expect(configError({ ...base, realm: 'a"b' })).toMatch(/realm/);
  });
});
