import { describe, expect, it } from 'vitest';
import { TokenCache } from '../src/cache/token-cache.js';
import type { Identity } from '../src/identity.js';

// The cache finds a token by a slot read from its last characters and must still match the whole token: these
// tokens are built so that slots collide, which real signatures do only by chance (or by an attacker's copy).
const NOW = 1_800_000_000;
const rules = { clockTolerance: 0, maxTokenAge: undefined };

function identityFor(token: string, subject: string): Identity<object> {
  const identity = { subject, claims: { exp: NOW + 60 } };
  Object.defineProperty(identity, 'token', { value: token, enumerable: false });
  return identity as unknown as Identity<object>;
}

const SIGNATURE = 'c2lnbmF0dXJlLW9mLWEtdmVyaWZpZWQtdG9rZW4tYWJjZGVm';

describe('TokenCache (verified tokens by signature slot, matched on the whole token)', () => {
  it('serves a stored token, from the LRU and then from the hot map', () => {
    const cache = new TokenCache(10, rules);
    const token = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.${SIGNATURE}`;
    cache.set(identityFor(token, 'a'));
    expect(cache.peek(token, NOW)).toBeUndefined(); // not hot until first hit
    expect(cache.get(token, NOW)?.subject).toBe('a');
    expect(cache.peek(token, NOW)?.subject).toBe('a');
  });

  it('never serves a cached identity for another payload carrying the same signature (a forgery shares the slot)', () => {
    const cache = new TokenCache(10, rules);
    const genuine = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.${SIGNATURE}`;
    const forged = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.${SIGNATURE}`;
    cache.set(identityFor(genuine, 'a'));
    expect(cache.get(genuine, NOW)?.subject).toBe('a'); // hot now too
    expect(cache.get(forged, NOW)).toBeUndefined();
    expect(cache.peek(forged, NOW)).toBeUndefined();
  });

  it('two tokens in one slot: the later one holds it, the earlier one is a miss (verified again), never the wrong identity', () => {
    const cache = new TokenCache(10, rules);
    const first = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.${SIGNATURE}`;
    const second = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJiIn0.${SIGNATURE}`;
    cache.set(identityFor(first, 'a'));
    cache.set(identityFor(second, 'b'));
    expect(cache.get(first, NOW)).toBeUndefined();
    expect(cache.get(second, NOW)?.subject).toBe('b');
  });

  it('an entry past its exp is not served', () => {
    const cache = new TokenCache(10, rules);
    const token = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.${SIGNATURE}`;
    cache.set(identityFor(token, 'a'));
    expect(cache.get(token, NOW + 61)).toBeUndefined();
  });
});
