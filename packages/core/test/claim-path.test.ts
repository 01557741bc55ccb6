import { describe, expect, it } from 'vitest';
import { AuthConfigError } from '../src/errors.js';
import { describeClaimPath, normalizeClaimPath, readClaim } from '../src/token/claim-path.js';

const payload = {
  'https://example.com/roles': ['admin'],
  https: { '//example': 'nested' },
  realm_access: { roles: ['reader'] },
  list: [{ a: 1 }],
};

describe('claim paths', () => {
  it('a string is one top-level claim taken whole, dots included', () => {
    expect(readClaim(payload, normalizeClaimPath('https://example.com/roles', 'rolesClaims'))).toEqual(['admin']);
  });

  it('an array is a nested path', () => {
    expect(readClaim(payload, normalizeClaimPath(['realm_access', 'roles'], 'rolesClaims'))).toEqual(['reader']);
    expect(readClaim(payload, normalizeClaimPath(['realm_access', 'missing'], 'rolesClaims'))).toBeUndefined();
  });

  it('never follows inherited properties or array indexes', () => {
    expect(readClaim(payload, ['__proto__'])).toBeUndefined();
    expect(readClaim(payload, ['realm_access', 'constructor'])).toBeUndefined();
    expect(readClaim(payload, ['list', '0'])).toBeUndefined();
    expect(readClaim(payload, ['realm_access', 'roles', 'length'])).toBeUndefined();
  });

  it.each([[''], [[]], [['a', '']], [42], [null], [['a', 3]]])('refuses %j at construction', (value) => {
    expect(() => normalizeClaimPath(value, 'claims')).toThrow(AuthConfigError);
  });

  it('describes paths so a dotted claim and a nested path never read the same', () => {
    expect(describeClaimPath(['realm_access', 'roles'])).toBe('realm_access.roles');
    expect(describeClaimPath(['a.b'])).toBe('"a.b"');
    expect(describeClaimPath(['a', 'b'])).not.toBe(describeClaimPath(['a.b']));
  });
});
