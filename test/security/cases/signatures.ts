/** Attack family: stripped, swapped, tampered and malformed signatures. */
import { b64, fromB64, rawSign, tamper, type SecurityContext } from '../context.js';
import {
  type AttackCase,
  type BaseTokens,
  ED25519_ORDER,
  P256_ORDER,
  bigToBytes,
  bytesToBig,
  caseList,
  p1363ToDer,
  parts,
  resign,
  signed,
  tokenCase,
} from './shared.js';

export function signatureCases(ctx: SecurityContext, base: BaseTokens): AttackCase[] {
  const { k, good, goodEs, goodH, goodP, goodS } = base;
  const { cases, add } = caseList();
  // --- signature games -------------------------------------------------------------------------------------
  {
    const other = ctx.mint(k.rs256, { sub: 'someone-else' });
    add(tokenCase('signature', 'RS256 signature stripped (empty third part)', `${goodH}.${goodP}.`, 'signature_invalid'));
    add(tokenCase('signature', 'ES256 signature stripped', `${parts(goodEs)[0]}.${parts(goodEs)[1]}.`, 'signature_invalid'));
    add(
      tokenCase(
        'signature',
        'signature swapped from another valid token of the same key',
        `${goodH}.${goodP}.${parts(other)[2]}`,
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'same signing input signed by another published EC key (kid kept)',
        resign(goodEs, 'ES256', k.ecNoAlg.privateKey),
        'signature_invalid',
      ),
    );
    add(tokenCase('signature', 'signed by the attacker with a published kid', ctx.mint({ ...k.attackerRsa, kid: k.rs256.kid }), 'signature_invalid'));
    add(
      tokenCase(
        'signature',
        'tampered header: typ respelled application/at+jwt',
        tamper(good, 'header', (h) => ({ ...h, typ: 'application/at+jwt' })),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'tampered header: kid moved to another RSA key',
        tamper(good, 'header', (h) => ({ ...h, kid: k.rsaNoAlg.kid })),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'tampered header: extra member',
        tamper(good, 'header', (h) => ({ ...h, cty: 'JWT' })),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'tampered payload: sub',
        tamper(good, 'payload', (p) => ({ ...p, sub: 'admin' })),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'tampered payload: scope',
        tamper(good, 'payload', (p) => ({ ...p, scope: 'orders:read orders:admin' })),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'tampered payload: exp extended by a year',
        tamper(good, 'payload', (p) => ({ ...p, exp: (p.exp as number) + 31_536_000 })),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'tampered payload: member order changed (same claims)',
        tamper(good, 'payload', (p) => Object.fromEntries(Object.entries(p).reverse())),
        'signature_invalid',
      ),
    );
    const [esH, esP, esS] = parts(goodEs);
    const esSig = fromB64(esS);
    add(tokenCase('signature', 'ECDSA r=0, s=0 (CVE-2022-21449 "psychic signature")', `${esH}.${esP}.${b64(Buffer.alloc(64))}`, 'signature_invalid'));
    const n = bigToBytes(P256_ORDER, 32);
    add(tokenCase('signature', 'ECDSA r=n, s=n', `${esH}.${esP}.${b64(Buffer.concat([n, n]))}`, 'signature_invalid'));
    add(
      tokenCase(
        'signature',
        'ECDSA r=0, s=valid s',
        `${esH}.${esP}.${b64(Buffer.concat([Buffer.alloc(32), esSig.subarray(32)]))}`,
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'ECDSA r=valid r + n (33 bytes, 65-byte signature)',
        `${esH}.${esP}.${b64(Buffer.concat([bigToBytes(bytesToBig(esSig.subarray(0, 32)) + P256_ORDER, 33), esSig.subarray(32)]))}`,
        'signature_invalid',
      ),
    );
    add(tokenCase('signature', 'ECDSA signature DER-encoded instead of P1363', `${esH}.${esP}.${b64(p1363ToDer(esSig))}`, 'signature_invalid'));
    add(tokenCase('signature', 'ECDSA signature truncated to 63 bytes', `${esH}.${esP}.${b64(esSig.subarray(0, 63))}`, 'signature_invalid'));
    add(
      tokenCase(
        'signature',
        'ECDSA signature with a zero byte appended',
        `${esH}.${esP}.${b64(Buffer.concat([esSig, Buffer.alloc(1)]))}`,
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'ECDSA r and s swapped',
        `${esH}.${esP}.${b64(Buffer.concat([esSig.subarray(32), esSig.subarray(0, 32)]))}`,
        'signature_invalid',
      ),
    );
    const ed = ctx.mint(k.eddsa);
    const [edH, edP, edS] = parts(ed);
    const edSig = fromB64(edS);
    add(tokenCase('signature', 'Ed25519 signature of zeros', `${edH}.${edP}.${b64(Buffer.alloc(64))}`, 'signature_invalid'));
    const sLe = Buffer.from(edSig.subarray(32)).reverse();
    const malleable = Buffer.from(bigToBytes(bytesToBig(sLe) + ED25519_ORDER, 32)).reverse();
    add(
      tokenCase(
        'signature',
        'Ed25519 non-canonical S (S + L, malleability)',
        `${edH}.${edP}.${b64(Buffer.concat([edSig.subarray(0, 32), malleable]))}`,
        'signature_invalid',
      ),
    );
    add(tokenCase('signature', 'RSA signature of zeros', `${goodH}.${goodP}.${b64(Buffer.alloc(256))}`, 'signature_invalid'));
    add(
      tokenCase(
        'signature',
        'RSA signature with a leading zero byte (257 bytes)',
        `${goodH}.${goodP}.${b64(Buffer.concat([Buffer.alloc(1), fromB64(goodS)]))}`,
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'RS256 header with an RSA-PSS signature by the same key',
        resign(good, 'PS256', k.rs256.privateKey),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'PS256 header with a PKCS#1 v1.5 signature by the same key',
        resign(ctx.mint(k.ps256), 'RS256', k.ps256.privateKey),
        'signature_invalid',
      ),
    );
    add(
      tokenCase(
        'signature',
        'RS256 signature over the payload only',
        `${goodH}.${goodP}.${rawSign('RS256', k.rs256.privateKey, goodP).toString('base64url')}`,
        'signature_invalid',
      ),
    );
  }
  return cases;
}
