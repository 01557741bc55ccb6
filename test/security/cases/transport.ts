import type { AuthErrorReason, ScopeMode } from '@authgate/core';
/** Attack family: the Authorization header and other token locations, and scope checks. */
import { b64, type SecurityContext } from '../context.js';
import { type AttackCase, type BaseTokens, caseList, requestCase, signed, tokenCase, withRawMember } from './shared.js';

export function transportCases(ctx: SecurityContext, base: BaseTokens): AttackCase[] {
  const { k, good, goodEs, goodH, goodP, goodS } = base;
  const { cases, add } = caseList();
  // --- transport (Authorization header and other token locations) -------------------------------------------
  {
    const t = good;
    add(requestCase('transport', 'Basic credentials', { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }, 'unsupported_scheme'));
    add(requestCase('transport', 'a valid JWT under the Basic scheme', { authorization: `Basic ${t}` }, 'unsupported_scheme'));
    // DPoP is accepted by default (RFC 9449): without its proof header, the DPoP scheme is refused as such.
    add(requestCase('transport', 'a valid JWT under the DPoP scheme without a proof', { authorization: `DPoP ${t}` }, 'dpop_proof_missing'));
    add(requestCase('transport', 'a valid JWT under a made-up "JWT" scheme', { authorization: `JWT ${t}` }, 'unsupported_scheme'));
    add(requestCase('transport', 'a bare JWT without a scheme', { authorization: t }, 'unsupported_scheme'));
    add(requestCase('transport', '"Bearer" with no token', { authorization: 'Bearer' }, 'malformed_request'));
    add(requestCase('transport', 'two tokens in one header', { authorization: `Bearer ${t} ${goodEs}` }, 'malformed_request'));
    add(
      requestCase(
        'transport',
        'two Bearer credentials comma-separated in one header',
        { authorization: `Bearer ${t}, Bearer ${goodEs}` },
        'malformed_request',
      ),
    );
    add(
      requestCase(
        'transport',
        'Bearer and Basic comma-separated in one header',
        { authorization: `Bearer ${t}, Basic dXNlcjpwYXNz` },
        'malformed_request',
      ),
    );
    add(requestCase('transport', 'tab instead of space after Bearer', { authorization: `Bearer\t${t}` }, 'malformed_request'));
    add(requestCase('transport', 'token in double quotes', { authorization: `Bearer "${t}"` }, 'malformed_request'));
    add(requestCase('transport', '"Bearer=" glued to the token', { authorization: `Bearer=${t}` }, 'malformed_request'));
    add(
      requestCase(
        'transport',
        'two Authorization headers, both valid',
        { authorization: [`Bearer ${t}`, `Bearer ${goodEs}`] },
        'multiple_credentials',
      ),
    );
    add(
      requestCase(
        'transport',
        'two Authorization headers, the second one forged',
        { authorization: [`Bearer ${t}`, `Bearer ${b64({ alg: 'none' })}.${b64(ctx.claims({ sub: 'admin' }))}.`] },
        'multiple_credentials',
      ),
    );
    add(requestCase('transport', 'two Authorization headers, the first one empty', { authorization: ['', `Bearer ${t}`] }, 'multiple_credentials'));
    add(requestCase('transport', 'empty Authorization header', { authorization: '' }, 'credentials_missing'));
    add(requestCase('transport', 'no credentials at all', {}, 'credentials_missing'));
    add(requestCase('transport', 'token in the query string when not enabled', { query: { access_token: t } }, 'credentials_missing'));
    add(requestCase('transport', 'token in a form body when not enabled', { form: { access_token: t } }, 'credentials_missing'));
    add(requestCase('transport', 'token in a cookie when not enabled', { cookie: `access_token=${t}` }, 'credentials_missing'));
    add(requestCase('transport', 'very long header (10,000-character token)', { authorization: `Bearer ${'a'.repeat(10_000)}` }, 'token_too_long'));
    add(requestCase('transport', 'very long header of dots (10,000 characters)', { authorization: `Bearer ${'a.'.repeat(5000)}` }, 'token_too_long'));
    add(
      requestCase(
        'transport',
        'very long header that is not a token (spaces)',
        { authorization: `Bearer ${'a '.repeat(5000)}` },
        'malformed_request',
      ),
    );
    add(requestCase('transport', 'CR LF injection in the header', { authorization: `Bearer ${t}\r\nX-Injected: 1` }, 'malformed_request'));
    // Regular-expression worst cases for the header grammar (b64token, then "=" padding only at the end).
    add(
      requestCase(
        'transport',
        'pathological: 6,000 token characters, 6,000 "=", then "!"',
        { authorization: `Bearer ${'a'.repeat(6000)}${'='.repeat(6000)}!` },
        'malformed_request',
      ),
    );
    add(
      requestCase('transport', 'pathological: 12,000 tabs after the scheme', { authorization: `Bearer${'\t'.repeat(12_000)}x` }, 'malformed_request'),
    );
    add(requestCase('transport', 'pathological: 12,000 "=" after Bearer', { authorization: `Bearer ${'='.repeat(12_000)}` }, 'malformed_request'));
  }

  // --- scopes (valid tokens, insufficient privilege) ----------------------------------------------------------
  {
    const scope = (
      name: string,
      claims: Record<string, unknown>,
      required: readonly string[],
      mode?: ScopeMode,
      reason: AuthErrorReason = 'insufficient_scope',
    ): void => {
      add(
        tokenCase('scopes', name, ctx.mint(k.es256, claims), reason, {
          requiredScopes: required,
          ...(mode === undefined ? {} : { scopeMode: mode }),
        }),
      );
    };
    scope('granted "orders", required "orders:read" (no substring match)', { scope: 'orders' }, ['orders:read']);
    scope('granted "orders:read", required "orders" (no prefix match)', { scope: 'orders:read' }, ['orders']);
    scope('granted "orders:read", required "orders:read:all"', { scope: 'orders:read' }, ['orders:read:all']);
    scope('granted "orders:readwrite", required "orders:read"', { scope: 'orders:readwrite' }, ['orders:read']);
    scope('granted "Orders:Read", required "orders:read" (no case folding)', { scope: 'Orders:Read' }, ['orders:read']);
    scope('granted "orders:read", required "ORDERS:READ"', { scope: 'orders:read' }, ['ORDERS:READ']);
    scope('empty scope string', { scope: '' }, ['orders:read']);
    scope('no scope claim at all', { scope: undefined }, ['orders:read']);
    scope('comma-separated scopes are one scope', { scope: 'orders:read,orders:write' }, ['orders:write']);
    scope('tab-separated scopes are one scope', { scope: 'orders:read\torders:write' }, ['orders:write']);
    scope('all-of: one of two missing', { scope: 'orders:read' }, ['orders:read', 'orders:write']);
    scope('any-of: none present', { scope: 'profile email' }, ['orders:read', 'orders:write'], 'any');
    scope('scp array without the scope', { scope: undefined, scp: ['orders', 'orders:write'] }, ['orders:read']);
    scope('scp array holding one space-joined string', { scope: undefined, scp: ['orders:write orders:read'] }, ['orders:read']);
    scope('scope in an unconfigured claim (permissions)', { scope: undefined, permissions: ['orders:read'] }, ['orders:read']);
    scope('scope in an unconfigured claim (roles)', { scope: undefined, roles: ['orders:read'] }, ['orders:read']);
    add(
      tokenCase(
        'scopes',
        'scope only under __proto__',
        signed(
          ctx.header(k.es256),
          withRawMember({ ...ctx.claims(), scope: undefined }, '__proto__', JSON.stringify({ scope: 'orders:admin' })),
          k.es256,
        ),
        'insufficient_scope',
        { requiredScopes: ['orders:admin'] },
      ),
    );
    scope('scope as a number', { scope: 1 }, ['orders:read'], undefined, 'claim_invalid');
  }
  return cases;
}
