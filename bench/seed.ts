// Seeds a bench database before the server starts on it (so the server stays the file's only
// owner while it runs): `rows` settled payments of one big project over the past year, with
// their first status change, and an old backlog for the pruner (processed callbacks and
// succeeded webhook deliveries past retention). Written in large multi-row statements through
// the service's own storage layer.
import { webhookSecretSealedFor } from '../src/security/sealed-for';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database, type Queryable } from '../src/db/database';
import { applyMigrations } from '../src/db/migrate';
import { idTimePart } from '../src/ids';
import { createVault, type Keyring } from '../src/security/vault';
import type { NewTransaction } from '../src/payments/transaction.repository';
import { NO_REFUSAL } from '../src/payments/transaction.refusal';

export const BIG_PROJECT_ID = 'prj_benchbig';
const ROWS_PER_STATEMENT = 400;
const YEAR_MS = 365 * 86_400_000;
const STATUSES = [
  'completed',
  'completed',
  'completed',
  'completed',
  'completed',
  'completed',
  'cancelled',
  'cancelled',
  'failed',
  'expired',
] as const;

export interface SeedResult {
  rows: number;
  oldCallbacks: number;
  oldDeliveries: number;
  seconds: number;
  /** A few rows to look up, spread over the year. */
  sample: Array<{ id: string; phone: string; accountReference: string; createdAt: Date }>;
}

const id = (prefix: 'txn' | 'cbk' | 'evt' | 'whd' | 'wha' | 'chg', at: Date) =>
  `${idTimePart(prefix, at)}${randomBytes(10).toString('hex')}`;

function payment(at: Date, n: number): NewTransaction {
  const status = STATUSES[n % STATUSES.length]!;
  const phone = `2547${String((n * 7919) % 100_000_000).padStart(8, '0')}`;
  return {
    id: id('txn', at),
    projectId: BIG_PROJECT_ID,
    mode: 'test',
    accountId: null,
    reversalReceipt: null,
    reversedAt: null,
    status,
    phone,
    amount: 10 + (n % 5000),
    channel: 'paybill',
    shortcode: '174379',
    partyB: '174379',
    accountReference: `INV${n % 200_000}`,
    description: 'Payment',
    metadata: null,
    idempotencyKey: null,
    requestHash: null,
    merchantRequestId: `29115-${n}`,
    checkoutRequestId: `ws_CO_SEED${n}`,
    customerMessage: 'Success. Request accepted for processing',
    pushFinishedAt: at,
    ...NO_REFUSAL,
    resultCode: status === 'completed' ? '0' : '1032',
    resultDesc: null,
    mpesaReceiptNumber: status === 'completed' ? `S${n.toString(36).toUpperCase().padStart(9, '0')}` : null,
    amountPaid: status === 'completed' ? 10 + (n % 5000) : null,
    paidPhone: null,
    transactionDate: null,
    createdAt: at,
    updatedAt: at,
    settledAt: at,
    settledBy: 'callback',
    reconcileAt: null,
    queryAttempts: 0,
    origin: 'stk_push',
    c2bTransId: null,
    c2bDetails: null,
    paidAs: null,
  };
}

async function insertChunks<T>(
  db: Database,
  total: number,
  make: (n: number) => T,
  write: (tx: Queryable, rows: T[]) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < total; start += ROWS_PER_STATEMENT * 10) {
    await db.transaction(
      async (tx) => {
        for (
          let chunk = start;
          chunk < Math.min(total, start + ROWS_PER_STATEMENT * 10);
          chunk += ROWS_PER_STATEMENT
        ) {
          const rows = Array.from({ length: Math.min(ROWS_PER_STATEMENT, total - chunk) }, (_, i) =>
            make(chunk + i),
          );
          await write(tx, rows);
        }
      },
      { durability: 'process' },
    );
  }
}

export interface SeedOptions {
  rows: number;
  oldRows: number;
  /** The big project's test keys; the secret is sealed with the server's master key. */
  publicKey: string;
  secretKey: string;
  keyring: Keyring;
  now?: Date;
}

export async function seedBenchDatabase(databaseUrl: string, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const db = await openDatabase(databaseUrl);
  try {
    await applyMigrations(db, { legacyMode: 'test' });
    await db.run(
      db.qb
        .insertInto('Project')
        .values({ id: BIG_PROJECT_ID, name: 'Bench: a year of payments', createdAt: now }),
    );
    const secretKeyEnc = createVault(options.keyring).seal(options.secretKey, {
      projectId: BIG_PROJECT_ID,
      recordId: 'api-key:test',
      purpose: 'api-secret-key',
    });
    await db.run(
      db.qb.insertInto('ApiKey').values({
        id: 'key_benchbig',
        projectId: BIG_PROJECT_ID,
        mode: 'test',
        publicKey: options.publicKey,
        secretKeyEnc,
        createdAt: now,
      }),
    );
    const first = now.getTime() - YEAR_MS;
    const at = (n: number) => new Date(first + Math.floor((n * YEAR_MS) / Math.max(1, options.rows)));
    const sample: SeedResult['sample'] = [];
    await insertChunks(
      db,
      options.rows,
      (n) => payment(at(n), n),
      async (tx, rows) => {
        await tx.run(tx.qb.insertInto('Transaction').values(rows));
        await tx.run(
          tx.qb.insertInto('StatusChange').values(
            rows.map((row) => ({
              id: id('chg', row.createdAt),
              transactionId: row.id,
              fromStatus: 'pending',
              toStatus: row.status,
              source: 'callback',
              resultCode: row.resultCode,
              resultDesc: null,
              createdAt: row.createdAt,
            })),
          ),
        );
        const picked = rows[Math.floor(rows.length / 2)]!;
        if (sample.length < 2000)
          sample.push({
            id: picked.id,
            phone: picked.phone,
            accountReference: picked.accountReference,
            createdAt: picked.createdAt,
          });
      },
    );

    // The pruner's backlog: a year-old endpoint, events, succeeded deliveries with one attempt
    // each, and processed callbacks, all past any retention the bench sets.
    const old = new Date(first);
    await db.run(
      db.qb.insertInto('WebhookEndpoint').values({
        id: 'we_benchold',
        projectId: BIG_PROJECT_ID,
        mode: 'test',
        url: 'https://old.example.com/hooks',
        description: null,
        eventTypes: '["*"]',
        enabled: false,
        disabledReason: 'manual',
        // Sealed like a real one: the start checks that the master key opens what is stored.
        secretEnc: createVault(options.keyring).seal(
          'whsec_bench_old_endpoint',
          webhookSecretSealedFor(BIG_PROJECT_ID, 'we_benchold'),
        ),
        createdAt: old,
        updatedAt: old,
      }),
    );
    await insertChunks(
      db,
      options.oldRows,
      (n) => n,
      async (tx, ns) => {
        const events = ns.map((n) => ({
          id: id('evt', new Date(first + n)),
          projectId: BIG_PROJECT_ID,
          mode: 'test',
          type: 'transaction.completed',
          transactionId: null,
          payload: '{}',
          createdAt: new Date(first + n),
        }));
        const deliveries = events.map((event) => ({
          id: id('whd', event.createdAt),
          eventId: event.id,
          endpointId: 'we_benchold',
          status: 'succeeded',
          attempts: 1,
          nextAttemptAt: event.createdAt,
          lastStatusCode: 200,
          completedAt: event.createdAt,
          createdAt: event.createdAt,
        }));
        await tx.run(tx.qb.insertInto('Event').values(events));
        await tx.run(tx.qb.insertInto('WebhookDelivery').values(deliveries));
        await tx.run(
          tx.qb.insertInto('DeliveryAttempt').values(
            deliveries.map((delivery) => ({
              id: id('wha', delivery.createdAt),
              deliveryId: delivery.id,
              attemptedAt: delivery.createdAt,
              statusCode: 200,
              latencyMs: 5,
              responseBody: 'ok',
              error: null,
            })),
          ),
        );
        await tx.run(
          tx.qb.insertInto('CallbackRecord').values(
            ns.map((n) => ({
              id: id('cbk', new Date(first + n)),
              transactionId: null,
              checkoutRequestId: null,
              sourceIp: '196.201.212.69',
              rawBody: Buffer.from('{"Body":{}}'),
              outcome: 'orphan',
              receivedAt: new Date(first + n),
              processedAt: new Date(first + n),
            })),
          ),
        );
      },
    );
    // A database that grew to this size has planner statistics (autovacuum keeps them); one bulk
    // loaded a moment ago has none until autovacuum's next pass, and without them PostgreSQL
    // reads a payment by id through the (projectId, mode, c2bTransId) index, walking the whole
    // project (35-65 ms at 200,000 rows instead of 0.05). Measure the database users run.
    if (db.postgres) await db.postgres.pool.query('ANALYZE');
    return {
      rows: options.rows,
      oldCallbacks: options.oldRows,
      oldDeliveries: options.oldRows,
      seconds: (Date.now() - started) / 1000,
      sample,
    };
  } finally {
    await db.close();
  }
}
