// Where failure counts live (rate-limiter-flexible, which has a store for each of them). The
// one factory that picks it, so every limiter of the service shares one choice.
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
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
  // Seam for the storage rewrite: rate-limiter-flexible's RateLimiterPostgres, RateLimiterSQLite
  // and RateLimiterPrisma keep the counts in the database, for several instances without Redis.
}

export function createLimiterStore({ redis }: LimiterStoreOptions): LimiterStore {
  return ({ keyPrefix, points, durationSeconds }) => {
    // In memory, each instance counts only the failures it saw: with N instances an attacker
    // spread across them gets N times the allowance. REDIS_URL makes the count shared.
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
    if (!redis) return memory;
    // When Redis does not answer, counting goes on in this process (insuranceLimiter) rather
    // than stopping: a Redis outage weakens the limit, it does not lock merchants out.
    return new RateLimiterRedis({ storeClient: redis, keyPrefix: `failures:${keyPrefix}`, points, duration: durationSeconds, insuranceLimiter: memory });
  };
}
