import { AuthConfigError } from '../errors.js';
import { describeType } from './known-keys.js';

// The building blocks every options validator uses: one message prefix, and errors that say what to fix.

export function fail(message: string): never {
  throw new AuthConfigError(`authgate: ${message}`);
}

/** A wrong number is shown (it says what is wrong); any other value only by its type (it may be a secret). */
function gotNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value);
}

export function nonNegativeSeconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`${name} must be a finite, non-negative number of seconds (got ${gotNumber(value)})`);
  }
  return value;
}

export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(`${name} must be a positive integer (got ${gotNumber(value)})`);
  return value;
}

export function nonEmptyStrings(name: string, value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(`${name} must name at least one value (use null to skip the check on purpose)`);
  for (const item of list) if (typeof item !== 'string' || item === '') fail(`${name} values must be non-empty strings`);
  return list as string[];
}
