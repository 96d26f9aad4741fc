// Safaricom sends each callback once, unsigned, and never again (shared/daraja.md §3). So a
// callback is stored before we acknowledge it, whatever happens to its processing:
// - happy path: one database transaction stores the record and applies the state change;
// - if that fails, the record alone is stored unprocessed and `processPending` applies it
//   later (on the next sweep, or at the next start after a crash).
import type { Db, DbTx } from '../db/db.client';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { TransactionEvents } from '../transactions/transaction.events';
import { settleTransaction } from '../transactions/transaction.settle';
import { interpretResultCode } from '../transactions/transaction.states';
import type { TransactionRow } from '../transactions/transaction.view';
import { parseJson, parseStkCallback, type StkCallback } from './callback.parse';

export type CallbackOutcome = 'applied' | 'duplicate' | 'orphan' | 'unreadable';

export interface IncomingCallback {
  /** The transaction the URL's token vouches for; undefined when the token was missing or wrong. */
  transactionId: string | undefined;
  sourceIp: string;
  rawBody: string;
}

interface RecordFields {
  id: string;
  transactionId: string | null;
  rawBody: string;
}

const PENDING_SWEEP_BATCH = 100;

export type CallbacksService = ReturnType<typeof createCallbacksService>;

export function createCallbacksService({ db, events, logger }: { db: Db; events: TransactionEvents; logger: Logger }) {
  /** Applies one stored callback to its transaction inside `tx`; returns the outcome and any changed row. */
  async function apply(
    tx: DbTx,
    record: RecordFields,
    callback: StkCallback | undefined,
  ): Promise<{ outcome: CallbackOutcome; changed?: TransactionRow }> {
    if (!callback) return { outcome: 'unreadable' };
    if (!record.transactionId) return { outcome: 'orphan' };

    const transaction = await tx.transaction.findUnique({ where: { id: record.transactionId }, select: { checkoutRequestId: true } });
    // A token for one payment with another payment's CheckoutRequestID is not trusted.
    if (!transaction || (transaction.checkoutRequestId && callback.checkoutRequestId && transaction.checkoutRequestId !== callback.checkoutRequestId)) {
      return { outcome: 'orphan' };
    }
    const reason = interpretResultCode(callback.resultCode);
    const paid = reason.status === 'completed';
    const result = await settleTransaction(tx, record.transactionId, {
      to: reason.status,
      source: 'callback',
      resultCode: callback.resultCode,
      resultDesc: callback.resultDesc ?? null,
      checkoutRequestId: callback.checkoutRequestId,
      ...(paid
        ? {
            amountPaid: callback.amount,
            mpesaReceiptNumber: callback.mpesaReceiptNumber,
            paidPhone: callback.phone,
            transactionDate: callback.transactionDate,
          }
        : {}),
    });
    return result.changed ? { outcome: 'applied', changed: result.row } : { outcome: 'duplicate' };
  }

  function announce(changed: TransactionRow | undefined, record: RecordFields, outcome: CallbackOutcome) {
    if (changed?.amountMismatch) {
      logger.warn('callback amount differs from the amount requested', {
        transactionId: changed.id,
        requested: changed.amount,
        paid: changed.amountPaid,
      });
    }
    logger.info('callback processed', { callbackId: record.id, transactionId: record.transactionId, outcome, status: changed?.status });
    if (changed) events.publishChanged(changed);
  }

  /** Stores the callback durably and applies it. Resolves once it is safe to acknowledge. */
  async function receive(incoming: IncomingCallback): Promise<void> {
    const callback = parseStkCallback(parseJson(incoming.rawBody));
    const record: RecordFields = { id: newId('cbk'), transactionId: incoming.transactionId ?? null, rawBody: incoming.rawBody };
    const fields = { ...record, checkoutRequestId: callback?.checkoutRequestId ?? null, sourceIp: incoming.sourceIp };
    try {
      const result = await db.$transaction(async (tx) => {
        const applied = await apply(tx, record, callback);
        await tx.callbackRecord.create({ data: { ...fields, outcome: applied.outcome, processedAt: new Date() } });
        return applied;
      });
      announce(result.changed, record, result.outcome);
    } catch (error) {
      // Processing failed: keep the callback anyway (this insert is what we acknowledge on).
      logger.error('callback processing failed; stored for retry', { callbackId: record.id, error });
      await db.callbackRecord.create({ data: { ...fields, transactionId: await existingTransactionId(record.transactionId) } });
    }
  }

  /** A stored record may only point at a transaction that exists (foreign key). */
  async function existingTransactionId(id: string | null): Promise<string | null> {
    if (!id) return null;
    const found = await db.transaction.findUnique({ where: { id }, select: { id: true } }).catch(() => null);
    return found?.id ?? null;
  }

  /** Applies callbacks that were stored but not processed (after a failure or a crash). */
  async function processPending(): Promise<number> {
    const pending = await db.callbackRecord.findMany({
      where: { processedAt: null },
      orderBy: { id: 'asc' },
      take: PENDING_SWEEP_BATCH,
      select: { id: true, transactionId: true, rawBody: true },
    });
    for (const record of pending) {
      const result = await db
        .$transaction(async (tx) => {
        // Claim first: a concurrent sweep (another worker) finds it taken and skips it.
        const { count } = await tx.callbackRecord.updateMany({
          where: { id: record.id, processedAt: null },
          data: { processedAt: new Date() },
        });
        if (count === 0) return undefined;
        const applied = await apply(tx, record, parseStkCallback(parseJson(record.rawBody)));
        await tx.callbackRecord.update({ where: { id: record.id }, data: { outcome: applied.outcome } });
        return applied;
      })
        .catch((error: unknown) => {
          // Left unprocessed: the next sweep tries again; one bad record must not block the rest.
          logger.error('stored callback could not be applied', { callbackId: record.id, error });
          return undefined;
        });
      if (result) announce(result.changed, record, result.outcome);
    }
    return pending.length;
  }

  return { receive, processPending };
}
