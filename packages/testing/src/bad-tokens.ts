import { KeyStore } from './keys.js';
import { buildHeader, encodeSegment, signParts, signToken, tokenParts, type SignContext } from './sign.js';
import { nowSeconds } from './time.js';
import type { BadTokens, SignOptions } from './types.js';

/**
 * Tokens a verifier must refuse. Each differs from a good token in exactly one way, so a test that expects a given
 * refusal reason fails if the verifier refused for some other reason (or accepted). All are async, misuse included:
 * a promise-returning API that sometimes throws synchronously escapes `.catch()` and `rejects` assertions.
 */

export const WRONG_AUDIENCE = 'urn:authgate:testing:wrong-audience';
export const WRONG_ISSUER = 'https://wrong-issuer.invalid';
const HOUR = 3600;

export function createBadTokens(context: SignContext): BadTokens {
  return {
    async expired(claims, options = {}) {
      // Far past any sane clock tolerance, with iat before exp so only the expiry is wrong.
      const now = nowSeconds();
      return signToken(context, claims, { ...options, issuedAt: now - 2 * HOUR, expiresIn: HOUR });
    },

    async notYetValid(claims, options = {}) {
      const now = nowSeconds();
      // exp after nbf: a window that opens later, not an empty one.
      return signToken(context, claims, { expiresIn: 2 * HOUR, ...options, notBefore: now + HOUR });
    },

    async wrongAudience(claims, options = {}, audience = WRONG_AUDIENCE) {
      const intended = options.audience ?? context.defaultAudience;
      const named = intended === null || intended === undefined ? [] : typeof intended === 'string' ? [intended] : intended;
      if (named.includes(audience)) throw new Error(`@authgate/testing: wrongAudience: ${JSON.stringify(audience)} is the token's real audience`);
      return signToken(context, claims, { ...options, audience });
    },

    async wrongIssuer(claims, options = {}, issuer = WRONG_ISSUER) {
      if (issuer === context.issuerUrl) throw new Error("@authgate/testing: wrongIssuer needs an issuer other than this issuer's url");
      return signToken(context, claims, { ...options, issuer });
    },

    async unknownKid(claims, options = {}) {
      const parts = tokenParts(context, claims, options);
      const stranger = await context.keys.unpublishedKey(options.algorithm);
      parts.header.kid = stranger.kid;
      return signParts(parts.header, parts.payload, stranger.privateKey);
    },

    async algNone(claims, options = {}) {
      const { header, payload } = tokenParts(context, claims, options);
      header.alg = 'none';
      // RFC 7519 §6.1: an unsecured JWS has an empty signature segment (the trailing dot stays).
      return `${encodeSegment(header)}.${encodeSegment(payload)}.`;
    },

    async hmacConfusion(claims, options = {}) {
      const rsaKey = context.keys.publishedRsaKey();
      if (rsaKey === undefined) {
        throw new Error('@authgate/testing: hmacConfusion needs a published RSA key: configure an RS* or PS* algorithm');
      }
      const payload = tokenParts(context, claims, options).payload;
      // The attack: a verifier that lets the token pick HS256 would use the PEM it holds as the HMAC secret.
      const header = buildHeader('HS256', rsaKey.kid, options);
      return signParts(header, payload, new TextEncoder().encode(KeyStore.publicPem(rsaKey)));
    },

    async tampered(claims, options: SignOptions = {}, changes = { sub: 'attacker' }) {
      const token = await signToken(context, claims, options);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const original = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = encodeSegment({ ...original, ...changes });
      if (forged === payload) throw new Error('@authgate/testing: tampered: the changes leave the payload as it was');
      return `${header}.${forged}.${signature}`;
    },

    async missingExp(claims, options = {}) {
      return signToken(context, claims, { ...options, noExp: true });
    },
  };
}
