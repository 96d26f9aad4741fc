// The SQLite engine: one better-sqlite3 connection, owned by this process, for every read and
// write (nothing else opens the file at run time; a test may open two in one process, which
// then share one queue of transactions). better-sqlite3 is synchronous, so a
// statement here costs microseconds and never waits on another connection's lock.
//
// Transactions take turns on the one connection (a promise queue): a query from outside a
// transaction waits until the running one has committed, so it never sees uncommitted rows and
// never lands inside someone else's transaction. Work inside a transaction only awaits this
// connection's already-settled promises, so a whole transaction runs within one turn of the
// event loop; nothing blocks the loop while waiting for a lock.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Statement } from 'better-sqlite3';
import type { Compilable, CompiledQuery } from 'kysely';
import type { Database, Durability, MigrationSession, Queryable } from './database';
import { createQueryBuilder } from './query-builder';
import { fromSqliteRow, sqliteDate, toSqliteParameter } from './sql-values';

// Only another process (a backup, the sqlite3 shell) can hold the write lock; wait briefly for
// it rather than failing, but never long: this wait blocks the event loop.
const BUSY_TIMEOUT_MS = 200;
/** Prepared statements kept; past this the cache starts over (IN-lists make many shapes). */
const STATEMENT_CACHE_LIMIT = 1000;
const LEDGER = '_bridge_migrations';

/** The transaction running (between BEGIN and COMMIT), with the outside queries waiting for it. */
interface Running {
  blocked: Array<(error: Error) => void>;
}

/** A file's queue of transactions: `waiting` counts the ones queued or running. */
interface Turns {
  tail: Promise<unknown>;
  waiting: number;
  running: Running | undefined;
}

// One queue per file, not per connection: a process with two connections on one file (two
// service instances in one test process) must not start a transaction on one while the other's
// is open, or BEGIN IMMEDIATE would wait for a lock that this same thread holds, blocking the
// loop until the busy timeout fails it. Between processes SQLite's lock (and its busy timeout)
// does the job.
const TURNS_BY_FILE = new Map<string, Turns>();

function turnsOf(file: string): Turns {
  const fresh = (): Turns => ({ tail: Promise.resolve(), waiting: 0, running: undefined });
  if (file === ':memory:') return fresh();
  const key = path.resolve(file);
  let turns = TURNS_BY_FILE.get(key);
  if (!turns) TURNS_BY_FILE.set(key, (turns = fresh()));
  return turns;
}

export function openSqlite(file: string): Database {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const connection = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  // WAL lets the file be read beside the writer; synchronous=FULL makes a commit survive power
  // loss, not only a crash (see Durability). foreign_keys is off by default in SQLite.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  let synchronous: 'FULL' | 'NORMAL' = 'FULL';

  const qb = createQueryBuilder('sqlite');
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= STATEMENT_CACHE_LIMIT) statements.clear();
      statements.set(sql, (statement = connection.prepare(sql)));
    }
    return statement;
  };
  const bind = (compiled: CompiledQuery) => compiled.parameters.map(toSqliteParameter);

  function allNow<R>(query: Compilable<R>): R[] {
    const compiled = query.compile();
    const statement = prepare(compiled.sql);
    if (!statement.reader) {
      statement.run(...bind(compiled));
      return [];
    }
    return (statement.all(...bind(compiled)) as Record<string, unknown>[]).map((row) =>
      fromSqliteRow<R>(row),
    );
  }
  function runNow(query: Compilable<unknown>): number {
    const compiled = query.compile();
    const statement = prepare(compiled.sql);
    // UPDATE … RETURNING is a reader: its changes are the rows it returns.
    return statement.reader
      ? statement.all(...bind(compiled)).length
      : statement.run(...bind(compiled)).changes;
  }

  // The queue of transactions: the file's, shared by every connection this process has on it.
  const turns = turnsOf(file);
  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    turns.waiting += 1;
    const turn = turns.tail.then(work).finally(() => {
      turns.waiting -= 1;
    });
    turns.tail = turn.catch(() => undefined);
    return turn;
  }
  /** Outside a transaction: at once when the connection is free, else after the queue. */
  function outside<T>(work: () => T): Promise<T> {
    if (turns.waiting === 0) return Promise.resolve().then(work);
    const transaction = turns.running;
    if (!transaction) return inTurn(async () => work());
    return new Promise<T>((resolve, reject) => {
      transaction.blocked.push(reject);
      inTurn(async () => work()).then(resolve, reject);
    });
  }
  const scoped = (isOpen: () => boolean): Queryable => {
    const check = () => {
      if (!isOpen()) throw new Error('this transaction has already ended');
    };
    return {
      engine: 'sqlite',
      qb,
      all: async (query) => (check(), allNow(query)),
      first: async (query) => (check(), allNow(query)[0]),
      run: async (query) => (check(), runNow(query)),
    };
  };

  function setDurability(durability: Durability) {
    const wanted = durability === 'disk' ? 'FULL' : 'NORMAL';
    if (wanted !== synchronous) connection.pragma(`synchronous = ${(synchronous = wanted)}`);
  }

  async function inTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    let open = true;
    const transaction: Running = { blocked: [] };
    turns.running = transaction;
    connection.exec('BEGIN IMMEDIATE');
    // Work inside a transaction only awaits its own queries, so it ends before the event loop
    // turns. If it has not, it is waiting for something else: a query sent to the database
    // instead of the transaction handle (which would wait for this very transaction) fails at
    // once, and the transaction with it, instead of hanging.
    const guard = setImmediate(() => {
      if (!open) return;
      const error = new Error(
        'a database query was sent outside its transaction while the transaction waited for it; use the transaction handle',
      );
      for (const reject of transaction.blocked.splice(0)) reject(error);
    });
    try {
      const result = await work(scoped(() => open));
      connection.exec('COMMIT');
      return result;
    } catch (error) {
      if (connection.inTransaction) connection.exec('ROLLBACK');
      throw error;
    } finally {
      open = false;
      turns.running = undefined;
      clearImmediate(guard);
    }
  }

  const session: Omit<MigrationSession, 'db'> = {
    async appliedMigrations() {
      connection.exec(
        `CREATE TABLE IF NOT EXISTS "${LEDGER}" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`,
      );
      return (connection.prepare(`SELECT "name" FROM "${LEDGER}"`).all() as Array<{ name: string }>).map(
        (row) => row.name,
      );
    },
    async applyMigration(name, sql, appliedAt) {
      connection.exec(`SAVEPOINT migration`);
      try {
        connection.exec(sql);
        connection
          .prepare(`INSERT INTO "${LEDGER}" ("name", "appliedAt") VALUES (?, ?)`)
          .run(name, sqliteDate(appliedAt));
        const broken = connection.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0)
          throw new Error(`migration ${name} leaves ${broken.length} rows with a broken foreign key`);
        connection.exec(`RELEASE migration`);
      } catch (error) {
        connection.exec(`ROLLBACK TO migration`);
        connection.exec(`RELEASE migration`);
        throw error;
      }
    },
  };

  return {
    engine: 'sqlite',
    qb,
    writeConcurrency: 1,
    all: (query) => outside(() => allNow(query)),
    first: (query) => outside(() => allNow(query)[0]),
    // A write on its own is as durable as a transaction's default: the setting is the
    // connection's, and must not be whatever the last transaction left.
    run: (query) =>
      outside(() => {
        setDurability('disk');
        return runNow(query);
      }),
    transaction: (work, options) =>
      inTurn(() => {
        setDurability(options?.durability ?? 'disk');
        return inTransaction(work);
      }),
    // The durability is a connection setting here, so even one statement takes its turn.
    single: (work, options) =>
      inTurn(() => {
        setDurability(options?.durability ?? 'disk');
        return inTransaction(work);
      }),
    // SQLite's recommended way to change tables: foreign keys off (they cannot be switched
    // inside a transaction, and a table rebuild would fire ON DELETE actions), every pending
    // migration in one exclusive transaction (which also locks out another process), then a
    // foreign key check before each migration is kept.
    withMigrationLock: (work) =>
      inTurn(async () => {
        connection.pragma('foreign_keys = OFF');
        try {
          setDurability('disk');
          return await inTransaction((tx) => work({ ...session, db: tx }));
        } finally {
          connection.pragma('foreign_keys = ON');
        }
      }),
    poolStats: () => ({
      max: 1,
      open: 1,
      idle: turns.waiting === 0 ? 1 : 0,
      waiting: Math.max(0, turns.waiting - 1),
    }),
    ping: async () => {
      connection.prepare('SELECT 1').get();
    },
    close: () =>
      inTurn(async () => {
        connection.close();
      }),
  };
}
