// Signatures seen by any instance on this database: the primary key is the atomic "first use"
// (of two instances inserting the same key at once, exactly one inserts). Expired rows are
// deleted by the pruning worker (src/maintenance).
import type { Database } from '../db/database';
import { recordNonce } from './nonce.repository';
import type { FirstUse, ReplayGuard } from './replay-guard';

export function createDatabaseReplayGuard(db: Database, now: () => Date = () => new Date()): ReplayGuard {
  return {
    async firstUse(key, expiresAt, tag): Promise<FirstUse> {
      const earlier = await recordNonce(db, key, tag, expiresAt, now());
      return earlier ? { first: false, firstTag: earlier.firstTag } : { first: true };
    },
  };
}
