// Outcomes that arrive together settle in one transaction (src/payments/transaction.settle.ts):
// on PostgreSQL with one compare-and-set statement for the whole batch, on SQLite with one per
// payment. Either way each payment moves once per outcome, two outcomes about one payment in
// one batch both count, and a batch that queued no webhook delivery wakes no delivery worker.
// On the engine the suite runs on (SQLite, or PostgreSQL with TEST_DATABASE_URL).
import { countRoundTrips, roundTrips, tripsBetween } from '../../bench/round-trips';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { insertTransactions } from '../../src/payments/transaction.repository';
import { createSettlement, type Settlement } from '../../src/payments/transaction.settle';
import { createTransactionEvents } from '../../src/payments/payment.news';
import { queuedDeliveries } from '../../src/payments/event.repository';
import { freshDataDir, freshDatabaseUrl } from '../helpers/database';
import { paymentRow, statusChanges, storedTransaction } from '../helpers/rows';

const PAYMENTS = 12;

let db: Database;
beforeAll(async () => {
  countRoundTrips();
  db = await openDatabase(freshDatabaseUrl(freshDataDir()));
  await applyMigrations(db, { legacyMode: 'test' });
  await db.run(db.qb.insertInto('Project').values({ id: 'prj_a', name: 'Shop', createdAt: new Date() }));
});
afterAll(() => db.close());

const paid = (receipt: string, checkoutRequestId: string): Settlement => ({
  to: 'completed',
  source: 'callback',
  resultCode: '0',
  resultDesc: 'The service request is processed successfully.',
  checkoutRequestId,
  mpesaReceiptNumber: receipt,
  amountPaid: 100,
  paidPhone: '254712345678',
  transactionDate: '20261122101010',
});

/** The settlement path, and how many committed events would wake a delivery worker (service.ts). */
function settlement() {
  const events = createTransactionEvents();
  let wakes = 0;
  events.onRecorded((event) => {
    if (queuedDeliveries(event)) wakes += 1;
  });
  return { settle: createSettlement({ db, events }), wakes: () => wakes };
}

async function pendingPayments(count: number, prefix: string) {
  const rows = Array.from({ length: count }, (_, i) =>
    paymentRow({ checkoutRequestId: `ws_CO_${prefix}_${i}` }),
  );
  await db.transaction((tx) => insertTransactions(tx, rows));
  return rows;
}

describe('when several callbacks settle in one turn of the event loop', () => {
  it('then each payment completes once, with its own change, in one batch (one compare-and-set statement on PostgreSQL)', async () => {
    const { settle, wakes } = settlement();
    const rows = await pendingPayments(PAYMENTS, 'many');
    const before = roundTrips();
    const results = await Promise.all(
      rows.map((row, i) =>
        settle({ transactionId: row.id, settlement: paid(`UKMBATCH${i}`, row.checkoutRequestId!) }),
      ),
    );
    const trips = tripsBetween(before, roundTrips());
    expect(results.map((result) => result.claimed && result.label)).toEqual(rows.map(() => 'applied'));
    for (const [i, row] of rows.entries()) {
      const stored = await storedTransaction(db, row.id);
      expect(stored).toMatchObject({
        status: 'completed',
        mpesaReceiptNumber: `UKMBATCH${i}`,
        amountPaid: 100,
      });
      expect((await statusChanges(db, row.id)).map((change) => change.toStatus)).toEqual(['completed']);
    }
    if (db.engine === 'postgres') {
      // Two batches at most (one committing while the next fills), each one UPDATE.
      expect(trips.byKind['UPDATE Transaction']).toBeLessThanOrEqual(2);
      expect(trips.byKind.COMMIT).toBe(trips.byKind['UPDATE Transaction']);
    }
    // No endpoint: nothing was queued, no worker is woken.
    expect(wakes()).toBe(0);
  });

  it('then a query answer and the callback for one payment in the same batch both apply: the move, then the receipt', async () => {
    const settle = createSettlement({ db, events: createTransactionEvents() });
    const [row] = await pendingPayments(1, 'two');
    const [byQuery, byCallback] = await Promise.all([
      settle({
        transactionId: row!.id,
        settlement: { to: 'completed', source: 'stk_query', resultCode: '0', resultDesc: 'processed' },
      }),
      settle({ transactionId: row!.id, settlement: paid('UKMTWO0001', row!.checkoutRequestId!) }),
    ]);
    expect([byQuery, byCallback].map((result) => result.claimed && result.label)).toEqual([
      'applied',
      'enriched',
    ]);
    expect(await storedTransaction(db, row!.id)).toMatchObject({
      status: 'completed',
      settledBy: 'stk_query',
      mpesaReceiptNumber: 'UKMTWO0001',
      amountPaid: 100,
    });
    // Both changes are recorded (one clock reading: ids, not the order, tell them apart).
    const changes = (await statusChanges(db, row!.id)).map(
      (change) => `${change.fromStatus}->${change.toStatus}`,
    );
    expect(changes.sort()).toEqual(['completed->completed', 'pending->completed']);
  });
});

describe('when a settled payment belongs to a project with a webhook endpoint', () => {
  it('then the commit wakes the delivery workers', async () => {
    const { settle, wakes } = settlement();
    await db.run(
      db.qb.insertInto('WebhookEndpoint').values({
        id: 'whe_batch',
        projectId: 'prj_a',
        mode: 'test',
        url: 'https://example.com/hooks',
        secretEnc: 'sealed',
        eventTypes: '["*"]',
        enabled: true,
        createdAt: new Date(),
        updatedAt: new Date(),
      }),
    );
    const [row] = await pendingPayments(1, 'hook');
    await settle({ transactionId: row!.id, settlement: paid('UKMHOOK001', row!.checkoutRequestId!) });
    expect(wakes()).toBe(1);
  });
});

describe('when a success brings a receipt another payment already holds (one receipt, one payment)', () => {
  it('then, in one batch, the first payment takes the receipt and the second is linked to it, not completed', async () => {
    const { settle } = settlement();
    const [first, second] = await pendingPayments(2, 'same');
    const results = await Promise.all(
      [first!, second!].map((row) =>
        settle({ transactionId: row.id, settlement: paid('UKMSAME001', row.checkoutRequestId!) }),
      ),
    );
    expect(results.map((result) => result.claimed && result.label)).toEqual(['applied', 'enriched']);
    expect(await storedTransaction(db, first!.id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: 'UKMSAME001',
      paidAs: null,
    });
    expect(await storedTransaction(db, second!.id)).toMatchObject({
      status: 'pending',
      mpesaReceiptNumber: null,
      paidAs: first!.id,
      reconcileAt: null,
    });
  });

  it('then a request an STK Query completed without a receipt stays completed and is linked to the walk-in payment that holds it', async () => {
    const { settle } = settlement();
    const walkIn = paymentRow({
      status: 'completed',
      origin: 'c2b',
      c2bTransId: 'UKMWALK001',
      mpesaReceiptNumber: 'UKMWALK001',
    });
    const queried = paymentRow({
      status: 'completed',
      settledBy: 'stk_query',
      resultCode: '0',
      checkoutRequestId: 'ws_CO_queried',
    });
    await db.transaction((tx) => insertTransactions(tx, [walkIn, queried]));
    const result = await settle({
      transactionId: queried.id,
      settlement: paid('UKMWALK001', 'ws_CO_queried'),
    });
    expect(result.claimed && result.label).toBe('enriched');
    expect(await storedTransaction(db, queried.id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: null,
      paidAs: walkIn.id,
    });
  });
});
