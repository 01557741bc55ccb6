/** Attack family: malformed structure and encodings. */
import { ACCESS_TOKEN_TYP, ISSUER, b64, compact, publicKeyEncodings, tamper, type SecurityContext } from '../context.js';
import {
  type AttackCase,
  type BaseTokens,
  caseList,
  nestedArrays,
  nestedObjects,
  nonCanonicalTail,
  parts,
  signed,
  toStdAlphabet,
  tokenCase,
  tokenWithUnalignedPayload,
  tokenWithUrlChars,
  withDuplicate,
  withRawMember,
} from './shared.js';

export function structureCases(ctx: SecurityContext, base: BaseTokens): AttackCase[] {
  const { k, good, goodEs, goodH, goodP, goodS } = base;
  const { cases, add } = caseList();
  // --- structure -----------------------------------------------------------------------------------------
  {
    const header = ctx.header(k.rs256);
    const claims = ctx.claims();
    const sig = goodS;
    add(
      tokenCase(
        'structure',
        'JWE (5 parts, RSA-OAEP-256 / A256GCM header)',
        `${b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: k.rs256.kid })}.${b64(Buffer.alloc(256, 7))}.${b64(Buffer.alloc(12, 1))}.${b64(Buffer.alloc(64, 2))}.${b64(Buffer.alloc(16, 3))}`,
        'token_encrypted',
      ),
    );
    add(
      tokenCase(
        'structure',
        'JWE, dir / A128CBC-HS256, empty key part',
        `${b64({ alg: 'dir', enc: 'A128CBC-HS256' })}..${b64(Buffer.alloc(16))}.${b64('x')}.${b64(Buffer.alloc(16))}`,
        'token_encrypted',
      ),
    );
    add(tokenCase('structure', 'five empty parts', '....', 'token_encrypted'));
    add(tokenCase('structure', '1 part', goodH, 'malformed_token'));
    add(tokenCase('structure', '2 parts', `${goodH}.${goodP}`, 'malformed_token'));
    add(tokenCase('structure', '4 parts (signature repeated)', `${good}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', '4 parts (trailing dot)', `${good}.`, 'malformed_token'));
    add(tokenCase('structure', '6 parts', `${good}.${goodH}.${goodP}.${goodS}`.split('.').slice(0, 6).join('.'), 'malformed_token'));
    add(tokenCase('structure', 'empty string', '', 'malformed_token'));
    add(tokenCase('structure', 'three empty parts', '..', 'malformed_token'));
    add(tokenCase('structure', 'header is not JSON', `${b64('not json')}.${goodP}.${sig}`, 'malformed_token'));
    add(tokenCase('structure', 'payload is not JSON', `${goodH}.${b64('{"iss":')}.${sig}`, 'malformed_token'));
    add(tokenCase('structure', 'header JSON with a byte-order mark', `${b64(`\ufeff${JSON.stringify(header)}`)}.${goodP}.${sig}`, 'malformed_token'));
    for (const [what, value] of [
      ['array', '[1,2]'],
      ['string', '"RS256"'],
      ['number', '42'],
      ['null', 'null'],
      ['boolean', 'true'],
    ] as const) {
      add(tokenCase('structure', `header is a JSON ${what}`, `${b64(value)}.${goodP}.${sig}`, 'malformed_token'));
      add(tokenCase('structure', `payload is a JSON ${what}`, signed(header, value, k.rs256), 'malformed_token'));
    }
    add(tokenCase('structure', 'payload is a JSON array of the claims', signed(header, JSON.stringify([claims]), k.rs256), 'malformed_token'));
    // Duplicate members: JSON.parse keeps the last one, in core and in jose alike; RFC 7515 §5.2 allows exactly that.
    add(
      tokenCase(
        'structure',
        'duplicate alg in header, the last one "none"',
        signed(withDuplicate(header, 'alg', 'none'), claims, k.rs256),
        'algorithm_not_allowed',
      ),
    );
    add(
      tokenCase(
        'structure',
        'duplicate alg in header, the last one HS256 (HMAC with the public key)',
        compact(withDuplicate(header, 'alg', 'HS256'), claims, 'HS256', publicKeyEncodings(k.rs256).spkiPem),
        'algorithm_not_allowed',
      ),
    );
    add(
      tokenCase(
        'structure',
        'duplicate kid in header, the last one a published kid, attacker-signed',
        signed(withDuplicate(ctx.header(k.attackerRsa), 'kid', k.rs256.kid), claims, k.attackerRsa),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'structure',
        'duplicate typ in header, the last one JWT',
        signed(withDuplicate(header, 'typ', 'JWT'), claims, k.rs256),
        'type_not_allowed',
      ),
    );
    add(
      tokenCase(
        'structure',
        'duplicate iss in payload, the last one foreign',
        signed(header, withDuplicate(claims, 'iss', 'https://evil.example/'), k.rs256),
        'issuer_not_allowed',
      ),
    );
    add(
      tokenCase(
        'structure',
        'duplicate aud in payload, the last one another API',
        signed(header, withDuplicate(claims, 'aud', 'billing-api'), k.rs256),
        'audience_mismatch',
      ),
    );
    add(
      tokenCase(
        'structure',
        'duplicate exp in payload, the last one expired',
        signed(header, withDuplicate(claims, 'exp', ctx.now - 3600), k.rs256),
        'token_expired',
      ),
    );
    add(
      tokenCase(
        'structure',
        'header alg only under __proto__',
        signed(`{"__proto__":{"alg":"RS256"},"typ":"${ACCESS_TOKEN_TYP}","kid":"${k.rs256.kid}"}`, claims, k.rs256),
        'malformed_token',
      ),
    );
    add(
      tokenCase(
        'structure',
        'payload iss only under __proto__',
        signed(header, withRawMember({ ...claims, iss: undefined }, '__proto__', JSON.stringify({ iss: ISSUER })), k.rs256),
        'claim_missing',
      ),
    );
    add(
      tokenCase('structure', 'oversized token (a padding claim past maxTokenLength)', ctx.mint(k.rs256, { pad: 'x'.repeat(9000) }), 'token_too_long'),
    );
    // Deeper nesting (10k-100k levels) does not fit an HTTP header; core-attacks.test.ts runs it with a raised limit.
    add(
      tokenCase(
        'structure',
        '4,000 nested arrays in a claim (over maxTokenLength)',
        signed(header, withRawMember(claims, 'x', nestedArrays(4000)), k.rs256),
        'token_too_long',
      ),
    );
    add(
      tokenCase(
        'structure',
        '2,000 nested arrays in a claim, attacker-signed',
        signed(ctx.header(k.attackerRsa, { kid: k.rs256.kid }), withRawMember(claims, 'x', nestedArrays(2000)), k.attackerRsa),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'structure',
        '700 nested objects in a claim, attacker-signed',
        signed(ctx.header(k.attackerRsa, { kid: k.rs256.kid }), withRawMember(claims, 'x', nestedObjects(700)), k.attackerRsa),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'structure',
        '2,000 nested arrays in the header, attacker-signed',
        signed(withRawMember(ctx.header(k.attackerRsa, { kid: k.rs256.kid }), 'x', nestedArrays(2000)), claims, k.attackerRsa),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'structure',
        'crit ["exp"], validly signed',
        signed({ ...header, crit: ['exp'], exp: ctx.now + 60 }, claims, k.rs256),
        'unsupported_header',
      ),
    );
    add(
      tokenCase(
        'structure',
        'crit with an unknown extension, validly signed',
        signed({ ...header, crit: ['urn:x-attacker'], 'urn:x-attacker': true }, claims, k.rs256),
        'unsupported_header',
      ),
    );
    add(tokenCase('structure', 'crit [] (empty), validly signed', signed({ ...header, crit: [] }, claims, k.rs256), 'unsupported_header'));
    add(
      tokenCase(
        'structure',
        'crit ["b64"] with b64 false (RFC 7797 unencoded payload)',
        signed({ ...header, b64: false, crit: ['b64'] }, claims, k.rs256),
        'unsupported_header',
      ),
    );
    add(tokenCase('structure', 'b64 false without crit', signed({ ...header, b64: false }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'zip DEF in a JWS header', signed({ ...header, zip: 'DEF' }, claims, k.rs256), 'unsupported_header'));
    add(tokenCase('structure', 'enc in a 3-part token', signed({ ...header, enc: 'A256GCM' }, claims, k.rs256), 'unsupported_header'));
    add(
      tokenCase(
        'structure',
        'crit added to a valid token after signing',
        tamper(good, 'header', (h) => ({ ...h, crit: ['exp'], exp: 1 })),
        'unsupported_header',
      ),
    );
    // Non-canonical base64url: one token has exactly one spelling.
    add(tokenCase('structure', 'padding "=" after the header segment', `${goodH}=.${goodP}.${goodS}`, 'malformed_token'));
    add(
      tokenCase('structure', 'padding "==" after the signature', `${parts(goodEs)[0]}.${parts(goodEs)[1]}.${parts(goodEs)[2]}==`, 'malformed_token'),
    );
    const urlSig = tokenWithUrlChars(ctx, k.rs256, 2);
    add(
      tokenCase(
        'structure',
        'signature in the standard base64 alphabet (+ and /)',
        `${parts(urlSig)[0]}.${parts(urlSig)[1]}.${toStdAlphabet(parts(urlSig)[2])}`,
        'malformed_token',
      ),
    );
    const urlPayload = tokenWithUrlChars(ctx, k.rs256, 1);
    add(
      tokenCase(
        'structure',
        'payload in the standard base64 alphabet (+ and /)',
        `${parts(urlPayload)[0]}.${toStdAlphabet(parts(urlPayload)[1])}.${parts(urlPayload)[2]}`,
        'malformed_token',
      ),
    );
    add(tokenCase('structure', 'space inside the payload segment', `${goodH}.${goodP.slice(0, 10)} ${goodP.slice(10)}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', 'tab inside the payload segment', `${goodH}.${goodP.slice(0, 10)}\t${goodP.slice(10)}.${goodS}`, 'malformed_token'));
    add(
      tokenCase('structure', 'newline inside the payload segment', `${goodH}.${goodP.slice(0, 10)}\n${goodP.slice(10)}.${goodS}`, 'malformed_token'),
    );
    add(tokenCase('structure', 'NUL byte inside the signature', `${goodH}.${goodP}.${goodS.slice(0, 5)}\u0000${goodS.slice(5)}`, 'malformed_token'));
    add(
      tokenCase(
        'structure',
        'signature segment with non-zero unused bits (ES256)',
        `${parts(goodEs)[0]}.${parts(goodEs)[1]}.${nonCanonicalTail(parts(goodEs)[2])}`,
        'malformed_token',
      ),
    );
    const unaligned = tokenWithUnalignedPayload(ctx, k.rs256);
    add(
      tokenCase(
        'structure',
        'payload segment with non-zero unused bits',
        `${parts(unaligned)[0]}.${nonCanonicalTail(parts(unaligned)[1])}.${parts(unaligned)[2]}`,
        'malformed_token',
      ),
    );
    add(tokenCase('structure', 'non-ASCII character in the header segment', `${goodH}é.${goodP}.${goodS}`, 'malformed_token'));
    add(tokenCase('structure', 'percent-encoded dot between segments', `${goodH}%2E${goodP}.${goodS}`, 'malformed_token'));
  }
  return cases;
}
