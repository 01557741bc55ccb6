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

/** How a value of type `V` is written as text (an environment variable): derived from the type, never typed by hand. */
export type ArgumentKind<V> = [V] extends [boolean]
  ? 'boolean'
  : [V] extends [number]
    ? 'number'
    : [V] extends [string]
      ? 'string'
      : [V] extends [string | readonly string[]]
        ? 'list'
        : 'json';

/**
 * A preset's `OptionKeys` record that also says, per argument, how it is written as text and whether it is required
 * (`'string'`, `'list?'`…). Both are checked against the argument type: a record that names a key the type lacks,
 * misses one, or gives a key the wrong kind or optionality fails the build. `AUTHGATE_PROVIDER` derives its
 * variables from these records.
 */
export type ArgumentKeys<T> = {
  readonly [K in keyof Required<T>]: {} extends Pick<T, K> ? `${ArgumentKind<Exclude<T[K], undefined>>}?` : ArgumentKind<T[K]>;
};

/** The key names of a declared record (or several), for `rejectUnknownKeys`. */
export function keysOf(...records: ReadonlyArray<Readonly<Record<string, unknown>>>): readonly string[] {
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
 * What is wrong with the first key of `value` that `known` does not list, or `undefined`: it names where it was found
 * (`path`, e.g. `jwksOptions`; empty for the top level) and the closest known key. Keys whose value is `undefined`
 * count too: `{ clockTolerence: undefined }` is still a typo. Non-objects are left to the type checks. For packages
 * with their own message prefix (the gateway); everyone else calls `rejectUnknownKeys`.
 */
export function unknownKeyProblem(value: unknown, known: readonly string[], path: string): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const allowed = new Set(known);
  for (const key of Object.keys(value)) {
    if (allowed.has(key)) continue;
    const where = path === '' ? key : `${path}.${key}`;
    const suggestion = suggestKey(key, known);
    const hint =
      suggestion === undefined
        ? `known options here: ${[...allowed].sort().join(', ')}`
        : `did you mean ${path === '' ? suggestion : `${path}.${suggestion}`}?`;
    return `unknown option ${where}: ${hint}`;
  }
  return undefined;
}

/**
 * Throws an `AuthConfigError` for the first key of `value` that `known` does not list (see `unknownKeyProblem`).
 * `within` names a function whose argument it is, for objects that are no option of something else
 * (`providers.okta`, `createRedisRevocationList`): `authgate: providers.okta: unknown option isuer: did you mean issuer?`.
 */
export function rejectUnknownKeys(value: unknown, known: readonly string[], path: string, within?: string): void {
  const problem = unknownKeyProblem(value, known, path);
  if (problem !== undefined) fail(within === undefined ? problem : `${within}: ${problem}`);
}

/** A plain object (options), or a message that says what was expected. */
export function expectObject(name: string, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`${name} must be an object (got ${describeType(value)})`);
  }
}

/** `true`, `false` or left out, or a message that says so. */
export function expectBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') fail(`${name} must be true or false (got ${describeType(value)})`);
}

/** A function or left out, or a message that says so. */
export function expectFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') fail(`${name} must be a function (got ${describeType(value)})`);
}

/** How a wrong value is named in messages: its type, never its content (it may be a secret). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
