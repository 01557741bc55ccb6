/**
 * ROCA (CVE-2017-15361): RSA keys made by a flawed Infineon library have primes of the form k·M + (65537^a mod M),
 * M a primorial, so their factorisation is practical. Such a modulus n has a fingerprint: for every small prime r
 * dividing M, n mod r lies in the subgroup that 65537 generates modulo r. A random modulus passes all 38 tests by
 * chance with negligible probability, so a match means "refuse this key".
 */
const FINGERPRINT_PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151,
  157, 163, 167,
];

/** Per prime r: the residues 65537^k mod r, computed once at load (at most 166 numbers each). */
const GENERATED: ReadonlyArray<readonly [bigint, ReadonlySet<number>]> = FINGERPRINT_PRIMES.map((r) => {
  const residues = new Set<number>();
  const generator = 65537 % r;
  for (let value = 1; !residues.has(value); value = (value * generator) % r) residues.add(value);
  return [BigInt(r), residues] as const;
});

/** True when the big-endian modulus bytes carry the ROCA fingerprint. */
export function hasRocaFingerprint(modulus: Uint8Array): boolean {
  const n = BigInt(`0x${Buffer.from(modulus).toString('hex')}`);
  return GENERATED.every(([r, residues]) => residues.has(Number(n % r)));
}
