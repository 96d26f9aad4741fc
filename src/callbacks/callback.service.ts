// Safaricom sends each callback once, unsigned, and never again (docs/daraja.md §3). So a
// callback is stored before we acknowledge it, whatever happens to its processing:
// - happy path: one database transaction stores the record and settles the payment;
// - if that fails, the record alone is stored unprocessed and `processPending` applies it
//   later (on the next sweep, or at the next start after a crash).
import type { Database } from '../db/database';
import { newId } from '../ids';
import { databaseUnavailable } from '../errors';
import { isDiskFull } from '../db/unavailable';
import type { Logger } from '../logger';
import type { CallbackMetrics } from '../metrics/metrics';
import type { SettleLabel, SettlePayment, SettleResult, Settlement } from '../payments/transaction.settle';
import { interpretResultCode } from '../payments/transaction.states';
import {
  listUnprocessedCallbacks,
  storeUnprocessedCallback,
  type NewCallbackRecord,
  receiptBody,
} from '../payments/callback.repository';
import type { Mode } from '../core/scope';
import type { TransactionEvents } from '../payments/payment.news';
import { findTransaction } from '../payments/transaction.repository';
import { parseJson, parseStkCallback, type StkCallback } from './callback.parse';

export type CallbackOutcome = SettleLabel;

export interface IncomingCallback {
  /** The transaction the URL's token vouches for; undefined when the token was missing or wrong. */
  transactionId: string | undefined;
  sourceIp: string;
  /** The body's bytes, as they came. */
  rawBody: Buffer;
}

const PENDING_SWEEP_BATCH = 100;

/** What a callback says, as a settlement; undefined when the body is not an STK callback. */
export function settlementOfCallback(rawBody: Buffer): Settlement | undefined {
  const callback: StkCallback | undefined = parseStkCallback(parseJson(rawBody.toString('utf8')));
  if (!callback) return undefined;
  const reason = interpretResultCode(callback.resultCode);
  return {
    to: reason.status,
    source: 'callback',
    resultCode: callback.resultCode,
    resultDesc: callback.resultDesc ?? null,
    checkoutRequestId: callback.checkoutRequestId,
    ...(reason.status === 'completed'
      ? {
          amountPaid: callback.amount,
          mpesaReceiptNumber: callback.mpesaReceiptNumber,
          paidPhone: callback.phone,
          transactionDate: callback.transactionDate,
        }
      : {}),
  };
}

export type CallbacksService = ReturnType<typeof createCallbacksService>;

const NO_METRICS: CallbackMetrics = { received: () => undefined, processed: () => undefined };

interface Deps {
  db: Database;
  settlePayment: SettlePayment;
  events: TransactionEvents;
  logger: Logger;
  metrics?: CallbackMetrics;
}

export function createCallbacksService({ db, settlePayment, events, logger, metrics = NO_METRICS }: Deps) {
  function report(callbackId: string, result: SettleResult) {
    if (!result.claimed) return;
    const { row, label } = result;
    metrics.processed(label);
    if (result.changed && row && row.amountPaid !== null && row.amountPaid !== row.amount) {
      logger.warn('callback amount differs from the amount requested', {
        transactionId: row.id,
        requested: row.amount,
        paid: row.amountPaid,
      });
    }
    logger.info('callback processed', {
      callbackId,
      transactionId: row?.id,
      outcome: label,
      status: row?.status,
    });
  }

  function announce(record: NewCallbackRecord, result: SettleResult) {
    if (!result.claimed || !result.row || record.transactionId === null) return;
    const { row } = result;
    events.publishCallback({
      id: record.id,
      projectId: row.projectId,
      mode: row.mode as Mode,
      transactionId: row.id,
      receivedAt: record.receivedAt,
      sourceIp: record.sourceIp,
      allowed: true,
      outcome: result.label,
      body: receiptBody(record.rawBody),
    });
  }

  /**
   * A callback from an address not on the allowlist, for a payment its URL's token vouches for:
   * not stored, but told to the payment's project, so whoever watches it sees Safaricom (or
   * someone) called and was refused.
   */
  async function noteRefused(transactionId: string, sourceIp: string): Promise<void> {
    const row = await findTransaction(db, transactionId);
    if (!row) return;
    events.publishCallback({
      id: null,
      projectId: row.projectId,
      mode: row.mode as Mode,
      transactionId,
      receivedAt: new Date(),
      sourceIp,
      allowed: false,
      outcome: 'refused',
      body: '',
    });
  }

  /** Stores the callback durably and applies it. Resolves once it is safe to acknowledge. */
  async function receive(incoming: IncomingCallback): Promise<void> {
    const settlement = settlementOfCallback(incoming.rawBody);
    const receivedAt = new Date();
    const record = {
      id: newId('cbk', receivedAt),
      transactionId: incoming.transactionId ?? null,
      checkoutRequestId: settlement?.checkoutRequestId ?? null,
      sourceIp: incoming.sourceIp,
      rawBody: incoming.rawBody,
      receivedAt,
    };
    try {
      const result = await settlePayment({
        transactionId: record.transactionId,
        settlement,
        callback: { record },
      });
      metrics.received();
      report(record.id, result);
      announce(record, result);
    } catch (error) {
      // Applying failed: keep the callback anyway (this insert is what we acknowledge on). If
      // that fails too (the database is away), nothing was kept: the caller answers 503 and the
      // log must say so, not "stored".
      try {
        await storeUnprocessedCallback(db, record);
      } catch (storeError) {
        logger.error('callback refused: neither applied nor stored (answered 503)', {
          callbackId: record.id,
          transactionId: record.transactionId,
          error: storeError,
        });
        // Whatever the failure was, nothing was kept: the sender must send it again, so the answer
        // is a 503 with Retry-After, never a 500 that reads as "our bug, do not retry".
        throw databaseUnavailable(
          isDiskFull(storeError) ? 'disk_full' : 'database_unreachable',
          'The callback could not be stored; send it again',
        );
      }
      logger.error('callback processing failed; stored for retry', { callbackId: record.id, error });
      metrics.received();
    }
  }

  /** Applies callbacks that were stored but not processed (after a failure or a crash). */
  async function processPending(): Promise<number> {
    const pending = await listUnprocessedCallbacks(db, PENDING_SWEEP_BATCH);
    await Promise.all(
      pending.map(async (stored) => {
        // Claimed inside the settlement's transaction: a concurrent sweep (another instance)
        // applies it at most once. One bad record must not block the rest.
        const input = {
          transactionId: stored.transactionId,
          settlement: settlementOfCallback(stored.rawBody),
          callback: { storedId: stored.id },
        };
        const result = await settlePayment(input).catch((error: unknown) => {
          logger.error('stored callback could not be applied', { callbackId: stored.id, error });
          return undefined;
        });
        if (result) report(stored.id, result);
      }),
    );
    return pending.length;
  }

  return { receive, processPending, noteRefused };
}
