// The one way the service talks to its database, on either engine. Features own their queries
// (`<feature>.repository.ts`), built with Kysely over the table types generated from the Prisma
// schema (database.types.ts), and run them through a `Queryable`: the database itself
// (autocommit) or a transaction. Kysely only builds and compiles SQL here; execution is ours
// (sqlite.ts, postgres.ts), so that both engines return the same values (dates as Date,
// booleans as boolean, bytes as Buffer) and so that writes can be grouped (batcher.ts).
import type { Compilable, Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from './database.types';

export type Engine = 'sqlite' | 'postgres';

/**
 * How far a commit must get before its caller resolves. Both survive a process crash.
 * - 'disk': fsynced. Payment outcomes, callbacks, events: what we acknowledged is never lost.
 * - 'process': on SQLite written to the WAL without an fsync (the bookkeeping of our own
 *   outgoing requests: after a power loss the worst case is a repeat, which ids make
 *   harmless). PostgreSQL always commits synchronously (synchronous_commit stays on).
 */
export type Durability = 'disk' | 'process';

export interface Queryable {
  readonly engine: Engine;
  /** Builds this engine's SQL. Never executes: run what it builds with all/first/run. */
  readonly qb: Kysely<DB>;
  all<R>(query: Compilable<R>): Promise<R[]>;
  first<R>(query: Compilable<R>): Promise<R | undefined>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(query: Compilable<unknown>): Promise<number>;
}

export interface TransactionOptions {
  durability?: Durability;
}

/** What the migration runner needs, under a lock that one process holds at a time. */
export interface MigrationSession {
  /** Queries under the lock (data steps between migrations). */
  db: Queryable;
  appliedMigrations(): Promise<string[]>;
  /** Runs one migration's SQL and records it, in one transaction. */
  applyMigration(name: string, sql: string, appliedAt: Date): Promise<void>;
}

/**
 * What libraries that share state between instances need of PostgreSQL (rate-limiter-flexible,
 * the Socket.io adapter). SQLite has none of it: it serves one process by definition, and those
 * things stay in that process's memory.
 */
export interface PostgresAccess {
  /** The service's own pool (DATABASE_POOL_SIZE), for short statements beside ours. */
  pool: pg.Pool;
  /** The schema our tables live in. NOTIFY channels are per database, so their names carry it. */
  schema: string;
  /**
   * A pool of its own on the same server and schema, outside DATABASE_POOL_SIZE; its user ends it.
   * `direct`: through DATABASE_DIRECT_URL when set, for session state a pooler would not keep (LISTEN).
   */
  openPool(max: number, applicationName: string, direct?: boolean): pg.Pool;
}

/** Connections of the pool, for /metrics. SQLite: its one connection. */
export interface PoolStats {
  max: number;
  open: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
}

export interface Database extends Queryable {
  /** Runs `work` in one database transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs `work`, which writes with exactly one statement (reads may follow it), as durably as a
   * transaction would. A single statement is atomic by itself, so PostgreSQL sends it alone
   * (one round trip instead of three).
   */
  single<T>(work: (q: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs `work` holding the deployment-wide migration lock (several instances may start at once). */
  withMigrationLock<T>(work: (session: MigrationSession) => Promise<T>): Promise<T>;
  /** Connections a transaction can hold at once: how many write batches may run in parallel. */
  readonly writeConcurrency: number;
  /** PostgreSQL only: see PostgresAccess. */
  readonly postgres?: PostgresAccess;
  poolStats(): PoolStats;
  /** A cheap round trip, for /ready. */
  ping(): Promise<void>;
  /**
   * PostgreSQL: a write that needs a new block of disk, rolled back, for /ready (its server owns
   * its disk: only a write tells that it is full). Rejects with the server's error (53100
   * disk_full when there is no room). SQLite has none: /ready checks the folder its file is in.
   */
  probeWrite?(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection pool size (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** PostgreSQL statement and connection deadlines (DATABASE_STATEMENT_TIMEOUT, DATABASE_CONNECT_TIMEOUT). */
  deadlines?: { statementTimeoutMs: number; connectTimeoutMs: number };
  /** PostgreSQL: the same database without a pooler between, for session state (DATABASE_DIRECT_URL). */
  directUrl?: string;
}

export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<Database> {
  if (url.startsWith('file:')) {
    const { openSqlite } = await import('./sqlite');
    return openSqlite(url.slice('file:'.length));
  }
  const { openPostgres } = await import('./postgres');
  return openPostgres(url, options.poolSize ?? 10, options.deadlines, options.directUrl);
}

export const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  // SQLite's extended result code, PostgreSQL's SQLSTATE.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
};
