// What the service stored, read through its own database handle (server.database()), in id
// order. Small readers for the tables tests look at; anything rarer uses db.qb directly. And the
// one builder of a payment row: a test names only the columns it is about.
import type { Database } from '../../src/db/database';
import { newId } from '../../src/ids';
import { NO_REFUSAL } from '../../src/payments/transaction.refusal';
import type { NewTransaction } from '../../src/payments/transaction.repository';

/**
 * A payment row as the ledger stores it: pending, unpushed, in test mode, created (and last
 * changed) at `createdAt` (now when not given), its id minted at that time.
 */
export function paymentRow(overrides: Partial<NewTransaction> = {}): NewTransaction {
  const createdAt = overrides.createdAt ?? new Date();
  return {
    // Only when none is given: the contract test counts ids (its newId is a counter).
    id: overrides.id ?? newId('txn', createdAt),
    projectId: 'prj_a',
    mode: 'test',
    accountId: null,
    reversalReceipt: null,
    reversedAt: null,
    status: 'pending',
    phone: '254712345678',
    amount: 100,
    channel: 'paybill',
    shortcode: '174379',
    partyB: '174379',
    accountReference: 'INV1',
    description: 'Order',
    metadata: null,
    idempotencyKey: null,
    requestHash: null,
    merchantRequestId: null,
    checkoutRequestId: null,
    customerMessage: null,
    pushFinishedAt: null,
    ...NO_REFUSAL,
    resultCode: null,
    resultDesc: null,
    mpesaReceiptNumber: null,
    amountPaid: null,
    paidPhone: null,
    transactionDate: null,
    createdAt,
    updatedAt: createdAt,
    settledAt: null,
    settledBy: null,
    reconcileAt: null,
    queryAttempts: 0,
    origin: 'stk_push',
    c2bTransId: null,
    c2bDetails: null,
    paidAs: null,
    ...overrides,
  };
}

/** A payment of `projectId` pushed at `at`, paid in full and settled by its callback 12 s later. */
export function completedPaymentRow(
  projectId: string,
  at: Date,
  overrides: Partial<NewTransaction> = {},
): NewTransaction {
  return paymentRow({
    projectId,
    createdAt: at,
    status: 'completed',
    pushFinishedAt: at,
    resultCode: '0',
    resultDesc: 'ok',
    amountPaid: overrides.amount ?? 100,
    settledAt: new Date(at.getTime() + 12_000),
    settledBy: 'callback',
    ...overrides,
  });
}

export const callbackRecords = (
  db: Database,
  where: { transactionId?: string; checkoutRequestId?: string } = {},
) => {
  let query = db.qb.selectFrom('CallbackRecord').selectAll();
  if (where.transactionId) query = query.where('transactionId', '=', where.transactionId);
  if (where.checkoutRequestId) query = query.where('checkoutRequestId', '=', where.checkoutRequestId);
  return db.all(query.orderBy('id'));
};

export const statusChanges = (db: Database, transactionId: string) =>
  db.all(
    db.qb.selectFrom('StatusChange').selectAll().where('transactionId', '=', transactionId).orderBy('id'),
  );

export const storedTransaction = (db: Database, id: string) =>
  db.first(db.qb.selectFrom('Transaction').selectAll().where('id', '=', id));

export const transactionEvents = (db: Database, transactionId: string) =>
  db.all(db.qb.selectFrom('Event').selectAll().where('transactionId', '=', transactionId).orderBy('id'));

export async function countRows(
  db: Database,
  table: 'CallbackRecord' | 'Transaction' | 'Event' | 'WebhookDelivery' | 'DeliveryAttempt' | 'StatusChange',
) {
  const row = await db.first(db.qb.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('count')));
  return Number(row?.count ?? 0);
}
