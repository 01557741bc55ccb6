import type { RevocationEntry } from '@authgate/core';

// One Redis string per entry: `${prefix}entry:${kind}:${issuer}:${id}` → the entry's value (a token's exp, a
// cut-off's before), with a TTL for when it stops mattering. The issuer is empty for "every issuer" (an issuer is
// never empty); both parts are URI-encoded, so a ':' inside them cannot shift the fields.
// Changes travel on `${prefix}events` as JSON: { op: 'add' | 'remove', kind, id, iss, value? }.

const KINDS: ReadonlySet<string> = new Set(['token', 'subject', 'client']);

export interface KeySpace {
  entryKey(entry: Pick<RevocationEntry, 'kind' | 'id' | 'iss'>): string;
  /** SCAN MATCH pattern for every entry (the prefix's glob characters escaped). */
  readonly pattern: string;
  readonly channel: string;
  /** The entry a key and its stored value stand for; undefined for anything that is not one of ours. */
  decode(key: string, value: string | null): RevocationEntry | undefined;
}

export function keySpace(prefix: string): KeySpace {
  const entries = `${prefix}entry:`;
  return {
    entryKey: ({ kind, id, iss }) => `${entries}${kind}:${encodeURIComponent(iss ?? '')}:${encodeURIComponent(id)}`,
    pattern: `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}entry:*`,
    channel: `${prefix}events`,
    decode(key, value) {
      if (!key.startsWith(entries) || value === null) return undefined;
      const [kind, iss, id, extra] = key.slice(entries.length).split(':');
      const number = Number(value);
      if (kind === undefined || !KINDS.has(kind) || iss === undefined || id === undefined || extra !== undefined) return undefined;
      if (value === '' || !Number.isFinite(number)) return undefined;
      return decodedEntry(kind, iss, id, number);
    },
  };
}

function decodedEntry(kind: string, iss: string, id: string, value: number): RevocationEntry | undefined {
  try {
    const decodedId = decodeURIComponent(id);
    if (decodedId === '') return undefined;
    return { kind: kind as RevocationEntry['kind'], id: decodedId, iss: iss === '' ? null : decodeURIComponent(iss), value };
  } catch {
    return undefined;
  }
}

export interface ChangeMessage {
  op: 'add' | 'remove';
  entry: RevocationEntry;
}

export function encodeChange(op: ChangeMessage['op'], entry: RevocationEntry): string {
  return JSON.stringify({ op, kind: entry.kind, id: entry.id, iss: entry.iss, value: entry.value });
}

/** A change published by any instance (or the CLI); undefined for anything malformed. */
export function decodeChange(message: string): ChangeMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { op, kind, id, iss, value } = parsed as Record<string, unknown>;
  if ((op !== 'add' && op !== 'remove') || typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (typeof id !== 'string' || id === '' || (iss !== null && (typeof iss !== 'string' || iss === ''))) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return { op, entry: { kind: kind as RevocationEntry['kind'], id, iss, value } };
}
