import { describe, expect, it } from 'vitest';
import { AuthConfigError, AuthError, createScopeGuard, hasScopes, readScopes } from '@authgate/core';

describe('scopes', () => {
  it('reads space-delimited scope and array or string scp, deduplicated', () => {
    expect(readScopes({ scope: 'a b  c', scp: ['c', 'd'] })).toEqual(['a', 'b', 'c', 'd']);
    expect(readScopes({ scp: 'x y' })).toEqual(['x', 'y']);
    expect(readScopes({ permissions: ['p'] }, ['permissions'])).toEqual(['p']);
    expect(readScopes({ scope: 42, scp: [1, 'ok'] })).toEqual(['ok']);
    expect(readScopes({ scope: '' })).toEqual([]);
  });

  it('matches exactly: no substring, prefix or case folding', () => {
    const identity = { scopes: ['orders:read'] };
    expect(hasScopes(identity, ['orders:read'])).toBe(true);
    expect(hasScopes(identity, ['orders'])).toBe(false);
    expect(hasScopes(identity, ['orders:read:all'])).toBe(false);
    expect(hasScopes(identity, ['Orders:Read'])).toBe(false);
    expect(hasScopes({ scopes: ['orders:read:all'] }, ['orders:read'])).toBe(false);
  });

  it('supports all-of and any-of', () => {
    const identity = { scopes: ['a', 'b'] };
    expect(hasScopes(identity, ['a', 'c'])).toBe(false);
    expect(hasScopes(identity, ['a', 'c'], { mode: 'any' })).toBe(true);
    expect(hasScopes(identity, ['c', 'd'], { mode: 'any' })).toBe(false);
  });

  it('guards: 403 with the needed scopes, 401 for anonymous, developer error when no auth ran', () => {
    const guard = createScopeGuard(['orders:read', 'orders:write'], 'all', 'shop');
    expect(() => guard({ scopes: ['orders:read', 'orders:write'] })).not.toThrow();
    try {
      void guard({ scopes: ['orders:read'] });
      expect.unreachable();
    } catch (error) {
      expect((error as AuthError).status).toBe(403);
      expect((error as AuthError).wwwAuthenticate).toContain('scope="orders:read orders:write"');
      expect((error as AuthError).wwwAuthenticate).toContain('realm="shop"');
    }
    expect(() => guard(null)).toThrow(expect.objectContaining({ reason: 'credentials_missing', status: 401 }));
    expect(() => guard(undefined)).toThrow(AuthConfigError);
  });

  it('validates requirements at route definition', () => {
    expect(() => createScopeGuard([])).toThrow(AuthConfigError);
    expect(() => createScopeGuard(['has space'])).toThrow(AuthConfigError);
    expect(() => createScopeGuard(['quote"'])).toThrow(AuthConfigError);
  });
});
