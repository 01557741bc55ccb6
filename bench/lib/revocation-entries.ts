import { randomUUID } from 'node:crypto';
import type { MemoryRevocationList } from '@authgate/core';

/** Fills a list the way a busy denylist looks: 80 % tokens by jti, 10 % subjects, 10 % clients (none of them the bench's). */
export function fillRevocationList(list: MemoryRevocationList, entries: number): void {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  for (let i = 0; i < entries; i += 1) {
    if (i % 10 === 8) list.revokeSubject({ sub: `user-${i}` });
    else if (i % 10 === 9) list.revokeClient({ clientId: `client-${i}`, iss: 'https://idp.example.com/' });
    else list.revokeToken({ jti: randomUUID(), exp });
  }
}
