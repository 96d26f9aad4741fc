// Where limit counts live (rate-limiter-flexible, which has a store for each of them): the
// failure limits and, through express-rate-limit, the request limits (src/http/rate-limits.ts).
// The one factory that picks it, so every limit of the service shares one choice:
// - REDIS_URL: Redis, shared by every instance;
// - else PostgreSQL: the `rate_limits` table (prisma/postgres/instances.prisma), shared by every
//   instance on the database, through the service's pool;
// - else (SQLite: one process by definition) this process's memory.
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { PostgresAccess } from '../db/database';
import type { Redis } from '../redis';

export interface LimiterOptions {
  /** Distinct per limiter: the counts of two limiters never mix. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

export type LimiterStore = (options: LimiterOptions) => RateLimiterAbstract;

export interface LimiterStoreOptions {
  redis?: Redis;
  /** PostgreSQL, when the database is (never SQLite's connection: see above). */
  postgres?: PostgresAccess;
}

/** The table of prisma/postgres/instances.prisma; created by the migrations, never by the library. */
const POSTGRES_TABLE = 'rate_limits';

export function createLimiterStore({ redis, postgres }: LimiterStoreOptions): LimiterStore {
  return ({ keyPrefix, points, durationSeconds }) => {
    // In memory, each instance counts only what it saw: with N instances a client spread across
    // them gets N times the allowance. That is the configuration of one instance (SQLite).
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
    // When the shared store does not answer, counting goes on in this process (insuranceLimiter)
    // rather than stopping: an outage weakens the limit, it does not lock merchants out.
    if (redis)
      return new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `limits:${keyPrefix}`,
        points,
        duration: durationSeconds,
        insuranceLimiter: memory,
      });
    if (postgres) {
      return new RateLimiterPostgres({
        storeClient: postgres.pool,
        storeType: 'pool',
        tableName: POSTGRES_TABLE,
        tableCreated: true,
        keyPrefix,
        points,
        duration: durationSeconds,
        insuranceLimiter: memory,
      });
    }
    return memory;
  };
}
