/** Attack family: alg: none, HMAC confusion, the allowlist, alg ↔ key binding. */
import { ACCESS_TOKEN_TYP, b64, compact, fromB64, publicKeyEncodings, type SecurityContext } from '../context.js';
import { type AttackCase, type BaseTokens, caseList, parts, signed, tokenCase } from './shared.js';

export function algorithmCases(ctx: SecurityContext, base: BaseTokens): AttackCase[] {
  const { k, good, goodEs, goodH, goodP, goodS } = base;
  const { cases, add } = caseList();
  // --- alg: none --------------------------------------------------------------------------------------------
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    const header = b64({ alg, typ: ACCESS_TOKEN_TYP, kid: k.rs256.kid });
    const payload = b64(ctx.claims({ sub: 'admin' }));
    add(tokenCase('alg-none', `alg "${alg}" without signature`, `${header}.${payload}.`, 'algorithm_not_allowed'));
    add(tokenCase('alg-none', `alg "${alg}" with a signature part`, `${header}.${payload}.${goodS}`, 'algorithm_not_allowed'));
  }
  add(tokenCase('alg-none', 'alg "none" without kid or typ', `${b64({ alg: 'none' })}.${b64(ctx.claims())}.`, 'algorithm_not_allowed'));
  add(tokenCase('alg-none', 'alg "none" with the separator dropped (2 parts)', `${b64({ alg: 'none' })}.${b64(ctx.claims())}`, 'malformed_token'));

  // --- algorithm confusion: HMAC keyed with the public key -------------------------------------------------
  {
    const rsa = publicKeyEncodings(k.rs256);
    const secrets: Array<[string, Buffer | string]> = [
      ['SPKI PEM', rsa.spkiPem],
      ['SPKI DER', rsa.spkiDer],
      ['PKCS#1 PEM', rsa.pkcs1Pem as string],
      ['JWK n (base64url text)', k.rs256.jwk.n as string],
      ['JWK n (raw bytes)', fromB64(k.rs256.jwk.n as string)],
      ['JWK JSON', JSON.stringify(k.rs256.jwk)],
    ];
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      for (const [form, secret] of secrets) {
        const header = ctx.header(k.rs256, { alg });
        add(
          tokenCase(
            'alg-confusion',
            `${alg} keyed with the RSA public key as ${form}`,
            compact(header, ctx.claims({ sub: 'admin' }), alg, secret),
            'algorithm_not_allowed',
          ),
        );
      }
    }
    const ec = publicKeyEncodings(k.es256);
    add(
      tokenCase(
        'alg-confusion',
        'HS256 keyed with the EC public key as SPKI PEM',
        compact(ctx.header(k.es256, { alg: 'HS256' }), ctx.claims(), 'HS256', ec.spkiPem),
        'algorithm_not_allowed',
      ),
    );
    add(
      tokenCase(
        'alg-confusion',
        'HS256 keyed with the EC public key as JWK JSON',
        compact(ctx.header(k.es256, { alg: 'HS256' }), ctx.claims(), 'HS256', JSON.stringify(k.es256.jwk)),
        'algorithm_not_allowed',
      ),
    );
    add(
      tokenCase(
        'alg-confusion',
        'HS256 keyed with the Ed25519 public key (raw x)',
        compact(ctx.header(k.eddsa, { alg: 'HS256' }), ctx.claims(), 'HS256', fromB64(k.eddsa.jwk.x as string)),
        'algorithm_not_allowed',
      ),
    );
    add(
      tokenCase(
        'alg-confusion',
        'HS256 with an empty secret',
        compact(ctx.header(k.rs256, { alg: 'HS256' }), ctx.claims(), 'HS256', Buffer.alloc(0)),
        'algorithm_not_allowed',
      ),
    );
  }

  // --- algorithms outside the allowlist ----------------------------------------------------------------------
  add(tokenCase('alg-allowlist', 'RS384, validly signed by a published RS384 key', ctx.mint(k.rs384), 'algorithm_not_allowed'));
  add(tokenCase('alg-allowlist', 'ES384, validly signed by a published ES384 key', ctx.mint(k.es384), 'algorithm_not_allowed'));
  add(
    tokenCase(
      'alg-allowlist',
      'RS512, validly signed by a published RSA key without alg',
      ctx.mint(k.rsaNoAlg, {}, {}, 'RS512'),
      'algorithm_not_allowed',
    ),
  );
  add(
    tokenCase(
      'alg-allowlist',
      'PS384, validly signed by a published RSA key without alg',
      ctx.mint(k.rsaNoAlg, {}, {}, 'PS384'),
      'algorithm_not_allowed',
    ),
  );
  add(
    tokenCase(
      'alg-allowlist',
      'PS512, validly signed by a published RSA key without alg',
      ctx.mint(k.rsaNoAlg, {}, {}, 'PS512'),
      'algorithm_not_allowed',
    ),
  );
  add(
    tokenCase(
      'alg-allowlist',
      'Ed25519 (fully specified name), validly signed by the EdDSA key',
      ctx.mint(k.eddsa, {}, { alg: 'Ed25519' }, 'Ed25519'),
      'algorithm_not_allowed',
    ),
  );
  add(
    tokenCase(
      'alg-allowlist',
      'alg "rs256" (lowercase), valid RS256 signature',
      ctx.mint(k.rs256, {}, { alg: 'rs256' }, 'RS256'),
      'algorithm_not_allowed',
    ),
  );
  add(
    tokenCase(
      'alg-allowlist',
      'alg "RS256 " (trailing space), valid RS256 signature',
      ctx.mint(k.rs256, {}, { alg: 'RS256 ' }, 'RS256'),
      'algorithm_not_allowed',
    ),
  );
  add(tokenCase('alg-allowlist', 'alg "ES256K"', ctx.mint(k.es256, {}, { alg: 'ES256K' }, 'ES256'), 'algorithm_not_allowed'));
  add(
    tokenCase(
      'alg-allowlist',
      'alg "RSA-OAEP" (an encryption algorithm) in a JWS',
      ctx.mint(k.rs256, {}, { alg: 'RSA-OAEP' }, 'RS256'),
      'algorithm_not_allowed',
    ),
  );
  add(tokenCase('alg-allowlist', 'alg missing', ctx.mint(k.rs256, {}, { alg: undefined }, 'RS256'), 'malformed_token'));
  add(tokenCase('alg-allowlist', 'alg null', ctx.mint(k.rs256, {}, { alg: null }, 'RS256'), 'malformed_token'));
  add(tokenCase('alg-allowlist', 'alg ["RS256"] (array)', ctx.mint(k.rs256, {}, { alg: ['RS256'] }, 'RS256'), 'malformed_token'));
  add(tokenCase('alg-allowlist', 'alg {"name":"RS256"} (object)', ctx.mint(k.rs256, {}, { alg: { name: 'RS256' } }, 'RS256'), 'malformed_token'));

  // --- alg ↔ key binding ----------------------------------------------------------------------------------
  add(
    tokenCase(
      'alg-key-binding',
      'RS256 header, kid of an EC key published without alg',
      ctx.mint(k.ecNoAlg, {}, { alg: 'RS256' }, 'ES256'),
      'key_algorithm_mismatch',
    ),
  );
  add(
    tokenCase(
      'alg-key-binding',
      'ES256 header, kid of an RSA key published without alg',
      ctx.mint(k.rsaNoAlg, {}, { alg: 'ES256' }, 'RS256'),
      'key_algorithm_mismatch',
    ),
  );
  add(
    tokenCase(
      'alg-key-binding',
      'PS256 validly signed by the RSA key whose JWK says alg RS256',
      ctx.mint(k.rs256, {}, { alg: 'PS256' }, 'PS256'),
      'key_algorithm_mismatch',
    ),
  );
  add(
    tokenCase(
      'alg-key-binding',
      'RS256 validly signed by the RSA key whose JWK says alg PS256',
      ctx.mint(k.ps256, {}, { alg: 'RS256' }, 'RS256'),
      'key_algorithm_mismatch',
    ),
  );
  add(tokenCase('alg-key-binding', 'ES256 header, kid of the P-384 key', ctx.mint(k.es384, {}, { alg: 'ES256' }, 'ES384'), 'key_algorithm_mismatch'));
  add(tokenCase('alg-key-binding', 'EdDSA header, kid of the ES256 key', ctx.mint(k.es256, {}, { alg: 'EdDSA' }, 'ES256'), 'key_algorithm_mismatch'));
  add(
    tokenCase('alg-key-binding', 'ES256 header, kid of the Ed25519 key', ctx.mint(k.eddsa, {}, { alg: 'ES256' }, 'EdDSA'), 'key_algorithm_mismatch'),
  );
  add(
    tokenCase('alg-key-binding', 'RS256 header, kid of the Ed25519 key', ctx.mint(k.eddsa, {}, { alg: 'RS256' }, 'EdDSA'), 'key_algorithm_mismatch'),
  );
  return cases;
}
