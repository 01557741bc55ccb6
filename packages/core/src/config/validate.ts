import { AuthConfigError } from '../errors.js';

// The building blocks every options validator uses: one message prefix, and errors that say what to fix.

export function fail(message: string): never {
  throw new AuthConfigError(`authgate: ${message}`);
}

export function nonNegativeSeconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`${name} must be a finite, non-negative number of seconds (got ${String(value)})`);
  }
  return value;
}

export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(`${name} must be a positive integer (got ${String(value)})`);
  return value;
}

export function nonEmptyStrings(name: string, value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(`${name} must name at least one value (use null to skip the check on purpose)`);
  for (const item of list) if (typeof item !== 'string' || item === '') fail(`${name} values must be non-empty strings`);
  return list as string[];
}
