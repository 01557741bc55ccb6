import type { Duration, TimeInput } from './types.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const DURATION = /^(-?\d+(?:\.\d+)?)([smhd])$/;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Seconds in a duration. Strings need a unit: a bare `'300'` is refused rather than guessed at. */
export function durationSeconds(value: Duration, name: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`@authgate/testing: ${name} must be a finite number of seconds`);
    return value;
  }
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  if (match === null) {
    throw new TypeError(`@authgate/testing: ${name} must be seconds or a string like '30s', '5m', '1h', '2d' (got ${JSON.stringify(value)})`);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** Epoch seconds for a point in time: Dates and numbers are absolute, duration strings count from `now`. */
export function epochSeconds(value: TimeInput, now: number, name: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TypeError(`@authgate/testing: ${name} is an invalid Date`);
    return Math.floor(ms / 1000);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`@authgate/testing: ${name} must be finite epoch seconds`);
    return Math.floor(value);
  }
  return Math.floor(now + durationSeconds(value, name));
}
