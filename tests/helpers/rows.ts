// What the service stored, read through its own database handle (server.database()), in id
// order. Small readers for the tables tests look at; anything rarer uses db.qb directly.
import type { Database } from '../../src/db/database';

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
