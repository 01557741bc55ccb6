import { entryExpiry, cutoffEntry, normalizeMemoryListOptions, tokenEntry } from './options.js';
import type { MemoryRevocationList, MemoryRevocationListOptions, RevocableClaims, RevocationEntry } from './types.js';

/** One `jti`, `sub` or client id: a value for every issuer and/or per issuer (exp for tokens, before for cut-offs). */
interface Slot {
  any: number | undefined;
  byIssuer: Map<string, number> | undefined;
}

type Kind = RevocationEntry['kind'];

/** The value that applies to a token of issuer `iss`: the larger of the every-issuer one and its own issuer's. */
function applicable(slot: Slot | undefined, iss: unknown): number | undefined {
  if (slot === undefined) return undefined;
  const own = slot.byIssuer === undefined || typeof iss !== 'string' ? undefined : slot.byIssuer.get(iss);
  if (own === undefined) return slot.any;
  return slot.any === undefined || own > slot.any ? own : slot.any;
}

/** A cut-off refuses tokens issued before it, and tokens that do not say when they were issued. */
function cutOff(slot: Slot | undefined, iss: unknown, iat: unknown): boolean {
  const before = applicable(slot, iss);
  return before !== undefined && !(typeof iat === 'number' && iat >= before);
}

/**
 * The denylist as three maps keyed by the token's own claim strings (`jti`, `sub`, `client_id`/`azp`): a check is at
 * most three map lookups with nothing allocated, whatever the list's size. Bounded: `maxEntries`, and entries are
 * dropped once no token they could refuse is still valid.
 */
class MemoryList implements MemoryRevocationList {
  private readonly slots: Record<Kind, Map<string, Slot>> = { token: new Map(), subject: new Map(), client: new Map() };
  private count = 0;
  private readonly maxEntries: number;
  private readonly maxTokenLifetime: number;
  private retention: number;
  /** Earliest time an entry can be dropped (epoch seconds); nothing is scanned before then. */
  private nextExpiry = Infinity;

  constructor(
    options: MemoryRevocationListOptions | undefined,
    private readonly now: () => number,
  ) {
    const normalized = normalizeMemoryListOptions(options);
    this.maxEntries = normalized.maxEntries;
    this.maxTokenLifetime = normalized.maxTokenLifetime;
    this.retention = normalized.retainPastExpiry;
  }

  isRevoked(claims: RevocableClaims): boolean {
    if (this.count === 0) return false;
    const { iss, jti, sub, iat } = claims;
    const { token, subject, client } = this.slots;
    if (typeof jti === 'string' && token.size > 0 && applicable(token.get(jti), iss) !== undefined) return true;
    if (typeof sub === 'string' && subject.size > 0 && cutOff(subject.get(sub), iss, iat)) return true;
    if (client.size === 0) return false;
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : claims.azp;
    return typeof clientId === 'string' && cutOff(client.get(clientId), iss, iat);
  }

  retainPastExpiry(seconds: number): void {
    if (seconds > this.retention) this.retention = seconds;
  }

  revokeToken(entry: Parameters<MemoryRevocationList['revokeToken']>[0]): void {
    this.add(tokenEntry('revokeToken', entry));
  }

  revokeSubject(entry: Parameters<MemoryRevocationList['revokeSubject']>[0]): void {
    this.add(cutoffEntry('revokeSubject', 'subject', entry, this.now()));
  }

  revokeClient(entry: Parameters<MemoryRevocationList['revokeClient']>[0]): void {
    this.add(cutoffEntry('revokeClient', 'client', entry, this.now()));
  }

  unrevokeToken(entry: Parameters<MemoryRevocationList['unrevokeToken']>[0]): void {
    this.remove(tokenEntry('unrevokeToken', entry, false));
  }

  unrevokeSubject(entry: Parameters<MemoryRevocationList['unrevokeSubject']>[0]): void {
    this.remove(cutoffEntry('unrevokeSubject', 'subject', entry, 0));
  }

  unrevokeClient(entry: Parameters<MemoryRevocationList['unrevokeClient']>[0]): void {
    this.remove(cutoffEntry('unrevokeClient', 'client', entry, 0));
  }

  get size(): number {
    this.dropExpired();
    return this.count;
  }

  *entries(): IterableIterator<RevocationEntry> {
    for (const kind of ['token', 'subject', 'client'] as const) {
      for (const [id, slot] of this.slots[kind]) {
        if (slot.any !== undefined) yield { kind, id, iss: null, value: slot.any };
        for (const [iss, value] of slot.byIssuer ?? []) yield { kind, id, iss, value };
      }
    }
  }

  /** Stores an already validated entry (the last write for the same kind, id and issuer wins). */
  add(entry: RevocationEntry): void {
    const expiry = this.expiryOf(entry);
    if (expiry <= this.now()) return;
    const map = this.slots[entry.kind];
    let slot = map.get(entry.id);
    const isNew = slot === undefined || (entry.iss === null ? slot.any === undefined : slot.byIssuer?.has(entry.iss) !== true);
    if (isNew && this.count >= this.maxEntries) {
      this.dropExpired(true);
      if (this.count >= this.maxEntries) {
        throw new RangeError(
          `authgate: the revocation list is full (maxEntries ${this.maxEntries}); raise maxEntries or maxTokenLifetime is too long`,
        );
      }
    }
    if (slot === undefined) {
      slot = { any: undefined, byIssuer: undefined };
      map.set(entry.id, slot);
    }
    if (entry.iss === null) slot.any = entry.value;
    else (slot.byIssuer ??= new Map()).set(entry.iss, entry.value);
    if (isNew) this.count += 1;
    if (expiry < this.nextExpiry) this.nextExpiry = expiry;
  }

  /** Forgets an entry (a no-op when there is none). */
  remove(entry: Pick<RevocationEntry, 'kind' | 'id' | 'iss'>): void {
    const map = this.slots[entry.kind];
    const slot = map.get(entry.id);
    if (slot === undefined) return;
    if (entry.iss === null) {
      if (slot.any === undefined) return;
      slot.any = undefined;
    } else if (slot.byIssuer?.delete(entry.iss) !== true) {
      return;
    }
    this.count -= 1;
    if (slot.any === undefined && (slot.byIssuer === undefined || slot.byIssuer.size === 0)) map.delete(entry.id);
  }

  private expiryOf(entry: RevocationEntry): number {
    return entryExpiry(entry, this.maxTokenLifetime, this.retention);
  }

  /** Drops entries that can no longer refuse anything; scans only once something is due (or when `force`d). */
  private dropExpired(force = false): void {
    const now = this.now();
    if (!force && now < this.nextExpiry) return;
    let next = Infinity;
    for (const entry of [...this.entries()]) {
      const expiry = this.expiryOf(entry);
      if (expiry <= now) this.remove(entry);
      else if (expiry < next) next = expiry;
    }
    this.nextExpiry = next;
  }
}

/**
 * A revocation list for one process: pass it as `revocation` to `createVerifier`, `jwtAuth` or the Fastify plugin.
 * For a fleet, use `createRedisRevocationList` from `@authgate/redis` (the same methods, shared through Redis).
 * `now` (epoch seconds) is for tests.
 */
export function createMemoryRevocationList(options?: MemoryRevocationListOptions, now: () => number = () => Date.now() / 1000): MemoryRevocationList {
  return new MemoryList(options, now);
}
