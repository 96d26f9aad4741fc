// Where Safaricom posts what it has to say about a refund, and the recovery that asks when it
// says nothing:
//   /api/v1/callbacks/refunds/<refundId>/<token>/result          Reversal ResultURL
//   /api/v1/callbacks/refunds/<refundId>/<token>/timeout         Reversal QueueTimeOutURL
//   /api/v1/callbacks/refunds/<refundId>/<token>/status          Transaction Status ResultURL
//   /api/v1/callbacks/refunds/<refundId>/<token>/status-timeout  Transaction Status QueueTimeOutURL
// The door is the one payouts and balances use (payments/result.router.ts): only allowlisted
// sources get in; everything they send is stored before it is acknowledged (a wrong token's
// result as an orphan, applied to nothing); the token is the one payouts and STK callbacks use
// (security/transaction-secrets.ts).
// A refund submitted with no result by its due time, or unknown, is asked about by Transaction
// Status on the original receipt, on a backing-off schedule; it is never sent again.
import type { Router } from 'express';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { TransactionSecrets } from '../security/transaction-secrets';
import {
  listUnprocessedMoneyResults,
  markMoneyResult,
  storeArrivedMoneyResult,
} from '../payments/money-result.repository';
import { createResultRouter, resultRootUnder, type ResultRouterDeps } from '../payments/result.router';
import {
  claimStatusCheck,
  findRefund,
  refundsDueForStatus,
  type RefundLedger,
  type RefundRow,
} from '../payments/refund.ledger';
import { readRefundResult, REFUND_REASONS, type RefundResultKind } from './refund.reasons';
import type { RefundClient, RefundResultUrls } from './refund.service';
import type { PayoutAccount } from '../mpesa/mpesa.account';

export const REFUND_RESULTS_PATH = '/api/v1/callbacks/refunds';
const KINDS: readonly RefundResultKind[] = ['result', 'timeout', 'status', 'status-timeout'];
const BATCH = 20;

export function refundResultUrls(baseUrl: string, secrets: TransactionSecrets) {
  const rootOf = resultRootUnder(baseUrl, REFUND_RESULTS_PATH, secrets);
  return (refundId: string): RefundResultUrls => {
    const root = rootOf(refundId);
    return {
      result: `${root}/result`,
      timeout: `${root}/timeout`,
      status: `${root}/status`,
      statusTimeout: `${root}/status-timeout`,
    };
  };
}

interface Deps {
  db: Database;
  ledger: RefundLedger;
  accountOf(accountId: string | null): Promise<PayoutAccount>;
  daraja(account: PayoutAccount): Promise<RefundClient>;
  urlsFor(refundId: string): RefundResultUrls;
  /** Waits between Transaction Status questions about one refund; past the last, it stays for a person. */
  statusRetryScheduleMs: readonly number[];
  intervalMs: number;
  logger: Logger;
  now?: () => Date;
}

export type RefundResults = ReturnType<typeof createRefundResults>;

export function createRefundResults(deps: Deps) {
  const { db, ledger, logger } = deps;
  const now = deps.now ?? (() => new Date());

  /** Applies one stored result to its refund; resolves with the label it is kept with. */
  async function apply(refundId: string | null, kind: RefundResultKind, rawBody: Buffer): Promise<string> {
    const refund = refundId ? await findRefund(db, refundId) : undefined;
    if (!refund) return 'orphan';
    // A "still completed" answer decides only once the reversal's own result is overdue.
    const overdue = refund.statusCheckAt !== null && refund.statusCheckAt <= now();
    const outcome = readRefundResult(kind, rawBody, overdue || refund.status === 'unknown');
    if (outcome === undefined) return 'unreadable';
    if (outcome === 'undecided') return 'undecided';
    const from =
      outcome.to === 'unknown' ? (['submitted'] as const) : (['submitted', 'unknown', 'failed'] as const);
    const moved = await ledger.move(
      refund.id,
      outcome.to === 'succeeded' ? from : from.filter((s) => s !== 'failed'),
      {
        to: outcome.to,
        source: kind === 'result' ? 'result' : kind === 'timeout' ? 'queue_timeout' : 'status_query',
        resultCode: outcome.resultCode,
        resultDesc: outcome.resultDesc,
        patch: {
          reasonCode: outcome.reason?.code ?? null,
          reasonMessage: outcome.reason?.message ?? null,
          ...(outcome.conversationId && !refund.conversationId
            ? { conversationId: outcome.conversationId }
            : {}),
          ...(outcome.reversalReceipt ? { reversalReceipt: outcome.reversalReceipt } : {}),
          statusCheckAt:
            outcome.to === 'unknown' ? new Date(now().getTime() + deps.statusRetryScheduleMs[0]!) : null,
          ...(outcome.to === 'unknown' ? { statusChecks: 0 } : {}),
        },
      },
    );
    return moved.moved ? 'applied' : 'duplicate';
  }

  /** Stores the result durably, then applies it. Resolves once it is safe to acknowledge. */
  async function receive(incoming: {
    refundId: string | null;
    kind: RefundResultKind;
    sourceIp: string;
    rawBody: Buffer;
  }): Promise<void> {
    const id = await storeArrivedMoneyResult(
      db,
      logger,
      {
        subject: 'refund',
        subjectId: incoming.refundId,
        kind: incoming.kind,
        sourceIp: incoming.sourceIp,
        rawBody: incoming.rawBody,
      },
      now(),
    );
    try {
      const label = await apply(incoming.refundId, incoming.kind, incoming.rawBody);
      await markMoneyResult(db, id, label, now());
      logger.info('refund result processed', {
        resultId: id,
        kind: incoming.kind,
        refundId: incoming.refundId,
        outcome: label,
      });
    } catch (error) {
      logger.error('refund result processing failed; stored for retry', { resultId: id, error });
    }
  }

  /** One Transaction Status question about `row`, if this worker wins its slot. */
  async function ask(row: RefundRow): Promise<void> {
    const at = now();
    const wait = deps.statusRetryScheduleMs[row.statusChecks];
    const next = wait === undefined ? null : new Date(at.getTime() + wait);
    if (!(await claimStatusCheck(db, row, next))) return;
    if (row.status === 'submitted') {
      const reason = row.answeredAt ? REFUND_REASONS.resultOverdue : REFUND_REASONS.answerLost;
      await ledger.move(row.id, ['submitted'], {
        to: 'unknown',
        source: row.answeredAt ? 'result_overdue' : 'answer_lost',
        patch: { reasonCode: reason.code, reasonMessage: reason.message, statusCheckAt: next },
      });
    }
    if (next === null)
      logger.error(
        'refund outcome still unknown after every transaction status question; left for a person',
        {
          refundId: row.id,
        },
      );
    const client = await deps.daraja(await deps.accountOf(row.accountId));
    const urls = deps.urlsFor(row.id);
    const asked = await client.askStatus({
      receipt: row.receipt,
      shortcode: row.shortcode,
      resultUrl: urls.status,
      queueTimeoutUrl: urls.statusTimeout,
    });
    if (asked.kind !== 'accepted')
      logger.warn('refund transaction status not asked this time', { refundId: row.id, outcome: asked.kind });
  }

  /** One pass: stored results not applied, then refunds due for a question. */
  async function runOnce(): Promise<void> {
    for (const stored of await listUnprocessedMoneyResults(db, 'refund', BATCH)) {
      const label = await apply(
        stored.subjectId,
        stored.kind as RefundResultKind,
        Buffer.from(stored.rawBody),
      );
      await markMoneyResult(db, stored.id, label, now());
    }
    for (const row of await refundsDueForStatus(db, now(), BATCH))
      await ask(row).catch((error: unknown) =>
        logger.error('refund status question failed', { refundId: row.id, error }),
      );
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= runOnce()
      .catch((error: unknown) => {
        logger.error('refund recovery pass failed', { error });
      })
      .finally(() => {
        running = undefined;
      });
  };

  return {
    receive,
    runOnce,
    start() {
      timer = setInterval(tick, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export function createRefundResultRoutes({
  results,
  ...door
}: { results: RefundResults } & Omit<
  ResultRouterDeps<RefundResultKind>,
  'subject' | 'kinds' | 'receive'
>): Router {
  return createResultRouter({
    ...door,
    subject: 'refund',
    kinds: KINDS,
    receive: ({ id, ...arrived }) => results.receive({ refundId: id, ...arrived }),
  });
}
