// The PostgreSQL engine: a node-postgres pool of DATABASE_POOL_SIZE connections. Statements
// are sent as named prepared statements (PostgreSQL parses and plans each shape once per
// connection), values are converted as on SQLite (sql-values.ts), and the pool's own types
// read `timestamp` columns as UTC whatever the process's time zone.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Compilable } from 'kysely';
import type { Database, MigrationSession, Queryable } from './database';
import { createQueryBuilder } from './query-builder';
import { toPostgresParameter } from './sql-values';

const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
/** How long the client waits past statement_timeout before giving up on a server that says nothing. */
const CLIENT_DEADLINE_MARGIN_MS = 2_000;
/** TCP keepalive: a connection to a vanished host is noticed by the kernel, not after hours. */
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;
const LEDGER = '_bridge_migrations';
/** GET /ready's write probe (migration 0012): never holds a row. */
const READY_PROBE = '_bridge_ready_probe';
/**
 * How long the probe waits for its table: another instance's probe holds it for milliseconds,
 * a pg_dump for its whole run. Past this the probe gives up without a verdict on the disk.
 */
const READY_PROBE_LOCK_TIMEOUT = '200ms';
const LOCK_NOT_AVAILABLE = '55P03';

const types = {
  getTypeParser(oid: number, format?: string) {
    // timestamp(3) without zone holds UTC (see toPostgresParameter).
    if (oid === TIMESTAMP_OID) return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    // count(*) and friends: bigint on the wire; ours never leave the safe integer range.
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

const statementNames = new Map<string, string>();
/** A stable name per SQL text: the same name must never be used for two texts. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name)
    statementNames.set(sql, (name = `q${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`));
  return name;
}

type Client = Pick<pg.PoolClient, 'query'>;

async function execute(client: Client, query: Compilable<unknown>): Promise<pg.QueryResult> {
  const compiled = query.compile();
  return client.query({
    name: statementName(compiled.sql),
    text: compiled.sql,
    values: compiled.parameters.map(toPostgresParameter),
  });
}

function queryable(client: () => Client, qb: Queryable['qb']): Queryable {
  return {
    engine: 'postgres',
    qb,
    all: async <R>(query: Compilable<R>) => (await execute(client(), query)).rows as R[],
    first: async <R>(query: Compilable<R>) => (await execute(client(), query)).rows[0] as R | undefined,
    run: async (query) => (await execute(client(), query)).rowCount ?? 0,
  };
}

/**
 * A transaction's connection, used by one query at a time (as on SQLite): a second query sent
 * before the first has answered is a bug in the caller (node-postgres would queue it, and
 * pg 9 will refuse it).
 */
function transactionClient(client: pg.PoolClient, isOpen: () => boolean): () => Client {
  let busy = false;
  const guarded: Client = {
    query: ((config: pg.QueryConfig) => {
      if (busy)
        throw new Error(
          'a transaction sent a query before its previous one answered; await each query in turn',
        );
      busy = true;
      return client.query(config).finally(() => {
        busy = false;
      });
    }) as Client['query'],
  };
  return () => {
    if (!isOpen()) throw new Error('this transaction has already ended');
    return guarded;
  };
}

export interface PostgresDeadlines {
  /** statement_timeout on the server, and (plus a margin) query_timeout on the client. */
  statementTimeoutMs: number;
  /** How long a caller waits for a connection (a new one or a free one from the pool). */
  connectTimeoutMs: number;
}

export const DEFAULT_DEADLINES: PostgresDeadlines = { statementTimeoutMs: 10_000, connectTimeoutMs: 5_000 };

export async function openPostgres(
  databaseUrl: string,
  poolSize: number,
  deadlines: PostgresDeadlines = DEFAULT_DEADLINES,
  directUrl?: string,
): Promise<Database> {
  // `?schema=name` selects a schema (the tests give each file its own); it is not a pg option.
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const quotedSchema = `"${schema.replace(/"/g, '')}"`;
  // Session state (the migrations' lock, LISTEN) goes direct to PostgreSQL when DATABASE_URL is a
  // pooler's; the schema is DATABASE_URL's (one database, two ways in).
  const direct = directUrl ? new URL(directUrl) : url;
  direct.searchParams.delete('schema');
  const openPool = (max: number, applicationName = 'mpesa-bridge', bounded = true, target = url) => {
    const opened = new pg.Pool({
      connectionString: target.toString(),
      max,
      connectionTimeoutMillis: deadlines.connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
      options: `-c search_path=${quotedSchema}`,
      application_name: applicationName,
      // The server cancels a statement past its deadline (57014, the connection stays usable);
      // the client's own deadline covers a server that no longer answers at all (a partition).
      ...(bounded
        ? {
            statement_timeout: deadlines.statementTimeoutMs,
            query_timeout: deadlines.statementTimeoutMs + CLIENT_DEADLINE_MARGIN_MS,
          }
        : {}),
      types,
    });
    // A connection that breaks (pg_terminate_backend, a restart of PostgreSQL) emits 'error' on
    // its client: idle, the pool handles it; checked out (a transaction, the adapter's LISTEN)
    // nothing would, and an unhandled 'error' ends the process. The query in flight fails on
    // its own; the broken client is dropped when it is released.
    opened.on('error', () => undefined);
    opened.on('connect', (client) => client.on('error', () => undefined));
    return opened;
  };
  const pool = openPool(poolSize);
  const qb = createQueryBuilder('postgres');

  async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      // A connection in an unknown state is closed, not handed to the next caller.
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  const session = (client: pg.PoolClient): MigrationSession => ({
    db: queryable(() => client, qb),
    async appliedMigrations() {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS "${LEDGER}" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`,
      );
      return (await client.query<{ name: string }>(`SELECT "name" FROM "${LEDGER}"`)).rows.map(
        (row) => row.name,
      );
    },
    async applyMigration(name, sql, appliedAt) {
      await client.query('BEGIN');
      try {
        // No parameters: the simple protocol runs every statement of the file.
        await client.query(sql);
        await client.query(`INSERT INTO "${LEDGER}" ("name", "appliedAt") VALUES ($1, $2)`, [
          name,
          appliedAt.toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  });

  return {
    ...queryable(() => pool, qb),
    writeConcurrency: poolSize,
    single: (work) => work(queryable(() => pool, qb)),
    transaction: (work) =>
      withClient(async (client) => {
        let open = true;
        const tx = queryable(
          transactionClient(client, () => open),
          qb,
        );
        await client.query('BEGIN');
        try {
          const result = await work(tx);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          open = false;
        }
      }),
    // Instances started together take turns: a session-level advisory lock, keyed by schema,
    // held while migrations are read and applied (one migration per transaction).
    // On a connection of its own without deadlines: waiting for another instance's migrations,
    // and a migration over a large table, may rightly take longer than any request should.
    // A session lock needs one server connection throughout: through a pooler in transaction
    // mode the unlock could run on another one, and the lock stay held (DATABASE_DIRECT_URL).
    withMigrationLock: async (work) => {
      const unbounded = openPool(1, 'mpesa-bridge-migrate', false, direct);
      const client = await unbounded.connect();
      try {
        await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [`mpesa-bridge:migrations:${schema}`]);
        try {
          return await work(session(client));
        } finally {
          await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [
            `mpesa-bridge:migrations:${schema}`,
          ]);
        }
      } finally {
        client.release(true);
        await unbounded.end();
      }
    },
    postgres: {
      pool,
      schema,
      openPool: (max, applicationName, toDirect = false) =>
        openPool(max, applicationName, true, toDirect ? direct : url),
    },
    poolStats: () => ({
      max: poolSize,
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    // TRUNCATE gives the table a new, empty file and the INSERT its first block: a write of new
    // disk however much free room the table's old pages had (a rolled-back INSERT alone would
    // land in a page that has room). ROLLBACK puts the old file back and removes the new one.
    probeWrite: () =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL lock_timeout = '${READY_PROBE_LOCK_TIMEOUT}'`);
          await client.query(`TRUNCATE "${READY_PROBE}"`);
          await client.query(`INSERT INTO "${READY_PROBE}" ("at") VALUES (now())`);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) return;
          throw error;
        }
        await client.query('ROLLBACK');
      }),
    close: () => pool.end(),
  };
}
