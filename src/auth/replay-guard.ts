// Refusing exact replays of signed requests needs a memory of signatures seen, shared by every
// instance. This is its interface and the one factory that picks the store.
import type { Database } from '../db/database';
import type { Redis } from '../redis';
import { createDatabaseReplayGuard } from './replay-guard.database';
import { createRedisReplayGuard } from './replay-guard.redis';

export type FirstUse = { first: true } | { first: false; firstTag: string };

export interface ReplayGuard {
  /**
   * 'database': the RequestNonce table, which an operation may write itself in its own statement
   * (src/core/replay-nonce.ts); 'redis': never in a database transaction.
   */
  readonly store: 'database' | 'redis';
  /**
   * Records `key` until `expiresAt` (after which the signature's timestamp is refused anyway),
   * with `tag`; answers whether this was its first use and, if not, the first use's tag.
   */
  firstUse(key: string, expiresAt: Date, tag: string): Promise<FirstUse>;
}

export interface ReplayGuardOptions {
  redis?: Redis;
  db: Database;
}

/** Redis when configured; else the database, which every instance on it shares (and which survives a restart). */
export function createReplayGuard({ redis, db }: ReplayGuardOptions): ReplayGuard {
  return redis ? createRedisReplayGuard(redis) : createDatabaseReplayGuard(db);
}
