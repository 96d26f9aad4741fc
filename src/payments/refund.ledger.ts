// Refunds on the ledger: the rows, their state machine and their moves. A refund gives a
// completed payment's money back through Daraja's Reversal API (src/refunds):
//
//   awaiting_approval -> submitted (approved and sent, once) | failed (rejected: nothing sent)
//   submitted -> succeeded | failed (Daraja's Result or refusal, Transaction Status) | unknown
//   unknown   -> succeeded | failed (a late Result, or Transaction Status)
//   failed    -> succeeded only on Daraja's word (the money moved; the record follows it)
//
// A refund's success and its payment's move completed -> reversed (transaction.states.ts) are
// one database transaction, with the payment's StatusChange row and the `transaction.reversed`
// outbox event: nothing is emitted before commit. "activeKey" (the payment's id) is cleared when
// a refund fails, so a payment has at most one refund that may still move money.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Database, Queryable } from '../db/database';
import type { Refund } from '../db/database.types';
import type { Scope } from '../core/scope';
import { newId } from '../ids';
import { transactionEvent } from './event.build';
import { recordEvents } from './event.repository';
import type { NewEvent } from './event.types';
import type { TransactionEvents } from './payment.news';
import { compareAndSetStatus, insertStatusChanges, lockTransactions } from './transaction.repository';
import type { TransactionRow } from './transaction.view';

export const REFUND_STATUSES = ['awaiting_approval', 'submitted', 'succeeded', 'failed', 'unknown'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export type RefundRow = Selectable<Refund>;
export type NewRefund = Insertable<Refund> & RefundRow;
export type RefundPatch = Omit<Updateable<Refund>, 'id' | 'projectId' | 'mode' | 'status'>;

/** What moved a refund: the approval and send, a refusal, a rejection, Daraja's word, our timers. */
export type RefundSource =
  | 'approval'
  | 'rejected'
  | 'refused'
  | 'result'
  | 'queue_timeout'
  | 'status_query'
  | 'answer_lost'
  | 'result_overdue';

const NEXT: Record<RefundStatus, readonly RefundStatus[]> = {
  awaiting_approval: ['submitted', 'failed'],
  submitted: ['succeeded', 'failed', 'unknown'],
  unknown: ['succeeded', 'failed'],
  failed: ['succeeded'],
  succeeded: [],
};

export const canMoveRefund = (from: RefundStatus, to: RefundStatus) => NEXT[from].includes(to);

export async function insertRefund(tx: Queryable, row: NewRefund): Promise<void> {
  await tx.run(tx.qb.insertInto('Refund').values(row));
}

export function findRefund(q: Queryable, id: string): Promise<RefundRow | undefined> {
  return q.first(q.qb.selectFrom('Refund').selectAll().where('id', '=', id));
}

export function findProjectRefund(q: Queryable, scope: Scope, id: string): Promise<RefundRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('Refund')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

/** The refund of `transactionId` that may still move money, if any. */
export function findActiveRefund(q: Queryable, transactionId: string): Promise<RefundRow | undefined> {
  return q.first(q.qb.selectFrom('Refund').selectAll().where('activeKey', '=', transactionId));
}

export function listRefunds(
  q: Queryable,
  scope: Scope,
  filters: { status?: RefundStatus; transactionId?: string; before?: string; limit: number },
): Promise<RefundRow[]> {
  let query = q.qb
    .selectFrom('Refund')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.transactionId) query = query.where('transactionId', '=', filters.transactionId);
  if (filters.before) query = query.where('id', '<', filters.before);
  return q.all(query.orderBy('id', 'desc').limit(filters.limit));
}

/** Refunds Transaction Status is due to be asked about (submitted with no result, or unknown). */
export function refundsDueForStatus(q: Queryable, now: Date, limit: number): Promise<RefundRow[]> {
  return q.all(
    q.qb
      .selectFrom('Refund')
      .selectAll()
      .where('status', 'in', ['submitted', 'unknown'])
      .where('statusCheckAt', '<=', now)
      .orderBy('statusCheckAt')
      .limit(limit),
  );
}

/** A compare-and-set on the due time: two instances never ask about one refund at once. */
export async function claimStatusCheck(q: Queryable, row: RefundRow, next: Date | null): Promise<boolean> {
  const query = q.qb
    .updateTable('Refund')
    .set({ statusCheckAt: next, statusChecks: row.statusChecks + 1 })
    .where('id', '=', row.id)
    .where('statusChecks', '=', row.statusChecks);
  return (await q.run(query)) === 1;
}

export function updateRefund(q: Queryable, id: string, patch: RefundPatch): Promise<RefundRow | undefined> {
  return q.first(q.qb.updateTable('Refund').set(patch).where('id', '=', id).returningAll());
}

export interface RefundMove {
  to: RefundStatus;
  source: RefundSource;
  resultCode?: string | null;
  resultDesc?: string | null;
  patch?: RefundPatch;
}

const SETTLING: ReadonlySet<RefundStatus> = new Set(['succeeded', 'failed', 'unknown']);

export type RefundLedger = ReturnType<typeof createRefundLedger>;

export function createRefundLedger({
  db,
  news,
  now = () => new Date(),
}: {
  db: Database;
  news: Pick<TransactionEvents, 'publishRecorded' | 'publishChanged'>;
  now?: () => Date;
}) {
  /** The payment's move to reversed, with its history row and event; undefined when it is not completed. */
  async function reversePayment(
    tx: Queryable,
    refund: RefundRow,
    at: Date,
  ): Promise<{ payment: TransactionRow; event: NewEvent } | undefined> {
    const [payment] = await lockTransactions(tx, [refund.transactionId]);
    if (!payment || payment.status !== 'completed') return undefined;
    const patch = {
      status: 'reversed',
      reversalReceipt: refund.reversalReceipt,
      reversedAt: at,
      updatedAt: at,
    };
    if (!(await compareAndSetStatus(tx, payment.id, 'completed', patch))) return undefined;
    const row = { ...payment, ...patch } as TransactionRow;
    await insertStatusChanges(tx, [
      {
        id: newId('chg', at),
        transactionId: payment.id,
        fromStatus: 'completed',
        toStatus: 'reversed',
        source: 'reversal',
        resultCode: refund.resultCode,
        resultDesc: refund.resultDesc,
        createdAt: at,
      },
    ]);
    const event = transactionEvent(row, 'reversed', at);
    await recordEvents(tx, [event]);
    return { payment: row, event };
  }

  /**
   * Moves refund `id` if it is in one of `expected` (and the state machine allows it); a success
   * reverses its payment in the same transaction. Publishes after commit.
   */
  async function move(
    id: string,
    expected: readonly RefundStatus[],
    change: RefundMove,
  ): Promise<{ moved: boolean; row: RefundRow | undefined }> {
    const at = now();
    const done = await db.transaction(async (tx) => {
      const query = tx.qb.selectFrom('Refund').selectAll().where('id', '=', id);
      const current = await tx.first(tx.engine === 'postgres' ? query.forUpdate() : query);
      if (!current) return { moved: false, row: undefined };
      const from = current.status as RefundStatus;
      if (!expected.includes(from) || !canMoveRefund(from, change.to)) return { moved: false, row: current };
      const patch = {
        ...change.patch,
        status: change.to,
        updatedAt: at,
        ...(SETTLING.has(change.to) ? { settledAt: at, settledBy: change.source } : {}),
        ...(change.resultCode !== undefined ? { resultCode: change.resultCode } : {}),
        ...(change.resultDesc !== undefined ? { resultDesc: change.resultDesc } : {}),
        // A failed refund moves no money: the payment may be refunded again.
        ...(change.to === 'failed' ? { activeKey: null } : { activeKey: current.transactionId }),
      };
      const updated = await tx.run(
        tx.qb.updateTable('Refund').set(patch).where('id', '=', id).where('status', '=', from),
      );
      if (updated !== 1) return { moved: false, row: current };
      const row = { ...current, ...patch } as RefundRow;
      const reversal = change.to === 'succeeded' ? await reversePayment(tx, row, at) : undefined;
      return { moved: true, row, reversal };
    });
    if ('reversal' in done && done.reversal) {
      news.publishChanged(done.reversal.payment);
      news.publishRecorded(done.reversal.event);
    }
    return { moved: done.moved, row: done.row };
  }

  return { move };
}
