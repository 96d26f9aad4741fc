// Where limit counts live (rate-limiter-flexible, which has a store for each of them): the
// failure limits and, through express-rate-limit, the request limits (src/http/rate-limits.ts).
// The one factory that picks it, so every limit of the service shares one choice:
// - REDIS_URL: Redis, shared by every instance;
// - else PostgreSQL: the `rate_limits` table (prisma/postgres/instances.prisma), shared by every
//   instance on the database, through the service's pool;
// - else (SQLite: one process by definition) this process's memory.
// With Redis or PostgreSQL, an instance that is alone on the bus (src/bus) counts in memory, as
// SQLite does: its count is the whole count, and a signed request costs no round trip for it.
// When a second instance appears, the counts of the current windows are added to the shared
// store before it is used; when the instance is alone again, they are read back.
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  type RateLimiterAbstract,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import type { PostgresAccess } from '../db/database';
import type { Redis } from '../redis';
import type { Bus } from '../bus/bus';

export interface LimiterOptions {
  /** Distinct per limiter: the counts of two limiters never mix. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/** What the limits use of a rate-limiter-flexible limiter. */
export type Limiter = Pick<RateLimiterAbstract, 'get' | 'penalty' | 'reward' | 'delete'>;

export type LimiterStore = (options: LimiterOptions) => Limiter;

export interface LimiterStoreOptions {
  redis?: Redis;
  /** PostgreSQL, when the database is (never SQLite's connection: see above). */
  postgres?: PostgresAccess;
  /** Who else counts: alone, counts stay in memory. */
  bus?: Pick<Bus, 'peerCount' | 'onPeersChanged'>;
}

/** The table of prisma/postgres/instances.prisma; created by the migrations, never by the library. */
const POSTGRES_TABLE = 'rate_limits';

export function createLimiterStore({ redis, postgres, bus }: LimiterStoreOptions): LimiterStore {
  return ({ keyPrefix, points, durationSeconds }) => {
    // In memory, each instance counts only what it saw: with N instances a client spread across
    // them gets N times the allowance. That is the configuration of one instance (SQLite).
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
    // When the shared store does not answer, counting goes on in this process (insuranceLimiter)
    // rather than stopping: an outage weakens the limit, it does not lock merchants out.
    const shared = redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `limits:${keyPrefix}`,
          points,
          duration: durationSeconds,
          insuranceLimiter: memory,
        })
      : postgres
        ? new RateLimiterPostgres({
            storeClient: postgres.pool,
            storeType: 'pool',
            tableName: POSTGRES_TABLE,
            tableCreated: true,
            keyPrefix,
            points,
            duration: durationSeconds,
            insuranceLimiter: memory,
          })
        : undefined;
    if (!shared) return memory;
    return bus ? inMemoryWhileAlone(memory, shared, bus) : shared;
  };
}

/** Keys counted here that may still have a count in memory (pruned as their windows end). */
const TOUCHED_PRUNE_AT = 10_000;

function inMemoryWhileAlone(
  memory: RateLimiterMemory,
  shared: RateLimiterAbstract,
  bus: Pick<Bus, 'peerCount' | 'onPeersChanged'>,
): Limiter {
  const touched = new Map<string, number>();
  let alone = bus.peerCount() === 0;
  let handover: Promise<void> = Promise.resolve();

  const touch = (key: string, res: RateLimiterRes) => {
    touched.set(key, Date.now() + res.msBeforeNext);
    if (touched.size > TOUCHED_PRUNE_AT)
      for (const [old, endsAt] of touched) if (endsAt < Date.now()) touched.delete(old);
  };
  // A second instance appeared: what this one counted goes into the shared count first.
  const push = async () => {
    for (const key of touched.keys()) {
      const res = await memory.get(key);
      if (res && res.consumedPoints > 0) await shared.penalty(key, res.consumedPoints).catch(() => undefined);
    }
  };
  // Alone again: the shared count (this instance's and the others') carries on here.
  const pull = async () => {
    for (const key of touched.keys()) {
      const res = await shared.get(key).catch(() => undefined);
      if (res === undefined) continue;
      if (res === null) await memory.delete(key);
      else await memory.set(key, res.consumedPoints, Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    }
  };
  bus.onPeersChanged((count) => {
    const nowAlone = count === 0;
    if (nowAlone === alone) return;
    alone = nowAlone;
    const step = alone ? pull : push;
    handover = handover.then(step, step);
  });
  const current = async () => {
    await handover;
    return alone ? memory : shared;
  };
  return {
    get: async (key, options) => (await current()).get(key, options),
    penalty: async (key, points, options) => {
      const res = await (await current()).penalty(key, points, options);
      touch(String(key), res);
      return res;
    },
    reward: async (key, points, options) => (await current()).reward(key, points, options),
    delete: async (key, options) => (await current()).delete(key, options),
  };
}
