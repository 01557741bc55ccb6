import { AuthError } from '../errors.js';

/** The decoded, not yet verified, parts of a compact JWS. Only used to route to a key; never trusted alone. */
export interface DecodedToken {
  /** The token as sent. */
  token: string;
  /** The header segment as sent: identical segments decode to identical headers. */
  headerSegment: string;
  header: Readonly<Record<string, unknown>>;
  payload: Readonly<Record<string, unknown>>;
  /** Whether a signature segment is present (checked after `alg`, so `alg: none` gets the clearer reason). */
  signed: boolean;
  /** The exact bytes the signature covers: `header.payload` as sent (RFC 7515 §5.2). */
  signingInput: Buffer;
  signature: Buffer;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Strict base64url (RFC 7515 §2): no padding, no whitespace, no other alphabet, and canonical: the unused low bits
 * of the last character must be zero, so one token has exactly one spelling (jose alone accepts variants).
 */
function decodeSegment(sent: string, realm: string, padded: boolean): Buffer {
  const segment = padded ? withoutPadding(sent, realm) : sent;
  const tail = segment.length % 4;
  if (tail === 1 || !SEGMENT.test(segment)) throw new AuthError('malformed_token', { realm, detail: 'segment is not base64url' });
  // A last character that carries 4 (tail 2) or 2 (tail 3) unused bits is canonical only when those bits are zero.
  const unusedBits = tail === 2 ? 0b1111 : tail === 3 ? 0b11 : 0;
  if (unusedBits !== 0 && (ALPHABET.indexOf(segment[segment.length - 1] as string) & unusedBits) !== 0) {
    throw new AuthError('malformed_token', { realm, detail: 'non-canonical base64url' });
  }
  return Buffer.from(segment, 'base64url');
}

/**
 * AWS load balancers pad each segment with `=` to a multiple of 4 (the `paddedSegments` option): accepted only when
 * the padding is exactly what base64 would add, so a segment still has one spelling.
 */
function withoutPadding(segment: string, realm: string): string {
  const bare = segment.replace(/={1,2}$/, '');
  if (bare.length !== segment.length && segment.length % 4 !== 0) throw new AuthError('malformed_token', { realm, detail: 'wrong base64 padding' });
  return bare;
}

function decodeJsonObject(segment: string, what: string, realm: string, padded: boolean): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeSegment(segment, realm, padded).toString('utf8'));
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError('malformed_token', { realm, detail: `${what} is not JSON` });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuthError('malformed_token', { realm, detail: `${what} is not a JSON object` });
  }
  return value as Record<string, unknown>;
}

/** A header already decoded from exactly this segment (by an earlier token), or undefined. */
export type KnownHeaders = (segment: string) => Readonly<Record<string, unknown>> | undefined;

/**
 * Checks the token's shape and decodes header and payload, before any key lookup or crypto:
 * length first (so a huge string costs nothing), then five parts (JWE) vs three (JWS), then strict base64url.
 * `knownHeaders`: an issuer signs thousands of tokens under one header (same alg, kid and typ), so a segment decoded
 * before is not decoded again: the same characters decode to the same header (and passed the same checks).
 */
export function decodeToken(token: unknown, maxLength: number, realm: string, padded = false, knownHeaders?: KnownHeaders): DecodedToken {
  if (typeof token !== 'string' || token === '') throw new AuthError('malformed_token', { realm, detail: 'token is not a string' });
  if (token.length > maxLength) throw new AuthError('token_too_long', { realm, detail: `longer than ${maxLength} characters` });
  const parts = token.split('.');
  if (parts.length === 5) throw new AuthError('token_encrypted', { realm });
  if (parts.length !== 3) throw new AuthError('malformed_token', { realm, detail: `${parts.length} parts, expected 3` });
  const [headerSegment, payloadSegment, signatureSegment] = parts as [string, string, string];
  const header = knownHeaders?.(headerSegment) ?? decodeJsonObject(headerSegment, 'header', realm, padded);
  const payload = decodeJsonObject(payloadSegment, 'payload', realm, padded);
  const signature = signatureSegment === '' ? Buffer.alloc(0) : decodeSegment(signatureSegment, realm, padded);
  const signingInput = Buffer.from(token.slice(0, headerSegment.length + 1 + payloadSegment.length), 'latin1');
  return { token, headerSegment, header, payload, signed: signatureSegment !== '', signingInput, signature };
}

/** What `decodeUnverified` returns: a token's header and payload, exactly as it claims them. */
export interface UnverifiedToken {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Decodes a compact JWS **without verifying anything**: not the signature, not the issuer, not the expiry. For
 * debugging and logging only; anyone can write anything in a token. Never decide access on it: use `verify`.
 * Throws an `AuthError` (`malformed_token`, `token_encrypted`, `token_too_long` past 64 KiB) for a token that is
 * not a JWS at all.
 */
export function decodeUnverified(token: string): UnverifiedToken {
  const { header, payload } = decodeToken(token, 65_536, 'api');
  return { header, payload };
}
