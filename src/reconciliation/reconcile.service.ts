// Resolves a payment whose callback has not come: ask Daraja with STK Query, settle on a known
// final code through the same compare-and-set as the callback (so a callback and a query
// racing each other settle it once), and give up as `expired` after a limit. A success that
// arrives after that still wins (expired -> completed, transaction.states.ts).
import type { Config } from '../config';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { TransactionAccounts } from '../mpesa/mpesa.account';
import type { ReconcileMetrics } from '../metrics/metrics';
import { appKeyOf, type DarajaApps } from '../mpesa/mpesa.apps';
import type { Scope } from '../core/scope';
import {
  findProjectTransaction,
  findTransaction,
  scheduleReconciliation,
} from '../payments/transaction.repository';
import type { SettlePayment, Settlement } from '../payments/transaction.settle';
import { interpretResultCode } from '../payments/transaction.states';
import type { TransactionRow } from '../payments/transaction.view';
import type { Pacer } from './reconcile.pacer';
import type { ReconcileOutcome } from '../payments/transaction.schema';

export type { ReconcileOutcome };

/** Spike Arrest and Quota Violation: Daraja asks everyone to slow down. */
const THROTTLED = /^500\.003\./;
const THROTTLE_PAUSE_MS = 10_000;
/** Backoff between queries of one payment: from min(15 s, RECONCILE_AFTER), doubling, at most 8×. */
const MAX_BASE_MS = 15_000;
const MAX_BACKOFF_FACTOR = 8;

interface Deps {
  db: Database;
  settlePayment: SettlePayment;
  accounts: TransactionAccounts;
  apps: DarajaApps;
  /** One pace per Daraja app (appKeyOf), shared by every instance on PostgreSQL. */
  pacer: Pacer;
  config: Config['reconciliation'];
  logger: Logger;
  metrics?: ReconcileMetrics;
}

export type Reconciler = ReturnType<typeof createReconciler>;

export function createReconciler({
  db,
  settlePayment,
  accounts,
  apps,
  pacer,
  config,
  logger,
  metrics,
}: Deps) {
  const baseMs = Math.min(MAX_BASE_MS, config.afterMs);
  const leaseMs = () => Math.max(30_000, config.afterMs);

  async function settle(id: string, settlement: Settlement): Promise<ReconcileOutcome> {
    const result = await settlePayment({ transactionId: id, settlement });
    if (!result.claimed || result.label !== 'applied') return 'already_final';
    logger.info('payment reconciled', {
      transactionId: id,
      status: result.row!.status,
      source: settlement.source,
    });
    return settlement.to === 'expired' ? 'expired' : 'settled';
  }

  const expire = (row: TransactionRow) =>
    settle(row.id, {
      to: 'expired',
      source: 'expiry',
      resultCode: null,
      resultDesc: `No final answer from M-Pesa within ${Math.round(config.expireAfterMs / 1000)} s`,
    });

  /** STK Query through the account the payment was made with, at its app's pace. */
  async function ask(row: TransactionRow, checkoutRequestId: string) {
    const account = await accounts.forTransaction(row.accountId);
    const client = apps.clientFor(account);
    if (!client) return { kind: 'pending' as const, reason: 'no_answer' as const };
    const appKey = appKeyOf(account);
    await pacer.take(appKey);
    try {
      const answer = await client.stkQuery(
        { shortcode: row.shortcode, passkey: account.passkey },
        checkoutRequestId,
      );
      metrics?.answered(answer.kind === 'final' ? 'final' : answer.reason);
      return answer;
    } catch (error) {
      const darajaCode = error instanceof AppError ? error.details?.darajaErrorCode : undefined;
      const throttled = typeof darajaCode === 'string' && THROTTLED.test(darajaCode);
      metrics?.answered(throttled ? 'throttled' : 'error');
      if (throttled) {
        await pacer.pauseFor(appKey, THROTTLE_PAUSE_MS);
        logger.warn('stk query throttled by M-Pesa; pausing queries', { pauseMs: THROTTLE_PAUSE_MS });
      } else {
        logger.warn('stk query failed; will ask again', { transactionId: row.id, error });
      }
      return { kind: 'pending' as const, reason: 'no_answer' as const };
    }
  }

  /** One reconciliation step for a payment: the worker's, or a merchant's "check now". */
  async function reconcile(row: TransactionRow, now = new Date()): Promise<ReconcileOutcome> {
    if (row.status !== 'pending') return 'already_final';
    const deadline = row.createdAt.getTime() + config.expireAfterMs;
    const lease = new Date(now.getTime() + leaseMs());
    // Hold it while we ask, so another worker does not ask too.
    if (!(await scheduleReconciliation(db, row.id, row.reconcileAt, lease))) {
      return (await findTransaction(db, row.id))?.status === 'pending' ? 'busy' : 'already_final';
    }

    if (!row.checkoutRequestId) {
      // The push's answer never came (or has not yet): only its callback can settle it.
      if (now.getTime() >= deadline) return expire(row);
      await scheduleReconciliation(db, row.id, lease, new Date(deadline));
      return 'awaiting_callback';
    }

    const answer = await ask(row, row.checkoutRequestId);
    if (answer.kind === 'final') {
      return settle(row.id, {
        to: interpretResultCode(answer.resultCode).status,
        source: 'stk_query',
        resultCode: answer.resultCode,
        resultDesc: answer.resultDesc,
        checkoutRequestId: row.checkoutRequestId,
      });
    }
    if (Date.now() >= deadline) return expire(row);
    const attempts = row.queryAttempts + 1;
    const delay = Math.min(baseMs * 2 ** (attempts - 1), baseMs * MAX_BACKOFF_FACTOR);
    await scheduleReconciliation(
      db,
      row.id,
      lease,
      new Date(Math.min(Date.now() + delay, deadline)),
      attempts,
    );
    return answer.reason;
  }

  /** The merchant's "check now" (POST /api/v1/transactions/:id/reconcile). */
  async function reconcileNow(
    scope: Scope,
    id: string,
  ): Promise<{ row: TransactionRow; outcome: ReconcileOutcome }> {
    const row = await findProjectTransaction(db, scope, id);
    if (!row) throw new AppError('transaction_not_found', `No transaction ${id} in this project`);
    const outcome = await reconcile(row);
    return { row: (await findTransaction(db, id))!, outcome };
  }

  return { reconcile, reconcileNow };
}
