// Applies prisma/migrations/<engine>/*/migration.sql in order, once each, under the engine's
// migration lock, so any number of instances may start at once: one applies, the others find
// the work done. Prisma generates the SQL (prisma/init-migration.sh); its own `migrate deploy`
// needs a schema engine that cannot be downloaded on our machines, so we run the files.
import fs from 'node:fs';
import path from 'node:path';
import type { Database, MigrationSession } from './database';
import type { Mode } from '../core/scope';

/** prisma/migrations above this file: src/db in development, dist/db or a bench build when compiled. */
function findMigrationsRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`no prisma/migrations folder above ${__dirname}`);
}

/** Keys, payments, events and endpoints from before modes existed: their mode follows from the deployment's. */
const MODES_MIGRATION = '0005_accounts_and_modes';
const LEGACY_MODE_TABLES = ['ApiKey', 'Transaction', 'Event', 'WebhookEndpoint'] as const;

export interface MigrationOptions {
  /** The mode rows from before 0005 belong to: the mode of MPESA_ENVIRONMENT. */
  legacyMode: Mode;
  now?: () => Date;
}

/** Applies what is pending; returns the names applied by this call. */
export function applyMigrations(
  db: Database,
  { legacyMode, now = () => new Date() }: MigrationOptions,
): Promise<string[]> {
  const folder = path.join(findMigrationsRoot(), db.engine);
  return db.withMigrationLock(async (session: MigrationSession) => {
    const applied = new Set(await session.appliedMigrations());
    const pending = fs
      .readdirSync(folder)
      .filter((name) => !applied.has(name))
      .sort();
    for (const name of pending) {
      await session.applyMigration(
        name,
        fs.readFileSync(path.join(folder, name, 'migration.sql'), 'utf8'),
        now(),
      );
      if (name === MODES_MIGRATION) {
        for (const table of LEGACY_MODE_TABLES)
          await session.db.run(
            session.db.qb.updateTable(table).set({ mode: legacyMode }).where('mode', '=', 'legacy'),
          );
      }
    }
    return pending;
  });
}
