import { fail, nonNegativeSeconds, positiveInteger } from '../config/validate.js';
import { describeType, keysOf, rejectUnknownKeys, type OptionKeys } from '../config/known-keys.js';
import type { ClientRevocation, MemoryRevocationListOptions, RevocationEntry, SubjectRevocation, TokenRevocation } from './types.js';

export const DEFAULT_MAX_REVOCATION_ENTRIES = 1_000_000;
export const DEFAULT_MAX_TOKEN_LIFETIME = 86_400;
export const DEFAULT_RETAIN_PAST_EXPIRY = 5;

export const MEMORY_LIST_OPTION_KEYS: OptionKeys<MemoryRevocationListOptions> = { maxEntries: true, maxTokenLifetime: true, retainPastExpiry: true };

export function normalizeMemoryListOptions(options: MemoryRevocationListOptions = {}): Required<MemoryRevocationListOptions> {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail(
      `createMemoryRevocationList options must be an object: { maxEntries?, maxTokenLifetime?, retainPastExpiry? } (got ${describeType(options)})`,
    );
  rejectUnknownKeys(options, keysOf(MEMORY_LIST_OPTION_KEYS), '', 'createMemoryRevocationList');
  return {
    maxEntries: positiveInteger('revocation maxEntries', options.maxEntries, DEFAULT_MAX_REVOCATION_ENTRIES),
    maxTokenLifetime: nonNegativeSeconds('revocation maxTokenLifetime', options.maxTokenLifetime, DEFAULT_MAX_TOKEN_LIFETIME),
    retainPastExpiry: nonNegativeSeconds('revocation retainPastExpiry', options.retainPastExpiry, DEFAULT_RETAIN_PAST_EXPIRY),
  };
}

function identifier(method: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(`${method}: ${field} must be a non-empty string`);
  return value;
}

function issuer(method: string, value: unknown): string | null {
  return value === undefined ? null : identifier(method, 'iss (omit it for every issuer)', value);
}

function epochSeconds(method: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(`${method}: ${field} must be epoch seconds (a finite, non-negative number)`);
  return value;
}

function argument(method: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object') fail(`${method} takes one object argument`);
  return value as Record<string, unknown>;
}

/** A token entry in its stored form; `exp` is required to revoke (it bounds how long the entry is kept), not to unrevoke. */
export function tokenEntry(method: string, entry: TokenRevocation | Omit<TokenRevocation, 'exp'>, needExp = true): RevocationEntry {
  const { jti, exp, iss } = argument(method, entry);
  const value = needExp || exp !== undefined ? epochSeconds(method, 'exp', exp) : 0;
  return { kind: 'token', id: identifier(method, 'jti', jti), iss: issuer(method, iss), value };
}

/** A subject or client entry in its stored form; `before` defaults to now in whole seconds. */
export function cutoffEntry(
  method: string,
  kind: 'subject' | 'client',
  entry: SubjectRevocation | ClientRevocation,
  nowSeconds: number,
): RevocationEntry {
  const record = argument(method, entry);
  const field = kind === 'subject' ? 'sub' : 'clientId';
  const before = record.before === undefined ? Math.floor(nowSeconds) : epochSeconds(method, 'before', record.before);
  return { kind, id: identifier(method, field, record[field]), iss: issuer(method, record.iss), value: before };
}

/** When an entry stops mattering: a token's after its `exp`, a cut-off once every token issued before it expired. */
export function entryExpiry(entry: RevocationEntry, maxTokenLifetime: number, retainPastExpiry: number): number {
  return entry.kind === 'token' ? entry.value + retainPastExpiry : entry.value + maxTokenLifetime + retainPastExpiry;
}
