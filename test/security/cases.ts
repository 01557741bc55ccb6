/**
 * Every known JWT attack, as DATA: one `AttackCase` per attempt, built against a `SecurityContext` (keys, JWKS
 * server, trap server, verifier profiles). The core runner (core-attacks.test.ts) sends each case through
 * `createVerifier` + `createRequestAuthenticator`; the Express and Fastify runners replay the same list over HTTP.
 *
 * Expectations are adapter-independent: the HTTP status, the stable `reason` and the RFC 6750 error code, as any
 * adapter must answer them. They are written down here from the specs (RFC 6750 §3.1 for status/code), not derived
 * from core's own tables, so the suite also checks that core maps reasons the way the RFC says.
 */
import type { SecurityContext } from './context.js';
import { baseTokens, type AttackCase } from './cases/shared.js';
import { algorithmCases } from './cases/algorithms.js';
import { keySourceCases } from './cases/key-sources.js';
import { signatureCases } from './cases/signatures.js';
import { structureCases } from './cases/structure.js';
import { claimCases } from './cases/claims.js';
import { keySetCases } from './cases/key-sets.js';
import { transportCases } from './cases/transport.js';

// One file per attack family under cases/; this file assembles them in a fixed order (names are unique across all).
export * from './cases/shared.js';
export { buildAcceptCases } from './cases/control.js';

export async function buildAttackCases(ctx: SecurityContext): Promise<AttackCase[]> {
  const base = baseTokens(ctx);
  return [
    ...algorithmCases(ctx, base),
    ...keySourceCases(ctx, base),
    ...signatureCases(ctx, base),
    ...structureCases(ctx, base),
    ...claimCases(ctx, base),
    ...keySetCases(ctx, base),
    ...transportCases(ctx, base),
  ];
}
