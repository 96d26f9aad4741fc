// How Socket.io reaches the browsers of every instance. `io.to(room).emit` on one instance goes
// to the sockets in that room on all of them through the adapter: Redis pub/sub when REDIS_URL
// is set (@socket.io/redis-adapter), else PostgreSQL LISTEN/NOTIFY (@socket.io/postgres-adapter).
// SQLite is one process: Socket.io's own in-memory adapter, and nothing crosses a process.
import type { Server } from 'socket.io';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { Redis } from '../redis';

/** Connections the PostgreSQL adapter opens beside DATABASE_POOL_SIZE: one LISTEN, two to NOTIFY. */
export const POSTGRES_ADAPTER_CONNECTIONS = 3;

export type AdapterKind = 'redis' | 'postgres' | 'memory';

export interface RealtimeAdapter {
  kind: AdapterKind;
  /** Installs the adapter on `io` and resolves once it hears the other instances. */
  install(io: Server): Promise<void>;
  /** Ends what install() opened (after io.close(), which closes the adapter itself). */
  close(): Promise<void>;
}

export function chooseRealtimeAdapter({
  redis,
  db,
  keyPrefix,
  logger,
}: {
  redis?: Redis;
  db: Database;
  keyPrefix: string;
  logger: Logger;
}): RealtimeAdapter {
  if (redis) return redisAdapter(redis, keyPrefix, logger);
  if (db.postgres) return postgresAdapter(db.postgres, logger);
  return { kind: 'memory', install: async () => undefined, close: async () => undefined };
}

/** Redis connections the adapter opens beside the service's own: one to publish, one subscribed. */
export const REDIS_ADAPTER_CONNECTIONS = 2;

/**
 * The adapter sends PUBLISH (and, closing, UNSUBSCRIBE) without handling the answer: with Redis
 * away each would be an unhandled rejection, which ends the process. A browser update is best
 * effort (a subscriber that missed one gets the state when it subscribes again), so failures
 * are dropped here; the service's own commands keep failing loudly on their own connection.
 */
function bestEffort(client: Redis, logger: Logger, role: string): Redis {
  client.on('error', (error: Error) => logger.warn('redis error', { connection: role, error }));
  for (const name of ['publish', 'unsubscribe', 'punsubscribe'] as const) {
    const send = (client[name] as (...args: unknown[]) => Promise<unknown>).bind(client);
    (client as unknown as Record<string, unknown>)[name] = (...args: unknown[]) =>
      send(...args).catch(() => 0);
  }
  return client;
}

function redisAdapter(redis: Redis, keyPrefix: string, logger: Logger): RealtimeAdapter {
  // A subscribed connection can send nothing else; the publisher is apart from the service's
  // connection so that a burst of updates never queues in front of a replay check.
  const publisher = bestEffort(redis.duplicate(), logger, 'realtime-publish');
  const subscriber = bestEffort(redis.duplicate(), logger, 'realtime-subscribe');
  return {
    kind: 'redis',
    async install(io) {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      // ioredis prefixes keys, not channels: the adapter's channel names carry the prefix.
      io.adapter(createRedisAdapter(publisher, subscriber, { key: `${keyPrefix}socket.io` }));
      // Commands on one connection are answered in order: once PING is, so is PSUBSCRIBE.
      await subscriber.ping();
    },
    async close() {
      await Promise.all([publisher.quit().catch(() => undefined), subscriber.quit().catch(() => undefined)]);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

function postgresAdapter(postgres: NonNullable<Database['postgres']>, logger: Logger): RealtimeAdapter {
  // Its own small pool: the LISTEN connection is held for good and must not take one of
  // DATABASE_POOL_SIZE away from requests.
  const pool = postgres.openPool(POSTGRES_ADAPTER_CONNECTIONS, 'mpesa-bridge-realtime');
  return {
    kind: 'postgres',
    async install(io) {
      const listenerAcquired = new Promise<import('pg').PoolClient>((resolve) =>
        pool.once('acquire', resolve),
      );
      io.adapter(
        createPostgresAdapter(pool, {
          // NOTIFY channels belong to the database, not the schema: deployments (and test files)
          // sharing a database in different schemas must not hear each other.
          channelPrefix: `mpesa-bridge:${postgres.schema}`,
          errorHandler: (error: Error) => logger.warn('socket.io postgres adapter error', { error }),
        }),
      );
      // The adapter takes its LISTEN connection first and sends LISTEN as soon as it has it; a
      // client runs its queries in order, so a query queued after that one answers once it listens.
      const listener = await listenerAcquired;
      await new Promise((resolve) => setImmediate(resolve));
      await listener.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
