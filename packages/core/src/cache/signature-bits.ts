/**
 * Bits read straight from a token's last characters: the signature of a JWS, the authentication tag of a JWE. For a
 * token we verified they are bits nobody can choose without the issuer's key, so the caches use them where they
 * would otherwise hash the whole token (V8 hashes every character of a string key: ~1 µs for an 800-character token).
 * They only ever pick a slot: whoever reads a slot still compares the whole token.
 */

// base64url character code → its 6 bits (anything else → 0: a slot is a guess, never a verdict).
const SIXBITS = new Uint8Array(128);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((char, value) => {
  SIXBITS[char.charCodeAt(0)] = value;
});

const PADDING = 61; // '=': AWS load balancers pad their segments (see `paddedSegments`)

/**
 * The index of the last signature character worth reading: before any padding, and not the very last character,
 * whose low bits may be fixed zeros.
 */
export function signatureEnd(token: string): number {
  let end = token.length - 1;
  while (end > 0 && token.charCodeAt(end) === PADDING) end -= 1;
  return end - 1;
}

/** `count` × 6 bits (at most 5: a small integer) from the characters ending at `last`, inclusive. */
export function bitsBefore(token: string, last: number, count: number): number {
  let bits = 0;
  for (let i = last - count + 1; i <= last; i += 1) bits = (bits << 6) | (SIXBITS[token.charCodeAt(i) & 127] as number);
  return bits;
}
