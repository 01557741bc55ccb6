import type { KeySet } from './key-set.js';

// The two brakes that keep token traffic from becoming traffic against the identity provider.

const NEGATIVE_CACHE_MAX_ENTRIES = 1024;

/** Refetches caused by unknown kids: `capacity` at once, then one more every `refillMs`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly refillMs: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** A failed fetch costs a token too. Never below zero: an outage must not delay the first rotation after it. */
  drain(): void {
    this.refill();
    this.tokens = Math.max(0, this.tokens - 1);
  }

  private refill(): void {
    const at = this.now();
    const elapsed = Math.max(0, at - this.updatedAt);
    this.tokens = this.refillMs > 0 ? Math.min(this.capacity, this.tokens + elapsed / this.refillMs) : this.capacity;
    this.updatedAt = at;
  }
}

/** Lookups just found missing. Entries are never extended by a hit, so a key published later is found within the TTL. */
export class NegativeCache {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  has(key: string): boolean {
    const expiresAt = this.entries.get(key);
    if (expiresAt === undefined) return false;
    if (this.now() < expiresAt) return true;
    this.entries.delete(key);
    return false;
  }

  add(key: string): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, this.now() + this.ttlMs);
    // Random kids must not grow memory: drop the oldest entry (Map keeps insertion order).
    if (this.entries.size > NEGATIVE_CACHE_MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** After a refresh: forget kids the new set has, and kid-less misses (they depend on the whole set). */
  forgetAnswered(set: KeySet): void {
    for (const key of this.entries.keys()) {
      if (key.startsWith('alg:') || set.hasKid(key.slice('kid:'.length))) this.entries.delete(key);
    }
  }
}
