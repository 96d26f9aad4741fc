// Kysely as a typed SQL builder only: each engine gets an instance with that engine's compiler
// and a driver that does nothing. Execution goes through sqlite.ts / postgres.ts.
import {
  type Compilable,
  type RawBuilder,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { Engine } from './database';
import type { DB } from './database.types';

export function createQueryBuilder(engine: Engine): Kysely<DB> {
  return new Kysely<DB>({
    dialect:
      engine === 'sqlite'
        ? {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new SqliteIntrospector(db),
            createQueryCompiler: () => new SqliteQueryCompiler(),
          }
        : {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new PostgresIntrospector(db),
            createQueryCompiler: () => new PostgresQueryCompiler(),
          },
  });
}

/** A raw statement (Kysely's `sql` template) as something a Queryable runs, compiled for `qb`'s engine. */
export function compilable<R>(qb: Kysely<DB>, query: RawBuilder<R>): Compilable<R> {
  return { compile: () => query.compile(qb) };
}
