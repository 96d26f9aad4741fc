// Which bus this deployment has (REALTIME_BUS): Redis or PostgreSQL for several instances,
// none on SQLite, which is one instance by definition.
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { Redis } from '../redis';
import { createBus, createLocalBus, type Bus } from './bus';
import { postgresTransport } from './bus.postgres';
import { redisTransport } from './bus.redis';

export function openBus({
  config,
  redis,
  db,
  logger,
}: {
  config: Pick<Config, 'realtimeBus' | 'redis'>;
  redis: Redis | undefined;
  db: Database;
  logger: Logger;
}): Promise<Bus> {
  const useRedis = redis && config.realtimeBus !== 'postgres';
  if (useRedis) return createBus(redisTransport(redis, config.redis.keyPrefix, logger), { logger });
  if (db.postgres) return createBus(postgresTransport(db.postgres, logger), { logger });
  return Promise.resolve(createLocalBus());
}
