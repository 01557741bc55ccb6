import type { AuthErrorReason, ScopeMode } from '@authgate/core';
/** Attack family: claim validation: iss, aud, time claims, claim types, typ. */
import { ACCESS_TOKEN_TYP, AUDIENCE, ISSUER, type SecurityContext } from '../context.js';
import { type AttackCase, type BaseTokens, caseList, signed, tokenCase, withRawMember } from './shared.js';

export function claimCases(ctx: SecurityContext, base: BaseTokens): AttackCase[] {
  const { k, good, goodEs, goodH, goodP, goodS } = base;
  const { cases, add } = caseList();
  // --- claims ------------------------------------------------------------------------------------------------
  {
    const claim = (name: string, extra: Record<string, unknown>, reason: AuthErrorReason, header: Record<string, unknown> = {}): void => {
      add(tokenCase('claims', name, ctx.mint(k.es256, extra, header), reason));
    };
    for (const iss of [
      'https://idp.example.com',
      'https://idp.example.com//',
      'HTTPS://IDP.EXAMPLE.COM/',
      'https://IDP.example.com/',
      'https://idp.example.com/ ',
      ' https://idp.example.com/',
      'https://idp.example.com.evil.example/',
      'https://idp.example.com/tenant/',
      'https://idp.example.com:443/',
      'http://idp.example.com/',
    ]) {
      claim(`wrong iss ${JSON.stringify(iss)}`, { iss }, 'issuer_not_allowed');
    }
    claim('iss missing', { iss: undefined }, 'claim_missing');
    claim('iss empty string', { iss: '' }, 'issuer_not_allowed');
    claim('aud of another service (replay: billing-api)', { aud: 'billing-api' }, 'audience_mismatch');
    claim('aud array not containing ours', { aud: ['billing-api', 'orders-api-v2', 'orders'] }, 'audience_mismatch');
    claim('aud differing in case', { aud: 'ORDERS-API' }, 'audience_mismatch');
    claim('aud with a trailing space', { aud: `${AUDIENCE} ` }, 'audience_mismatch');
    claim('aud empty array', { aud: [] }, 'audience_mismatch');
    claim('aud missing', { aud: undefined }, 'claim_missing');
    claim('expired an hour ago', { exp: ctx.now - 3600, iat: ctx.now - 7200 }, 'token_expired');
    claim('expired beyond the clock tolerance', { exp: ctx.now - 30 }, 'token_expired');
    claim('exp missing', { exp: undefined }, 'claim_missing');
    claim('exp 0', { exp: 0 }, 'token_expired');
    claim('exp negative', { exp: -1 }, 'token_expired');
    claim('nbf an hour in the future', { nbf: ctx.now + 3600 }, 'token_not_yet_valid');
    claim('iat an hour in the future', { iat: ctx.now + 3600 }, 'token_issued_in_future');
    claim('exp as a string', { exp: String(ctx.now + 600) }, 'claim_invalid');
    claim('exp as a boolean', { exp: true }, 'claim_invalid');
    claim('nbf as a string', { nbf: 'now' }, 'claim_invalid');
    claim('iat as an array', { iat: [ctx.now] }, 'claim_invalid');
    claim('aud as a number', { aud: 42 }, 'claim_invalid');
    claim('aud array with a number', { aud: [AUDIENCE, 42] }, 'claim_invalid');
    claim('aud as an object', { aud: { aud: AUDIENCE } }, 'claim_invalid');
    claim('iss as an array', { iss: [ISSUER] }, 'claim_invalid');
    claim('iss as an object', { iss: { iss: ISSUER } }, 'claim_invalid');
    claim('sub as a number', { sub: 1 }, 'claim_invalid');
    claim('sub as null', { sub: null }, 'claim_invalid');
    claim('scope as a number', { scope: 1 }, 'claim_invalid');
    claim('scope as an array', { scope: ['orders:read'] }, 'claim_invalid');
    claim('scp as a number', { scp: 7 }, 'claim_invalid');
    claim('jti as a number', { jti: 12345 }, 'claim_invalid');
    claim('client_id as an object', { client_id: { id: 'web-app' } }, 'claim_invalid');
    add(
      tokenCase(
        'claims',
        'exp 1e999 (parses as Infinity)',
        signed(ctx.header(k.es256), withRawMember({ ...ctx.claims(), exp: undefined }, 'exp', '1e999'), k.es256),
        'claim_invalid',
      ),
    );
    // RFC 9068: an ID token (typ JWT, nonce, azp) is not an access token, even for the right audience.
    claim(
      'ID token presented as access token (typ JWT, nonce, azp)',
      { nonce: 'n-0S6_WzA2Mj', azp: 'web-app', auth_time: ctx.now - 10, at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' },
      'type_not_allowed',
      { typ: 'JWT' },
    );
    claim('typ missing', {}, 'type_not_allowed', { typ: undefined });
    claim('typ application/jwt', {}, 'type_not_allowed', { typ: 'application/jwt' });
    claim('typ "at+jwt " (trailing space)', {}, 'type_not_allowed', { typ: 'at+jwt ' });
    claim('typ id_token+jwt', {}, 'type_not_allowed', { typ: 'id_token+jwt' });
    claim('typ logout+jwt (a logout token)', { events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }, 'type_not_allowed', {
      typ: 'logout+jwt',
    });
    claim('typ as an array', {}, 'type_not_allowed', { typ: [ACCESS_TOKEN_TYP] });
  }
  return cases;
}
