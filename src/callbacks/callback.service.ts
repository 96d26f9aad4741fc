// Safaricom sends each callback once, unsigned, and never again (shared/daraja.md §3). So a
// callback is stored before we acknowledge it, whatever happens to its processing:
// - happy path: one database transaction stores the record and applies the state change;
// - if that fails, the record alone is stored unprocessed and `processPending` applies it
//   later (on the next sweep, or at the next start after a crash).
import type { Db } from '../db/db.client';
import type { Decision, PaymentStore } from '../db/payment-store';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { TransactionEvents } from '../transactions/transaction.events';
import { planSettlement } from '../transactions/transaction.settle';
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

const PENDING_SWEEP_BATCH = 100;

/** What a callback does to the transaction it names (pure: run inside the store's transaction). */
export function decideCallback(callback: StkCallback | undefined) {
  return (current: TransactionRow | undefined): Decision<CallbackOutcome> => {
    if (!callback) return { label: 'unreadable' };
    // No vouched transaction, or a token for one payment carrying another payment's
    // CheckoutRequestID: kept, but trusted with nothing.
    if (!current || (current.checkoutRequestId && callback.checkoutRequestId && current.checkoutRequestId !== callback.checkoutRequestId)) {
      return { label: 'orphan' };
    }
    const reason = interpretResultCode(callback.resultCode);
    const paid = reason.status === 'completed';
    const write = planSettlement(current, {
      to: reason.status,
      source: 'callback',
      resultCode: callback.resultCode,
      resultDesc: callback.resultDesc ?? null,
      checkoutRequestId: callback.checkoutRequestId,
      ...(paid
        ? { amountPaid: callback.amount, mpesaReceiptNumber: callback.mpesaReceiptNumber, paidPhone: callback.phone, transactionDate: callback.transactionDate }
        : {}),
    });
    return write ? { label: 'applied', write } : { label: 'duplicate' };
  };
}

export type CallbacksService = ReturnType<typeof createCallbacksService>;

export function createCallbacksService({ db, store, events, logger }: { db: Db; store: PaymentStore; events: TransactionEvents; logger: Logger }) {
  function announce(callbackId: string, outcome: CallbackOutcome, changed: TransactionRow | undefined) {
    if (changed?.amountMismatch) {
      logger.warn('callback amount differs from the amount requested', { transactionId: changed.id, requested: changed.amount, paid: changed.amountPaid });
    }
    logger.info('callback processed', { callbackId, transactionId: changed?.id, outcome, status: changed?.status });
    if (changed) events.publishChanged(changed);
  }

  /** Stores the callback durably and applies it. Resolves once it is safe to acknowledge. */
  async function receive(incoming: IncomingCallback): Promise<void> {
    const callback = parseStkCallback(parseJson(incoming.rawBody));
    const record = {
      id: newId('cbk'),
      transactionId: incoming.transactionId ?? null,
      checkoutRequestId: callback?.checkoutRequestId ?? null,
      sourceIp: incoming.sourceIp,
      rawBody: incoming.rawBody,
      receivedAt: new Date(),
    };
    try {
      const result = await store.settle({ transactionId: record.transactionId, decide: decideCallback(callback), newCallback: record });
      if (result.claimed) announce(record.id, result.label, result.changed ? result.row : undefined);
    } catch (error) {
      // Applying failed: keep the callback anyway (this insert is what we acknowledge on).
      logger.error('callback processing failed; stored for retry', { callbackId: record.id, error });
      await store.storeCallback(record);
    }
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
      // Claiming the record inside the same transaction means a concurrent sweep (another
      // worker) applies it at most once. One bad record must not block the rest.
      const result = await store
        .settle({ transactionId: record.transactionId, storedCallbackId: record.id, decide: decideCallback(parseStkCallback(parseJson(record.rawBody))) })
        .catch((error: unknown) => {
          logger.error('stored callback could not be applied', { callbackId: record.id, error });
          return undefined;
        });
      if (result?.claimed) announce(record.id, result.label, result.changed ? result.row : undefined);
    }
    return pending.length;
  }

  return { receive, processPending };
}
