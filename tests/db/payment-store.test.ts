// The SQLite store commits the units of one event-loop turn together (group commit). Each
// unit must still succeed or fail on its own, and resolve only once committed.
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/db.client';
import { applyMigrations } from '../../src/db/db.migrate';
import { createSqlitePaymentStore } from '../../src/db/payment-store.sqlite';
import { createSqliteWriter } from '../../src/db/sqlite-writer';
import { newId } from '../../src/ids';
import type { TransactionRow } from '../../src/transactions/transaction.view';
import { freshDataDir } from '../helpers/database';

let database: Database;
let file: string;

beforeAll(async () => {
  file = path.join(freshDataDir(), 'store.db');
  database = await openDatabase(`file:${file}`);
  await applyMigrations(database);
  await database.prisma.project.create({ data: { id: 'prj_store', name: 'Store', publicKey: 'pk_store', secretKeyEnc: 'sealed' } });
});
afterAll(() => database.close());

function pendingRow(overrides: Partial<TransactionRow> = {}): TransactionRow {
  const now = new Date();
  return {
    id: newId('txn'), projectId: 'prj_store', status: 'pending', phone: '254712345678', amount: 10, channel: 'paybill',
    shortcode: '174379', partyB: '174379', accountReference: 'A', description: 'D', metadata: null, idempotencyKey: null,
    requestHash: null, merchantRequestId: null, checkoutRequestId: null, customerMessage: null, pushFinishedAt: null,
    submitError: null, resultCode: null, resultDesc: null, mpesaReceiptNumber: null, amountPaid: null, amountMismatch: false,
    paidPhone: null, transactionDate: null, createdAt: now, updatedAt: now, settledAt: null, reconcileAt: null, queryAttempts: 0, ...overrides,
  };
}
const firstChange = (row: TransactionRow) => ({
  id: newId('chg'), transactionId: row.id, fromStatus: null, toStatus: 'pending', source: 'initiate', resultCode: null, createdAt: row.createdAt,
});

describe('SQLite payment store, group commit', () => {
  it('when units of one batch include a failing one, then only that one fails and the others are committed', async () => {
    const writer = createSqliteWriter(file);
    const store = createSqlitePaymentStore(writer);
    const good = [pendingRow(), pendingRow()];
    const clash = pendingRow({ idempotencyKey: 'same' });
    const clashAgain = pendingRow({ idempotencyKey: 'same' });
    const broken = pendingRow({ projectId: 'prj_missing' }); // foreign key violation

    const results = await Promise.allSettled([
      store.createTransaction(good[0]!, firstChange(good[0]!)),
      store.createTransaction(clash, firstChange(clash)),
      store.createTransaction(broken, firstChange(broken)),
      store.createTransaction(clashAgain, firstChange(clashAgain)),
      store.createTransaction(good[1]!, firstChange(good[1]!)),
    ]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected'))).toEqual([true, true, 'rejected', false, true]);

    // Read through Prisma's own connection: committed, and nothing of the failed units left.
    const stored = await database.prisma.transaction.findMany({ where: { id: { in: [...good, clash, clashAgain, broken].map((row) => row.id) } } });
    expect(stored.map((row) => row.id).sort()).toEqual([good[0]!.id, clash.id, good[1]!.id].sort());
    expect(await database.prisma.statusChange.count({ where: { transactionId: { in: [broken.id, clashAgain.id] } } })).toBe(0);
    writer.close();
  });

  it('when a settlement is planned from a status that has moved on, then the compare-and-set changes nothing', async () => {
    const writer = createSqliteWriter(file);
    const store = createSqlitePaymentStore(writer);
    const row = pendingRow();
    await store.createTransaction(row, firstChange(row));
    const write = (from: string) => ({
      from,
      patch: { status: 'completed', updatedAt: new Date() },
      change: { ...firstChange(row), id: newId('chg'), fromStatus: from, toStatus: 'completed' },
    });
    const stale = await store.settle({ transactionId: row.id, decide: () => ({ label: 'stale', write: write('expired') }) });
    expect(stale).toMatchObject({ claimed: true, label: 'stale', changed: false });
    const fresh = await store.settle({ transactionId: row.id, decide: () => ({ label: 'fresh', write: write('pending') }) });
    expect(fresh).toMatchObject({ claimed: true, changed: true, row: { status: 'completed' } });
    expect(await database.prisma.statusChange.count({ where: { transactionId: row.id } })).toBe(2);
    writer.close();
  });
});
