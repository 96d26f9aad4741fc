// How Socket.io reaches the browsers of every instance. `io.to(room).emit` on one instance goes
// to the sockets in that room on all of them through the adapter: Redis pub/sub when REDIS_URL
// is set (@socket.io/redis-adapter), else PostgreSQL LISTEN/NOTIFY (@socket.io/postgres-adapter).
// SQLite is one process: Socket.io's own in-memory adapter, and nothing crosses a process.
import type { Pool, PoolClient } from 'pg';
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
  /**
   * Calls `listener` each time the adapter hears the other instances again after losing them
   * (a restart of Redis or PostgreSQL): whatever they emitted in between never arrived here.
   */
  onReconnected(listener: () => void): void;
}

function listeners() {
  const all = new Set<() => void>();
  return { add: (listener: () => void) => void all.add(listener), call: () => all.forEach((l) => l()) };
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
  return {
    kind: 'memory',
    install: async () => undefined,
    close: async () => undefined,
    onReconnected: () => undefined,
  };
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
  const reconnected = listeners();
  return {
    kind: 'redis',
    onReconnected: reconnected.add,
    async install(io) {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      // ioredis subscribes again on its own after a reconnect; once PING is answered, so is that.
      subscriber.on('ready', () => {
        subscriber.ping().then(reconnected.call, () => undefined);
      });
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
  const reconnected = listeners();
  let listening: () => void = () => undefined;
  const firstListen = new Promise<void>((resolve) => (listening = resolve));
  let listens = 0;
  // The adapter takes a connection with connect() only for its LISTEN, and holds it. When that
  // connection dies (pg_terminate_backend, a restart) the adapter takes a new one but never
  // gives the dead one back: without the release below, each outage would keep one of the pool's
  // three slots for good. A client runs its queries in order, so a query queued after the
  // adapter's LISTEN answers once it listens.
  // Closing, the adapter gives back only the connection it already listens on: one it asked for
  // before and gets after (a LISTEN connection being opened again when the instance stops) it
  // would keep, and pool.end() would wait for it for good. So close() ends every connection
  // handed out, and one that arrives later is ended at once; the adapter's ask then never
  // answers (a refusal would make it ask again every 1 to 3 s, for ever).
  let closed = false;
  const handedOut = new Set<PoolClient>();
  const never = () => new Promise<never>(() => undefined);
  const adapterPool = {
    query: pool.query.bind(pool),
    async connect() {
      if (closed) return never();
      const client = await pool.connect();
      if (closed) {
        client.release(true);
        return never();
      }
      const release = client.release;
      let released = false;
      client.release = (error?: Error | boolean) => {
        if (released) return;
        released = true;
        handedOut.delete(client);
        release(error);
      };
      handedOut.add(client);
      client.once('end', () => client.release(true));
      const heard = (listens += 1) === 1 ? listening : reconnected.call;
      setImmediate(() => {
        client.query('SELECT 1').then(heard, () => undefined);
      });
      return client;
    },
  } as unknown as Pool;
  return {
    kind: 'postgres',
    onReconnected: reconnected.add,
    async install(io) {
      io.adapter(
        createPostgresAdapter(adapterPool, {
          // NOTIFY channels belong to the database, not the schema: deployments (and test files)
          // sharing a database in different schemas must not hear each other.
          channelPrefix: `mpesa-bridge:${postgres.schema}`,
          errorHandler: (error: Error) => logger.warn('socket.io postgres adapter error', { error }),
        }),
      );
      await firstListen;
    },
    async close() {
      closed = true;
      for (const client of handedOut) client.release(true);
      await pool.end();
    },
  };
}
