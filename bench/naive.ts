// The naive baseline: what an integrator would write instead of this service, a tutorial-style
// Express 5 + Prisma callback handler (bench/naive-server.ts) on the project's own Prisma schema.
// Its client is generated here, offline, with Prisma's JavaScript engine (docs: the notes on
// Prisma's offline path): the schema folder gets a `prisma-client` generator with
// engineType "client" (queries through a driver adapter), into bench/.naive/<engine>/client
// (ignored by git; made again when prisma/models.prisma changes).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Engine } from '../src/db/database';
import { applyMigrations } from '../src/db/migrate';
import { NO_REFUSAL } from '../src/payments/transaction.refusal';
import { insertTransactions, type NewTransaction } from '../src/payments/transaction.repository';
import { startChild, type BenchChild } from './child';
import { BENCH_AMOUNT, NO_CALLBACK_PHONE, type PendingPayment } from './merchant';

const ROOT = path.join(__dirname, '..');
const PRISMA = path.join(ROOT, 'prisma');

/** The schema files of `engine` (the shared models and, on PostgreSQL, the instances' tables). */
function schemaFiles(engine: Engine): string[] {
  const files = [path.join(PRISMA, 'models.prisma')];
  if (engine === 'postgres') files.push(path.join(PRISMA, 'postgres', 'instances.prisma'));
  return files;
}

const CONFIG = {
  postgres: {
    provider: 'postgresql',
    url: 'postgresql://unused@localhost/unused',
    adapter: `import { PrismaPg } from '@prisma/adapter-pg';\nconst adapter = async () => new PrismaPg({ connectionString: 'postgresql://unused@localhost/unused' });`,
  },
  sqlite: {
    provider: 'sqlite',
    url: 'file:./unused.db',
    adapter: `import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';\nconst adapter = async () => new PrismaBetterSQLite3({ url: ':memory:' });`,
  },
} as const;

/** Generates (when missing or stale) the naive handler's Prisma client; answers the folder of client.ts. */
export function naiveClient(engine: Engine): string {
  const dir = path.join(__dirname, '.naive', engine);
  const clientDir = path.join(dir, 'client');
  const stamp = path.join(dir, 'models.sha256');
  const hash = createHash('sha256');
  for (const file of schemaFiles(engine)) hash.update(fs.readFileSync(file));
  const digest = hash.digest('hex');
  if (fs.existsSync(path.join(clientDir, 'client.ts')) && fs.readFileSync(stamp, 'utf8') === digest)
    return clientDir;

  const schemaDir = path.join(dir, 'schema');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(schemaDir, { recursive: true });
  for (const file of schemaFiles(engine)) fs.copyFileSync(file, path.join(schemaDir, path.basename(file)));
  const { provider, url, adapter } = CONFIG[engine];
  fs.writeFileSync(
    path.join(schemaDir, 'schema.prisma'),
    `generator client {\n  provider   = "prisma-client"\n  output     = "../client"\n  engineType = "client"\n}\n\ndatasource db {\n  provider = "${provider}"\n  url      = "${url}"\n}\n`,
  );
  fs.writeFileSync(
    path.join(schemaDir, 'prisma.config.ts'),
    `import path from 'node:path';\nimport { defineConfig } from 'prisma/config';\n${adapter}\nexport default defineConfig({ experimental: { adapter: true }, engine: 'js', schema: path.join(__dirname), adapter });\n`,
  );
  execFileSync(
    process.execPath,
    [
      require.resolve('prisma/build/index.js'),
      'generate',
      '--config',
      path.join(schemaDir, 'prisma.config.ts'),
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PRISMA_CLIENT_ENGINE_TYPE: 'client' } },
  );
  fs.writeFileSync(stamp, digest);
  return clientDir;
}

/**
 * The naive server on a database of its own (a schema, or a file) migrated to the same schema
 * and holding copies of `payments`, pending, so the same callbacks settle them there.
 */
export async function startNaive(
  engine: Engine,
  databaseUrl: string,
  payments: readonly PendingPayment[],
): Promise<BenchChild> {
  const client = path.join(naiveClient(engine), 'client.ts');
  const db = await openDatabase(databaseUrl);
  try {
    await applyMigrations(db, { legacyMode: 'test' });
    const now = new Date();
    await db.run(
      db.qb.insertInto('Project').values({ id: NAIVE_PROJECT, name: 'Naive shop', createdAt: now }),
    );
    for (let start = 0; start < payments.length; start += 500) {
      const rows = payments.slice(start, start + 500).map((payment) => pendingRow(payment, now));
      await db.transaction((tx) => insertTransactions(tx, rows));
    }
  } finally {
    await db.close();
  }
  return startChild('naive-server.ts', {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    NAIVE_ENGINE: engine,
    NAIVE_DATABASE_URL: databaseUrl,
    NAIVE_CLIENT: client,
  });
}

const NAIVE_PROJECT = 'prj_naive';

function pendingRow(payment: PendingPayment, now: Date): NewTransaction {
  return {
    id: payment.id,
    projectId: NAIVE_PROJECT,
    mode: 'test',
    accountId: null,
    reversalReceipt: null,
    reversedAt: null,
    status: 'pending',
    phone: NO_CALLBACK_PHONE,
    amount: BENCH_AMOUNT,
    channel: 'paybill',
    shortcode: '174379',
    partyB: '174379',
    accountReference: 'NAIVE',
    description: 'Payment',
    metadata: null,
    idempotencyKey: null,
    requestHash: null,
    merchantRequestId: payment.merchantRequestId,
    checkoutRequestId: payment.checkoutRequestId,
    customerMessage: null,
    pushFinishedAt: now,
    ...NO_REFUSAL,
    resultCode: null,
    resultDesc: null,
    mpesaReceiptNumber: null,
    amountPaid: null,
    paidPhone: null,
    transactionDate: null,
    createdAt: now,
    updatedAt: now,
    settledAt: null,
    settledBy: null,
    reconcileAt: null,
    queryAttempts: 0,
    origin: 'stk_push',
    c2bTransId: null,
    c2bDetails: null,
    paidAs: null,
  };
}
