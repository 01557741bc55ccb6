import { createHash } from 'node:crypto';
import type { AuthErrorReason, ScopeMode } from '@authgate/core';
/** Attack family: keys the token tries to bring along (jwk, jku, x5u, x5c, iss) and hostile kid values. */
import { publicKeyEncodings, type SecurityContext, type SuiteKey } from '../context.js';
import { type AttackCase, type BaseTokens, caseList, signed, tokenCase } from './shared.js';

export function keySourceCases(ctx: SecurityContext, base: BaseTokens): AttackCase[] {
  const { k, good, goodEs, goodH, goodP, goodS } = base;
  const { cases, add } = caseList();
  // --- key injection ----------------------------------------------------------------------------------------
  {
    const attacker = k.attackerRsa;
    const attackerJwk = { ...attacker.jwk };
    const noKid = { kid: undefined };
    const trapJwks = `${ctx.trapUrl}/jwks.json`;
    const inject = (name: string, header: Record<string, unknown>, reason: AuthErrorReason, key: SuiteKey = attacker): void => {
      add(tokenCase('key-injection', name, signed(ctx.header(key, header), ctx.claims({ sub: 'admin', scope: 'orders:admin' }), key), reason));
    };
    // CVE-2018-0114: the token carries its own key and is signed with it.
    inject('embedded jwk, no kid (CVE-2018-0114)', { jwk: attackerJwk, ...noKid }, 'unknown_key');
    inject("embedded jwk, the attacker's kid", { jwk: attackerJwk }, 'unknown_key');
    inject('embedded jwk, a published kid', { jwk: { ...attackerJwk, kid: k.rs256.kid }, kid: k.rs256.kid }, 'signature_invalid');
    inject(
      'embedded EC jwk, a published kid',
      { jwk: { ...k.attackerEc.jwk, kid: k.es256.kid }, kid: k.es256.kid },
      'signature_invalid',
      k.attackerEc,
    );
    inject('embedded jwk naming a published kid, header kid absent', { jwk: { ...attackerJwk, kid: k.rs256.kid }, ...noKid }, 'unknown_key');
    inject('jku to the trap, attacker kid', { jku: trapJwks }, 'unknown_key');
    inject('jku to the trap, no kid', { jku: trapJwks, ...noKid }, 'unknown_key');
    inject('jku to the trap, a published kid', { jku: trapJwks, kid: k.rs256.kid }, 'signature_invalid');
    inject('x5u to the trap, attacker kid', { x5u: `${ctx.trapUrl}/cert.pem` }, 'unknown_key');
    inject('x5u to the trap, no kid', { x5u: `${ctx.trapUrl}/cert.pem`, ...noKid }, 'unknown_key');
    const x5c = [publicKeyEncodings(attacker).spkiDer.toString('base64')];
    inject('x5c attacker certificate, no kid', { x5c, ...noKid }, 'unknown_key');
    inject('x5c attacker certificate, a published kid', { x5c, kid: k.rs256.kid }, 'signature_invalid');
    inject(
      'x5t#S256 thumbprint of the attacker key, no kid',
      { 'x5t#S256': createHash('sha256').update(publicKeyEncodings(attacker).spkiDer).digest('base64url'), ...noKid },
      'unknown_key',
    );
    inject(
      'jku, x5u, jwk and x5c together, a published kid',
      { jku: trapJwks, x5u: `${ctx.trapUrl}/x5u`, jwk: attackerJwk, x5c, kid: k.rs256.kid },
      'signature_invalid',
    );
    // The issuer is an allowlist: an attacker's iss must never lead to discovery or a JWKS fetch.
    add(
      tokenCase(
        'key-injection',
        'iss is the trap (OIDC discovery from the token)',
        signed(ctx.header(attacker), ctx.claims({ iss: `${ctx.trapUrl}/` }), attacker),
        'issuer_not_allowed',
      ),
    );
    add(
      tokenCase(
        'key-injection',
        'iss is the trap, with jku to the trap',
        signed(ctx.header(attacker, { jku: trapJwks }), ctx.claims({ iss: ctx.trapUrl }), attacker),
        'issuer_not_allowed',
      ),
    );
  }

  // --- kid hostility (valid signatures by the real key: only the kid is hostile) -------------------------------
  {
    const hostile: Array<[string, unknown, AuthErrorReason]> = [
      ['unknown kid', 'nobody', 'unknown_key'],
      ['empty kid', '', 'unknown_key'],
      ['5,000-character kid', 'k'.repeat(5000), 'unknown_key'],
      ['10,000-character kid (over maxTokenLength)', 'k'.repeat(10_000), 'token_too_long'],
      ['path traversal kid', '../../etc/passwd', 'unknown_key'],
      ['SQL injection kid', "' OR 1=1 --", 'unknown_key'],
      ['shell injection kid', '$(rm -rf /)', 'unknown_key'],
      ['backtick shell kid', '`id`', 'unknown_key'],
      ['HTML kid', '<script>alert(1)</script>', 'unknown_key'],
      ['kid with NUL after a real kid', `${k.rs256.kid}\u0000`, 'unknown_key'],
      ['kid with a trailing space after a real kid', `${k.rs256.kid} `, 'unknown_key'],
      ['kid differing from a real kid in case', k.rs256.kid.toUpperCase(), 'unknown_key'],
      ['kid "__proto__"', '__proto__', 'unknown_key'],
      ['kid "constructor"', 'constructor', 'unknown_key'],
      ['kid "hasOwnProperty"', 'hasOwnProperty', 'unknown_key'],
      ['kid is a URL of the trap', `${ctx.trapUrl}/jwks.json`, 'unknown_key'],
      ['kid is a number', 42, 'malformed_token'],
      ['kid is 0', 0, 'malformed_token'],
      ['kid is true', true, 'malformed_token'],
      ['kid is an object', { $ne: null }, 'malformed_token'],
      ['kid is an array holding a real kid', [k.rs256.kid], 'malformed_token'],
      ['kid is an empty array', [], 'malformed_token'],
      ['kid is null', null, 'malformed_token'],
    ];
    for (const [name, kid, reason] of hostile) add(tokenCase('kid-hostility', name, ctx.mint(k.rs256, {}, { kid }), reason));
  }
  return cases;
}
