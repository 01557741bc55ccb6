import { fail } from './validate.js';

/**
 * Unknown option names are refused at start-up, with a suggestion: a misspelled option (`clockTolerence`,
 * `jwksUrl`) must never be silently ignored, because ignoring it means running with a default the user tried to
 * change, or with a different key source altogether.
 *
 * Every options object declares its keys ONCE, as an `OptionKeys<T>` record next to its type: TypeScript then fails
 * the build when an option is added to the type but not to the record (or the other way round), so the list
 * cannot drift from the type.
 */

/** Every key of `T`, each mapped to `true`: an exhaustive, checked list of an options object's keys. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** The key names of a declared record (or several), for `rejectUnknownKeys`. */
export function keysOf(...records: ReadonlyArray<Readonly<Record<string, true>>>): readonly string[] {
  return records.flatMap((record) => Object.keys(record));
}

/** Levenshtein distance, with an early exit once it exceeds `limit` (option names are short). */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The known name closest to `name`, if it is close enough to be a typo: case-insensitive, within a third of the
 * name's length (at least 2 edits), so `timout` → `timeout` and `jwksUrl` → `jwksUri`, but `foo` suggests nothing.
 */
export function suggestKey(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase(), limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Throws an `AuthConfigError` for the first key of `value` that `known` does not list, naming where it was found
 * (`path`, e.g. `jwksOptions`; empty for the top level) and the closest known key. Keys whose value is `undefined`
 * count too: `{ clockTolerence: undefined }` is still a typo. Non-objects are left to the type checks.
 */
export function rejectUnknownKeys(value: unknown, known: readonly string[], path: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const allowed = new Set(known);
  for (const key of Object.keys(value)) {
    if (allowed.has(key)) continue;
    const where = path === '' ? key : `${path}.${key}`;
    const suggestion = suggestKey(key, known);
    const hint =
      suggestion === undefined
        ? `known options here: ${[...allowed].sort().join(', ')}`
        : `did you mean ${path === '' ? suggestion : `${path}.${suggestion}`}?`;
    fail(`unknown option ${where}: ${hint}`);
  }
}

/** A plain object (options), or a message that says what was expected. */
export function expectObject(name: string, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`${name} must be an object (got ${describeType(value)})`);
  }
}

/** How a wrong value is named in messages: its type, never its content (it may be a secret). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
