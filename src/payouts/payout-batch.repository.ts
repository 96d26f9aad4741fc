// Payout batches as stored. A batch's rows are payouts (payments/payout.repository.ts) that name
// it; the batch holds the approval and the send slot. Every change of a batch is a
// compare-and-set on where it stands, so two approvers or two instances never both act.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Queryable } from '../db/database';
import type { PayoutBatch } from '../db/database.types';
import type { Scope } from '../core/scope';
import type { PayoutRow } from '../payments/payout.repository';

export type PayoutBatchRow = Selectable<PayoutBatch>;
export type NewPayoutBatch = Insertable<PayoutBatch> & PayoutBatchRow;

export const BATCH_STATUSES = ['awaiting_approval', 'sending', 'sent', 'rejected'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** The rows a batch still has to send, in this order: those its approval (if any) released. */
const UNSENT = ['requested', 'awaiting_approval'] as const;

export async function insertBatch(tx: Queryable, row: NewPayoutBatch): Promise<void> {
  await tx.run(tx.qb.insertInto('PayoutBatch').values(row));
}

export function findBatch(q: Queryable, id: string): Promise<PayoutBatchRow | undefined> {
  return q.first(q.qb.selectFrom('PayoutBatch').selectAll().where('id', '=', id));
}

export function findProjectBatch(
  q: Queryable,
  scope: Scope,
  id: string,
): Promise<PayoutBatchRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('PayoutBatch')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

export function findBatchByIdempotencyKey(
  q: Queryable,
  scope: Scope,
  key: string,
): Promise<PayoutBatchRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('PayoutBatch')
      .selectAll()
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('idempotencyKey', '=', key),
  );
}

export function listBatches(q: Queryable, scope: Scope, before: string | undefined, limit: number) {
  let query = q.qb
    .selectFrom('PayoutBatch')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (before) query = query.where('id', '<', before);
  return q.all(query.orderBy('id', 'desc').limit(limit));
}

/** Moves a batch from `from` with `patch`, if it still stands there; whether it moved. */
export async function moveBatch(
  q: Queryable,
  id: string,
  from: BatchStatus,
  patch: Omit<Updateable<PayoutBatch>, 'id'>,
): Promise<boolean> {
  return (
    (await q.run(
      q.qb.updateTable('PayoutBatch').set(patch).where('id', '=', id).where('status', '=', from),
    )) === 1
  );
}

/** Sending batches whose next send slot is due. */
export function batchesDue(q: Queryable, now: Date, limit: number): Promise<PayoutBatchRow[]> {
  return q.all(
    q.qb
      .selectFrom('PayoutBatch')
      .selectAll()
      .where('status', '=', 'sending')
      .where((eb) => eb.or([eb('nextSendAt', 'is', null), eb('nextSendAt', '<=', now)]))
      .orderBy('id')
      .limit(limit),
  );
}

/**
 * Takes a batch's send slot: moves its next send to `next` if it is still due at `expected` (a
 * compare-and-set: of several instances, one sends in each slot, so the pace holds for all).
 * With `sendFailures`, sets how many tries in a row its next row has failed before its claim.
 */
export async function takeSendSlot(
  q: Queryable,
  id: string,
  expected: Date | null,
  next: Date,
  sendFailures?: number,
): Promise<boolean> {
  const query = q.qb
    .updateTable('PayoutBatch')
    .set({ nextSendAt: next, ...(sendFailures === undefined ? {} : { sendFailures }) })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('nextSendAt', expected === null ? 'is' : '=', expected);
  return (await q.run(query)) === 1;
}

/** The batch's next unsent row, by line. */
export function nextUnsentRow(q: Queryable, batchId: string): Promise<PayoutRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('Payout')
      .selectAll()
      .where('batchId', '=', batchId)
      .where('status', 'in', [...UNSENT])
      .orderBy('batchLine')
      .limit(1),
  );
}

/** The batch's rows, by line (from `afterLine`, at most `limit`). */
export function batchRows(q: Queryable, batchId: string, afterLine = 0, limit = 1000): Promise<PayoutRow[]> {
  return q.all(
    q.qb
      .selectFrom('Payout')
      .selectAll()
      .where('batchId', '=', batchId)
      .where('batchLine', '>', afterLine)
      .orderBy('batchLine')
      .limit(limit),
  );
}

/** How many of the batch's rows stand in each status. */
export async function countsOf(q: Queryable, batchId: string): Promise<Record<string, number>> {
  const rows = await q.all(
    q.qb
      .selectFrom('Payout')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
      .where('batchId', '=', batchId)
      .groupBy('status'),
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
