// Signatures seen by any instance on this database: the primary key is the atomic "first use"
// (of two instances inserting the same key at once, exactly one inserts). Expired rows are
// deleted by the pruning worker (src/maintenance).
import type { Database } from '../db/database';
import { recordNonce } from '../security/nonce.repository';
import type { FirstUse, ReplayGuard } from './replay-guard';

export function createDatabaseReplayGuard(db: Database, now: () => Date = () => new Date()): ReplayGuard {
  return {
    store: 'database',
    async firstUse(key, expiresAt, tag): Promise<FirstUse> {
      // Not fsynced on SQLite: after a power loss (not a crash) a signature seen in the last
      // minutes could be accepted once more, and a repeated initiate still meets its
      // Idempotency-Key store. An fsync on every signed write is not worth that.
      const earlier = await db.single((q) => recordNonce(q, key, tag, expiresAt, now()), {
        durability: 'process',
      });
      return earlier ? { first: false, firstTag: earlier.firstTag } : { first: true };
    },
  };
}
