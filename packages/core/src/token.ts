import { AuthError } from './errors.js';

/** The decoded, not yet verified, parts of a compact JWS. Only used to route to a key; never trusted alone. */
export interface DecodedToken {
  header: Readonly<Record<string, unknown>>;
  payload: Readonly<Record<string, unknown>>;
  /** Whether a signature segment is present (checked after `alg`, so `alg: none` gets the clearer reason). */
  signed: boolean;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Strict base64url (RFC 7515 §2): no padding, no whitespace, no other alphabet, and canonical: the unused low bits
 * of the last character must be zero, so one token has exactly one spelling (jose alone accepts variants).
 */
function decodeSegment(segment: string, realm: string): Buffer {
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) throw new AuthError('malformed_token', { realm, detail: 'segment is not base64url' });
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) throw new AuthError('malformed_token', { realm, detail: 'non-canonical base64url' });
  return bytes;
}

function decodeJsonObject(segment: string, what: string, realm: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeSegment(segment, realm).toString('utf8'));
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError('malformed_token', { realm, detail: `${what} is not JSON` });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuthError('malformed_token', { realm, detail: `${what} is not a JSON object` });
  }
  return value as Record<string, unknown>;
}

/**
 * Checks the token's shape and decodes header and payload, before any key lookup or crypto:
 * length first (so a huge string costs nothing), then five parts (JWE) vs three (JWS), then strict base64url.
 */
export function decodeToken(token: unknown, maxLength: number, realm: string): DecodedToken {
  if (typeof token !== 'string' || token === '') throw new AuthError('malformed_token', { realm, detail: 'token is not a string' });
  if (token.length > maxLength) throw new AuthError('token_too_long', { realm, detail: `longer than ${maxLength} characters` });
  const parts = token.split('.');
  if (parts.length === 5) throw new AuthError('token_encrypted', { realm });
  if (parts.length !== 3) throw new AuthError('malformed_token', { realm, detail: `${parts.length} parts, expected 3` });
  const [headerSegment, payloadSegment, signatureSegment] = parts as [string, string, string];
  const header = decodeJsonObject(headerSegment, 'header', realm);
  const payload = decodeJsonObject(payloadSegment, 'payload', realm);
  if (signatureSegment !== '') decodeSegment(signatureSegment, realm);
  return { header, payload, signed: signatureSegment !== '' };
}
