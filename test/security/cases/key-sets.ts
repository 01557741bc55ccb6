import type { AuthErrorReason, ScopeMode } from '@authgate/core';
/** Attack family: hostile key sets and issuer/key binding across issuers. */
import { ACCESS_TOKEN_TYP, ISSUER, ISSUER_A, ISSUER_B, b64, compact, fromB64, type SecurityContext } from '../context.js';
import { type AttackCase, type BaseTokens, caseList, pkcs1Sha256, signed, tokenCase } from './shared.js';

export function keySetCases(ctx: SecurityContext, base: BaseTokens): AttackCase[] {
  const { k, good, goodEs, goodH, goodP, goodS } = base;
  const { cases, add } = caseList();
  // --- hostile key sets ---------------------------------------------------------------------------------------
  {
    const hostile = (name: string, token: string, reason: AuthErrorReason): void => {
      add(tokenCase('hostile-jwks', name, token, reason, { profile: 'hostileJwks' }));
    };
    hostile('key marked use "enc"', ctx.mint(k.rsaEnc), 'unknown_key');
    hostile('key with key_ops ["encrypt"]', ctx.mint(k.ecEncrypt), 'unknown_key');
    hostile('key with key_ops as a string', ctx.mint(k.rsaOpsString), 'unknown_key');
    hostile('RSA 1024-bit key', ctx.mint(k.rsa1024), 'unknown_key');
    hostile('two RSA keys sharing a kid (ambiguous)', ctx.mint(k.dupA), 'unknown_key');
    hostile('two RSA keys sharing a kid, signed by the second', ctx.mint(k.dupB), 'unknown_key');
    hostile('key published with its private member d', ctx.mint(k.ecWithPrivate), 'unknown_key');
    hostile('EC key whose point is off the curve', ctx.mint(k.ecOffCurve), 'unknown_key');
    hostile('P-384 key labelled alg ES256, ES256 token', ctx.mint(k.ecP384LabelledEs256, {}, { alg: 'ES256' }, 'ES384'), 'key_algorithm_mismatch');
    hostile('RSA key labelled with an encryption alg (RSA-OAEP-256)', ctx.mint(k.rsaEncAlg), 'unknown_key');
    {
      // e = 1: m^1 = m, so the PKCS#1 encoding of the digest is itself a "signature" anyone can compute.
      const header = b64(ctx.header(k.rsaNoAlg, { alg: 'RS256', kid: 'rsa-e1' }));
      const payload = b64(ctx.claims({ sub: 'admin' }));
      const forged = pkcs1Sha256(`${header}.${payload}`, fromB64(ctx.exponentOneJwk.n as string).length);
      hostile('RSA key with public exponent 1 (signature forged without any private key)', `${header}.${payload}.${b64(forged)}`, 'unknown_key');
    }
    hostile(
      'symmetric key in the JWKS, HS256 token signed with it',
      compact({ alg: 'HS256', typ: ACCESS_TOKEN_TYP, kid: 'hmac' }, ctx.claims(), 'HS256', ctx.hmacSecret),
      'algorithm_not_allowed',
    );
    hostile(
      'symmetric key in the JWKS, RS256 header naming it',
      compact({ alg: 'RS256', typ: ACCESS_TOKEN_TYP, kid: 'hmac' }, ctx.claims(), 'RS256', k.attackerRsa.privateKey),
      'unknown_key',
    );
    add(
      tokenCase('hostile-jwks', 'JWKS with no usable key at all: fail closed', ctx.mint(k.rsaEnc), 'key_source_unavailable', {
        profile: 'onlyBadJwks',
      }),
    );
    add(
      tokenCase('hostile-jwks', 'JWKS with no usable key, token for a key that is not even there', ctx.mint(k.anchor), 'key_source_unavailable', {
        profile: 'onlyBadJwks',
      }),
    );
  }

  // --- multi-issuer -------------------------------------------------------------------------------------------
  {
    const multi = (name: string, token: string, reason: AuthErrorReason): void => {
      add(tokenCase('multi-issuer', name, token, reason, { profile: 'multiIssuer' }));
    };
    multi("issuer A's key and kid, token claims issuer B", ctx.mint(k.issuerA, { iss: ISSUER_B }), 'unknown_key');
    multi("issuer B's key and kid, token claims issuer A", ctx.mint(k.issuerB, { iss: ISSUER_A }), 'unknown_key');
    multi(
      "issuer A's key with issuer B's kid, token claims issuer B",
      ctx.mint({ ...k.issuerA, kid: k.issuerB.kid }, { iss: ISSUER_B }),
      'signature_invalid',
    );
    multi("issuer A's key, no kid, token claims issuer B", ctx.mint(k.issuerA, { iss: ISSUER_B }, { kid: undefined }), 'signature_invalid');
    multi('an issuer that is not listed', ctx.mint(k.issuerA, { iss: 'https://c.idp.example/' }), 'issuer_not_allowed');
    multi('the strict issuer, not listed here', ctx.mint(k.issuerA, { iss: ISSUER }), 'issuer_not_allowed');
    multi('issuer A without its trailing slash', ctx.mint(k.issuerA, { iss: ISSUER_A.slice(0, -1) }), 'issuer_not_allowed');
    multi('no iss at all', ctx.mint(k.issuerA, { iss: undefined }), 'claim_missing');
  }
  return cases;
}
