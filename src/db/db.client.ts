// One Prisma client for either provider. The SQLite and PostgreSQL clients are generated from
// the same models (prisma/models.prisma), so they share one API; we type both as `Db`.
import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client';
import { PrismaClient as PostgresClient } from '../generated/postgres/client';

export type Db = SqliteClient;
export type DbProvider = 'sqlite' | 'postgres';

export interface Database {
  prisma: Db;
  provider: DbProvider;
  /** The SQLite file, for the raw fast path (db/payment-store.sqlite.ts). */
  sqliteFile?: string;
  close(): Promise<void>;
}

const SQLITE_BUSY_TIMEOUT_MS = 5000;

export async function openDatabase(databaseUrl: string): Promise<Database> {
  return databaseUrl.startsWith('file:') ? openSqlite(databaseUrl) : openPostgres(databaseUrl);
}

async function openSqlite(databaseUrl: string): Promise<Database> {
  const file = databaseUrl.slice('file:'.length);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const prisma = new SqliteClient({
    adapter: new PrismaBetterSQLite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }),
  });
  // WAL lets readers run beside the writer; synchronous=FULL makes a commit survive power
  // loss, not just a process crash: an acknowledged callback must never be lost.
  await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await prisma.$executeRawUnsafe('PRAGMA synchronous = FULL');
  await prisma.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  return { prisma, provider: 'sqlite', sqliteFile: file, close: () => prisma.$disconnect() };
}

async function openPostgres(databaseUrl: string): Promise<Database> {
  // `?schema=name` selects a schema (the tests give each file its own); it is not a pg option.
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const adapter = new PrismaPg(
    { connectionString: url.toString(), options: `-c search_path="${schema}"` },
    { schema },
  );
  const prisma = new PostgresClient({ adapter }) as unknown as Db;
  await prisma.$executeRawUnsafe(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
  return { prisma, provider: 'postgres', close: () => prisma.$disconnect() };
}
