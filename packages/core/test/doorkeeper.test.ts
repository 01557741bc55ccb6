import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Doorkeeper } from '../src/cache/doorkeeper.js';

// Token-like keys: the doorkeeper reads the last characters (a verified token's signature). Deterministic (a counter, hashed): a Bloom filter mistakes
// a few strangers for known keys by design, so with random keys an exact assertion would fail a few runs in a hundred.
let counter = 0;
const randomKey = (): string => hash('sha256', `key-${(counter += 1)}`, 'base64url');

describe('Doorkeeper (which tokens were verified recently)', () => {
  it('lets a key in on its second sighting, not its first', () => {
    const doorkeeper = new Doorkeeper(100);
    const key = randomKey();
    expect(doorkeeper.admit(key)).toBe(false);
    expect(doorkeeper.admit(key)).toBe(true);
    expect(doorkeeper.admit(randomKey())).toBe(false);
  });

  it('remembers a key through one more generation, then forgets it', () => {
    const doorkeeper = new Doorkeeper(50);
    const key = randomKey();
    doorkeeper.admit(key);
    for (let i = 0; i < 50; i += 1) doorkeeper.admit(randomKey()); // fills the generation the key is in
    expect(doorkeeper.admit(key)).toBe(true); // now in the previous generation: still known
    const other = randomKey();
    doorkeeper.admit(other);
    for (let i = 0; i < 101; i += 1) doorkeeper.admit(randomKey()); // two more generations go by
    expect(doorkeeper.admit(other)).toBe(false);
  });

  it('mistakes few strangers for known keys when both generations are full (bits, not a set)', () => {
    const size = 10_000;
    const doorkeeper = new Doorkeeper(size);
    for (let i = 0; i < 2 * size - 1; i += 1) doorkeeper.admit(randomKey());
    let falsePositives = 0;
    const probes = 20_000;
    // admit() on a key never seen is true only by a false positive.
    for (let i = 0; i < probes; i += 1) if (doorkeeper.admit(randomKey())) falsePositives += 1;
    // Design: ~0.5 % per generation at 16 bits per key and two probes; allow noise, refuse a broken filter.
    expect(falsePositives / probes).toBeLessThan(0.03);
  });

  it('clear() forgets everything', () => {
    const doorkeeper = new Doorkeeper(10);
    const key = randomKey();
    doorkeeper.admit(key);
    doorkeeper.clear();
    expect(doorkeeper.admit(key)).toBe(false);
  });
});
