import { describe, expect, it } from 'vitest';
import { AuthConfigError, createRequestAuthenticator, createVerifier, suggestKey, type VerifierOptions } from '@authgate/core';
import { editDistance } from '../src/config/known-keys.js';

const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k', use: 'sig' }] };
const base: VerifierOptions = { issuer: 'https://idp.example.com/', audience: 'api', algorithms: ['EdDSA'], jwks };

function configError(options: Record<string, unknown>): string {
  try {
    createVerifier(options as unknown as VerifierOptions).close();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an AuthConfigError');
}

describe('misspelled options fail start-up with a suggestion, in every options object', () => {
  it.each([
    [{ ...base, clockTolerence: 10 }, 'unknown option clockTolerence: did you mean clockTolerance?'],
    [{ ...base, maxTokenAge: undefined, maxtokenage: 60 }, 'unknown option maxtokenage: did you mean maxTokenAge?'],
    [{ ...base, jwks: undefined, jwksUrl: 'https://idp.example.com/jwks' }, 'unknown option jwksUrl: did you mean jwksUri?'],
    [{ ...base, jwksOptions: { timout: 3 } }, 'unknown option jwksOptions.timout: did you mean jwksOptions.timeout?'],
    [{ ...base, jwksOptions: { maxStail: 3 } }, 'unknown option jwksOptions.maxStail: did you mean jwksOptions.maxStale?'],
    [{ ...base, cache: { maxEntires: 5 } }, 'unknown option cache.maxEntires: did you mean cache.maxEntries?'],
    [
      { ...base, jwks: undefined, issuer: [{ issuer: 'https://a/', jwksUrl: 'https://a/jwks' }] },
      'unknown option issuer[0].jwksUrl: did you mean issuer[0].jwksUri?',
    ],
    [
      { ...base, jwks: undefined, issuer: { issuer: 'https://a/', jwks, jwksUrl: 'x' } },
      'unknown option issuer.jwksUrl: did you mean issuer.jwksUri?',
    ],
  ])('%#: %s', (options, message) => {
    expect(configError(options)).toBe(`authgate: ${message}`);
  });

  it('counts a misspelled key even when its value is undefined, and lists the known keys when nothing is close', () => {
    expect(configError({ ...base, clockTolerence: undefined })).toMatch(/did you mean clockTolerance/);
    expect(configError({ ...base, zzzzzzzzzz: 1 })).toMatch(/unknown option zzzzzzzzzz: known options here: .*algorithms.*clockTolerance/);
  });

  it('checks tokenLocations too, wherever they are given', () => {
    const verifier = createVerifier(base);
    expect(() => createRequestAuthenticator(verifier, { tokenLocations: { cokie: 'at' } as never })).toThrow(
      'authgate: unknown option tokenLocations.cokie: did you mean tokenLocations.cookie?',
    );
    verifier.close();
  });
});

describe('wrong types say what was expected', () => {
  it.each([
    [{ ...base, algorithms: 'EdDSA' }, "algorithms must be an array of algorithm names, e.g. ['RS256'] (got a string)"],
    [{ ...base, cache: true }, 'cache must be an object ({ maxEntries }) or false to turn it off (got a boolean)'],
    [{ ...base, jwksOptions: 'fast' }, 'jwksOptions must be an object (got a string)'],
    [{ ...base, allowInsecureHttp: 'yes' }, 'allowInsecureHttp must be true or false (got a string)'],
    [{ ...base, verifyInThreadPool: 1 }, 'verifyInThreadPool must be true or false (got a number)'],
    [{ ...base, onEvent: 'metrics' }, 'onEvent must be a function (got a string)'],
    [{ ...base, logger: console.log }, 'logger must be a pino logger'],
  ])('%#', (options, message) => {
    expect(configError(options)).toContain(`authgate: ${message}`);
  });

  it('still says "is required" for what is missing', () => {
    expect(configError({ ...base, algorithms: undefined })).toMatch(/algorithms is required/);
  });

  it('never prints the wrong value itself (it may be a secret)', () => {
    expect(configError({ ...base, jwksOptions: 'secret-value-123' })).not.toContain('secret-value-123');
  });
});

describe('suggestions', () => {
  it('are the closest known name within a third of the length, case-insensitively', () => {
    expect(suggestKey('timout', ['timeout', 'maxAge'])).toBe('timeout');
    expect(suggestKey('AUDIENCE', ['audience', 'issuer'])).toBe('audience');
    expect(suggestKey('foo', ['audience', 'issuer'])).toBeUndefined();
    expect(suggestKey('realms', ['realm', 'jwks'])).toBe('realm');
  });

  it('edit distance is Levenshtein', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3); // stops early past the limit
  });
});

describe('logger: false', () => {
  it('is accepted and silences the verifier', () => {
    expect(() => createVerifier({ ...base, logger: false }).close()).not.toThrow();
  });
});
