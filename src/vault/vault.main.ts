// `npm run vault:reencrypt`: re-seals every stored secret with the newest master key, with the
// service's own configuration (MASTER_KEY, MASTER_KEY_PREVIOUS, DATABASE_URL), and prints which
// keys are still in use. On SQLite run it while the service is stopped (the service owns its
// file; a running one does the same at start, or on POST /api/v1/vault/reencrypt).
import 'dotenv/config';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { applyMigrations } from '../db/migrate';
import { modeOf } from '../core/scope';
import { loadServiceSecrets } from '../security/master-key';
import { createVault } from '../security/vault';
import { reencryptAll, vaultReport } from './vault.reencrypt';

async function main(): Promise<void> {
  const config = loadConfig();
  const { keyring } = loadServiceSecrets(config);
  const vault = createVault(keyring);
  const db = await openDatabase(config.databaseUrl, { poolSize: 2 });
  try {
    await applyMigrations(db, { legacyMode: modeOf(config.mpesa.environment) });
    const resealed = await reencryptAll(db, vault);
    const report = await vaultReport(db, vault, keyring.newest.id);
    process.stdout.write(`${JSON.stringify({ resealed, ...report }, null, 2)}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`vault:reencrypt failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
