// Applies prisma/migrations/<provider>/*/migration.sql in order, once each. Prisma's own
// `migrate deploy` needs a schema engine that cannot be downloaded on our machines (and its
// PostgreSQL path is broken in 6.19, prisma/orm#27403), so we run the SQL it generated.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './db.client';

/** prisma/migrations above this file: src/db in development, dist/db or a bench build when compiled. */
function findMigrationsRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`no prisma/migrations folder above ${__dirname}`);
}
const LEDGER = '_bridge_migrations';

export async function applyMigrations(db: Database): Promise<string[]> {
  const { prisma } = db;
  await prisma.$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS "${LEDGER}" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`,
  );
  const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT "name" FROM "${LEDGER}"`);
  const applied = new Set(rows.map((row) => row.name));
  const folder = path.join(findMigrationsRoot(), db.provider);
  const pending = fs.readdirSync(folder).filter((name) => !applied.has(name)).sort();

  for (const name of pending) {
    const sql = fs.readFileSync(path.join(folder, name, 'migration.sql'), 'utf8');
    const statements = splitStatements(sql);
    await prisma.$transaction(async (tx) => {
      for (const statement of statements) await tx.$executeRawUnsafe(statement);
      const appliedAt = new Date().toISOString();
      await tx.$executeRaw`INSERT INTO "_bridge_migrations" ("name", "appliedAt") VALUES (${name}, ${appliedAt})`;
    });
  }
  return pending;
}

function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}
