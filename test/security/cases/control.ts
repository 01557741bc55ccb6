/** The control group: requests that MUST be accepted, so refusals are never an artefact of a broken setup. */
import { AUDIENCE, ISSUER, ISSUER_A, ISSUER_B, b64, fromB64, type SecurityContext } from '../context.js';
import { type AcceptCase, P256_ORDER, bigToBytes, bytesToBig, parts, signed, withDuplicate } from './shared.js';

// ---------------------------------------------------------------------------------------------------------------
// The control group
// ---------------------------------------------------------------------------------------------------------------

export async function buildAcceptCases(ctx: SecurityContext): Promise<AcceptCase[]> {
  const k = ctx.keys;
  const accepted: AcceptCase[] = [];
  for (const key of [k.rs256, k.ps256, k.es256, k.eddsa]) {
    accepted.push({
      class: 'alg-allowlist',
      name: `valid ${key.alg} token`,
      profile: 'strict',
      token: ctx.mint(key),
      identity: { subject: 'user-1', issuer: ISSUER, alg: key.alg },
    });
  }
  accepted.push({
    class: 'alg-key-binding',
    name: 'PS256 with an RSA key published without alg',
    profile: 'strict',
    token: ctx.mint(k.rsaNoAlg, {}, { alg: 'PS256' }, 'PS256'),
    identity: { alg: 'PS256' },
    why: 'RFC 7517: a JWK without alg may be used with any algorithm of its key type',
  });
  const t = ctx.mint(k.rs256);
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    accepted.push({
      class: 'transport',
      name: `scheme "${scheme}" (case-insensitive, RFC 7235)`,
      profile: 'strict',
      authorization: `${scheme} ${t}`,
      identity: { subject: 'user-1' },
    });
  }
  accepted.push({
    class: 'transport',
    name: '2,000 spaces between scheme and token',
    profile: 'strict',
    authorization: `Bearer${' '.repeat(2000)}${t}`,
    identity: { subject: 'user-1' },
    why: 'RFC 7235 §2.1: credentials = auth-scheme [ 1*SP token68 ]; any number of spaces is legal',
  });
  accepted.push({
    class: 'claims',
    name: 'typ application/at+jwt (RFC 7515 §4.1.9 prefix)',
    profile: 'strict',
    token: ctx.mint(k.es256, {}, { typ: 'application/at+jwt' }),
    identity: { subject: 'user-1' },
  });
  accepted.push({
    class: 'claims',
    name: 'aud array naming this API among others',
    profile: 'strict',
    token: ctx.mint(k.es256, { aud: ['billing-api', AUDIENCE] }),
    identity: { subject: 'user-1' },
  });
  accepted.push({
    class: 'multi-issuer',
    name: 'issuer A with its own key',
    profile: 'multiIssuer',
    token: ctx.mint(k.issuerA, { iss: ISSUER_A }),
    identity: { issuer: ISSUER_A },
  });
  accepted.push({
    class: 'multi-issuer',
    name: 'issuer B with its own key',
    profile: 'multiIssuer',
    token: ctx.mint(k.issuerB, { iss: ISSUER_B }),
    identity: { issuer: ISSUER_B },
  });
  accepted.push({
    class: 'hostile-jwks',
    name: 'the one good key of the hostile set still works',
    profile: 'hostileJwks',
    token: ctx.mint(k.anchor),
    identity: { subject: 'user-1' },
  });
  accepted.push({
    class: 'scopes',
    name: 'exact scope among several',
    profile: 'strict',
    token: ctx.mint(k.es256, { scope: 'orders:read orders:write' }),
    requiredScopes: ['orders:write'],
    identity: { scopes: ['orders:read', 'orders:write'] },
  });
  accepted.push({
    class: 'scopes',
    name: 'scp array',
    profile: 'strict',
    token: ctx.mint(k.es256, { scope: undefined, scp: ['orders:read'] }),
    requiredScopes: ['orders:read'],
    identity: { scopes: ['orders:read'] },
  });
  accepted.push({
    class: 'scopes',
    name: 'any-of with one present',
    profile: 'strict',
    token: ctx.mint(k.es256, { scope: 'orders:write' }),
    requiredScopes: ['orders:read', 'orders:write'],
    scopeMode: 'any',
    identity: { scopes: ['orders:write'] },
  });
  {
    const header = ctx.header(k.rs256);
    accepted.push({
      class: 'structure',
      name: 'duplicate alg in header, "none" first and RS256 last',
      profile: 'strict',
      token: signed(withDuplicate({ ...header, alg: 'none' }, 'alg', 'RS256'), ctx.claims(), k.rs256),
      identity: { alg: 'RS256' },
      why: 'RFC 7515 §5.2 permits a parser that keeps the last duplicate; core, jose and the Identity all read the same JSON.parse result, so what was checked is what was signed and what the app sees',
    });
    accepted.push({
      class: 'structure',
      name: 'duplicate scope in payload: the last one counts',
      profile: 'strict',
      token: signed(header, withDuplicate(ctx.claims({ scope: 'orders:admin' }), 'scope', 'orders:read'), k.rs256),
      requiredScopes: ['orders:read'],
      identity: { scopes: ['orders:read'] },
      why: 'same as above: one parser, last member wins, the admin scope is never seen',
    });
  }
  accepted.push({
    class: 'key-injection',
    name: 'a genuine token that also carries jku/x5u pointing at the trap',
    profile: 'strict',
    token: ctx.mint(k.rs256, {}, { jku: `${ctx.trapUrl}/jwks.json`, x5u: `${ctx.trapUrl}/cert.pem` }),
    identity: { subject: 'user-1' },
    why: 'key-locating header parameters are ignored (never fetched, never trusted); the key comes from the configured JWKS only',
  });
  {
    const token = ctx.mint(k.es256);
    const [h, p, s] = parts(token);
    const sig = fromB64(s);
    const highS = bigToBytes(P256_ORDER - bytesToBig(sig.subarray(32)), 32);
    accepted.push({
      class: 'signature',
      name: 'ECDSA (r, n - s): the malleable twin of a valid signature',
      profile: 'strict',
      token: `${h}.${p}.${b64(Buffer.concat([sig.subarray(0, 32), highS]))}`,
      identity: { subject: 'user-1' },
      why: 'ECDSA signatures are malleable by definition and JWS does not forbid high-s; the claims are the ones the issuer signed. Replay detection must key on jti, not on the token string',
    });
  }
  return accepted;
}
