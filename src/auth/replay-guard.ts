// Refusing exact replays of signed requests needs a memory of signatures seen, shared by every
// instance. This is its interface and the one factory that picks the store.
import type { Redis } from '../redis';
import { createMemoryReplayGuard } from './replay-guard.memory';
import { createRedisReplayGuard } from './replay-guard.redis';

export type FirstUse = { first: true } | { first: false; firstTag: string };

export interface ReplayGuard {
  /**
   * Records `key` until `expiresAt` (after which the signature's timestamp is refused anyway),
   * with `tag`; answers whether this was its first use and, if not, the first use's tag.
   */
  firstUse(key: string, expiresAt: Date, tag: string): Promise<FirstUse>;
}

export interface ReplayGuardOptions {
  redis?: Redis;
  // Seam for the storage rewrite: a database-backed guard (one row per key, a unique index, an
  // INSERT ... ON CONFLICT DO NOTHING and a sweep of expired rows) is added here, and chosen
  // when there is no Redis, so that several instances on one database share it too.
}

export function createReplayGuard({ redis }: ReplayGuardOptions): ReplayGuard {
  return redis ? createRedisReplayGuard(redis) : createMemoryReplayGuard();
}
