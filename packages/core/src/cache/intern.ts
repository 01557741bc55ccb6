/**
 * Shares one frozen value among every identity that would otherwise hold its own equal copy: the audience and scope
 * lists of a service's tokens take a handful of distinct values, so a cache of 100,000 identities needs a handful
 * of arrays, not 100,000. Bounded and generational (a full table is dropped wholesale), so a stream of tokens with
 * made-up values costs at most `capacity` entries and never more than building the value each time.
 */
export class Interner<V> {
  private readonly table = new Map<string, V>();

  constructor(private readonly capacity = 256) {}

  /** The shared value for `key` if there is one; never adds. */
  find(key: string): V | undefined {
    return this.table.get(key);
  }

  get(key: string, make: () => V): V {
    const found = this.table.get(key);
    if (found !== undefined) return found;
    const value = make();
    if (this.table.size >= this.capacity) this.table.clear();
    this.table.set(key, value);
    return value;
  }
}

/** The tables one verifier shares among its identities. */
export interface InternTables {
  readonly strings: Interner<string>;
  readonly audience: Interner<readonly string[]>;
  readonly scopes: Interner<readonly string[]>;
  readonly scopeLists: Interner<readonly string[]>;
  readonly roles: Interner<readonly string[]>;
  readonly roleLists: Interner<readonly string[]>;
  /** Protected headers of verified tokens, by their encoded segment: a key's tokens share one (and skip decoding it). */
  readonly headers: Interner<Readonly<Record<string, unknown>>>;
}

export function createInternTables(): InternTables {
  return {
    strings: new Interner(1024),
    audience: new Interner(),
    scopes: new Interner(),
    scopeLists: new Interner(),
    roles: new Interner(),
    roleLists: new Interner(),
    headers: new Interner(),
  };
}
