import { bitsBefore, signatureEnd } from './signature-bits.js';

/**
 * Which tokens were verified recently, approximately and in fixed memory: two generations of a Bloom filter over
 * the tokens' last characters: the signature (a JWS) or authentication tag (a JWE) of a token that has just been
 * verified, so bits nobody can choose without the issuer's key, and no hashing needed. A token is let into the verified-token cache on its second
 * verification, so a stream of one-off tokens (a scan, a flood of distinct valid tokens) neither evicts the hot
 * entries nor churns identities through the heap.
 *
 * Why bits and not a Set of keys: a Set retains one new string per verification until its generation is dropped,
 * and those survivors measured ~25 µs per request in a server verifying distinct tokens (3 % slower than not
 * caching at all). The bit arrays are allocated once; a false positive only admits a token one verification early.
 */

// 16 bits per remembered key and two probes: ~0.5 % false positives in a full generation.
const BITS_PER_KEY = 16;
const MAX_BITS = 1 << 24;

export class Doorkeeper {
  private current: Uint8Array;
  private previous: Uint8Array;
  private readonly mask: number;
  private added = 0;

  /** `generationSize`: keys remembered before the older generation is dropped wholesale. */
  constructor(private readonly generationSize: number) {
    let bits = 1024;
    while (bits < generationSize * BITS_PER_KEY && bits < MAX_BITS) bits *= 2;
    this.mask = bits - 1;
    this.current = new Uint8Array(bits / 8);
    this.previous = new Uint8Array(bits / 8);
  }

  /**
   * True when `token` (verified, so it ends in signature or tag characters) was remembered in this or the previous
   * generation; remembers it otherwise.
   */
  admit(token: string): boolean {
    const end = signatureEnd(token);
    const first = bitsBefore(token, end - 4, 4) & this.mask;
    const second = bitsBefore(token, end, 4) & this.mask;
    if (this.has(this.current, first, second) || this.has(this.previous, first, second)) return true;
    if (this.added >= this.generationSize) {
      const recycled = this.previous;
      recycled.fill(0);
      this.previous = this.current;
      this.current = recycled;
      this.added = 0;
    }
    const bits = this.current;
    bits[first >>> 3] = (bits[first >>> 3] as number) | (1 << (first & 7));
    bits[second >>> 3] = (bits[second >>> 3] as number) | (1 << (second & 7));
    this.added += 1;
    return false;
  }

  clear(): void {
    this.current.fill(0);
    this.previous.fill(0);
    this.added = 0;
  }

  private has(bits: Uint8Array, first: number, second: number): boolean {
    return ((bits[first >>> 3] as number) & (1 << (first & 7))) !== 0 && ((bits[second >>> 3] as number) & (1 << (second & 7))) !== 0;
  }
}
