import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fail, positiveInteger } from '../config/validate.js';
import { describeType, keysOf, rejectUnknownKeys, type OptionKeys } from '../config/known-keys.js';

/** Server-provided DPoP nonces (RFC 9449 §8). */
export interface DpopNonce {
  /** The nonce to hand out now (sent as `DPoP-Nonce`). */
  current(): string;
  /** Whether a proof's `nonce` is still acceptable. */
  isValid(nonce: string): boolean;
}

export interface HmacNonceOptions {
  /** HMAC key, at least 32 bytes; share it across a fleet. Default: random per process. */
  secret?: string | Uint8Array;
  /** Seconds one nonce is handed out; it is accepted for up to twice as long. Default 300. */
  lifetime?: number;
}

export const HMAC_NONCE_OPTION_KEYS: OptionKeys<HmacNonceOptions> = { secret: true, lifetime: true };

const TAG_BYTES = 16;

/**
 * A stateless nonce: the current time step and an HMAC of it. Nothing is stored; any instance with the same secret
 * accepts the nonces of the others. Accepted for the current and the previous step.
 */
export function createHmacNonce(options: HmacNonceOptions = {}): DpopNonce {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail(`createHmacNonce options must be an object: { secret?, lifetime? } (got ${describeType(options)})`);
  rejectUnknownKeys(options, keysOf(HMAC_NONCE_OPTION_KEYS), '', 'createHmacNonce');
  if (options.secret !== undefined && typeof options.secret !== 'string' && !(options.secret instanceof Uint8Array))
    fail(`createHmacNonce: secret must be a string or Uint8Array of at least 32 bytes (got ${describeType(options.secret)})`);
  const secret = options.secret === undefined ? randomBytes(32) : Buffer.from(options.secret);
  if (secret.length < 32) fail('dpop nonce secret must be at least 32 bytes');
  const lifetime = positiveInteger('dpop nonce lifetime', options.lifetime, 300);
  const step = (): number => Math.floor(Date.now() / 1000 / lifetime);
  const tag = (counter: number): Buffer => createHmac('sha256', secret).update(`dpop-nonce.${counter}`).digest().subarray(0, TAG_BYTES);
  const encode = (counter: number): string => `${counter.toString(36)}.${tag(counter).toString('base64url')}`;
  return {
    current: () => encode(step()),
    isValid(nonce) {
      if (typeof nonce !== 'string' || nonce.length > 64) return false;
      const dot = nonce.indexOf('.');
      if (dot < 1) return false;
      const counter = Number.parseInt(nonce.slice(0, dot), 36);
      const now = step();
      if (!Number.isSafeInteger(counter) || (counter !== now && counter !== now - 1) || counter.toString(36) !== nonce.slice(0, dot)) return false;
      const given = Buffer.from(nonce.slice(dot + 1), 'base64url');
      return given.length === TAG_BYTES && timingSafeEqual(given, tag(counter));
    },
  };
}
