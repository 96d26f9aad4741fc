// Payouts whose story stopped halfway, found and finished without ever paying twice:
// - a payout stored but never claimed for its send (the process died in between): sent now,
//   through the same claim, so it still goes at most once;
// - a submitted payout whose result is late, or whose answer was never recorded (the process
//   died between the call and the record): `unknown`, and Transaction Status is asked by its
//   OriginatorConversationID (the Result settles it, payout.results.ts); never sent again. A B2B
//   payout is known to Daraja by the id Daraja's answer gave: without that answer there is
//   nothing to ask by, and its result (to its own ResultURL) settles it;
// - an unknown payout: asked again on a backing-off schedule, until Daraja says or the schedule
//   ends (then it stays unknown for a person to look at);
// - results stored but not applied (after a failure): applied.
// At start the service asks before it acts: `recoverAtStart` makes every payout that was
// claimed but never answered due at once, and runs one pass before the workers start.
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { onePassAtATime } from '../core/one-pass';
import type { Logger } from '../logger';
import {
  dueForStatusCheck,
  requestedBefore,
  scheduleStatusCheck,
  type PayoutRow,
} from '../payments/payout.repository';
import type { PayoutLedger } from '../payments/payout.settle';
import { PAYOUT_REASONS } from '../payments/payout.states';
import type { PayoutResults } from './payout.results';
import type { PayoutResultUrls, PayoutSender } from './payout.send';

const BATCH = 20;

export interface RecoveryConfig {
  intervalMs: number;
  /** Waits between Transaction Status questions about one payout; past the last, it is left unknown. */
  statusRetryScheduleMs: readonly number[];
  /** A payout still `requested` this long after it was stored was orphaned by a crash. */
  staleRequestedMs: number;
}

interface Deps {
  db: Database;
  ledger: PayoutLedger;
  sender: PayoutSender;
  results: PayoutResults;
  urlsFor(payoutId: string): PayoutResultUrls;
  config: RecoveryConfig;
  /** Daraja's request deadline (MPESA_TIMEOUT_MS): a call claimed within it may still be in flight elsewhere. */
  requestTimeoutMs: number;
  logger: Logger;
  now?: () => Date;
}

export function createPayoutRecovery(deps: Deps) {
  const { db, ledger, sender, logger, config } = deps;
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;

  /** The wait before question number `asked + 1`, or null once the schedule is spent. */
  const waitAfter = (asked: number): number | null => config.statusRetryScheduleMs[asked] ?? null;

  /** One Transaction Status question about `row`, if this worker wins its slot. */
  async function ask(row: PayoutRow): Promise<void> {
    const at = now();
    const wait = waitAfter(row.statusChecks);
    const next = wait === null ? null : new Date(at.getTime() + wait);
    // A compare-and-set on the due time: two instances never ask about one payout at once.
    if (!(await scheduleStatusCheck(db, row.id, row.statusCheckAt, next, row.statusChecks + 1))) return;
    if (row.status === 'submitted') {
      const reason = row.answeredAt ? PAYOUT_REASONS.resultOverdue : PAYOUT_REASONS.answerLost;
      await ledger.move(row.id, ['submitted'], {
        to: 'unknown',
        source: row.answeredAt ? 'result_overdue' : 'answer_lost',
        patch: { reasonCode: reason.code, reasonMessage: reason.message, statusCheckAt: next },
      });
    }
    if (next === null)
      logger.error(
        'payout outcome still unknown after every transaction status question; left for a person',
        {
          payoutId: row.id,
        },
      );
    // A B2B payout whose answer was lost has no id Daraja knows: nothing to ask by. Its result
    // still reaches its own ResultURL (which names it); until then it stays unknown, never resent.
    const askBy = row.originatorConversationId ?? (row.channel === 'b2c' ? row.id : null);
    if (!askBy) {
      logger.warn(
        'payout has no OriginatorConversationID to ask transaction status by; waiting for its result',
        {
          payoutId: row.id,
        },
      );
      return;
    }
    const { client } = await sender.clientOf(row);
    const urls = deps.urlsFor(row.id);
    const asked = await client.askStatus({
      originalConversationId: askBy,
      shortcode: row.shortcode,
      resultUrl: urls.status,
      queueTimeoutUrl: urls.statusTimeout,
    });
    if (asked.kind !== 'asked')
      logger.warn('transaction status not asked this time; asked again later', {
        payoutId: row.id,
        outcome: asked.kind,
        ...(asked.kind === 'refused' ? { code: asked.error.code } : {}),
      });
  }

  async function pass(): Promise<void> {
    await deps.results.sweep();
    const at = now();
    for (const row of await requestedBefore(db, new Date(at.getTime() - config.staleRequestedMs), BATCH)) {
      await sender
        .send(row, ['requested'], { source: 'send', actor: null })
        .catch((error: unknown) => logFailure('stored payout could not be sent', row.id, error));
    }
    for (const row of await dueForStatusCheck(db, at, BATCH)) {
      await ask(row).catch((error: unknown) =>
        logFailure('transaction status of a payout failed', row.id, error),
      );
    }
  }

  function logFailure(message: string, payoutId: string, error: unknown) {
    if (error instanceof AppError) logger.warn(message, { payoutId, code: error.code });
    else logger.error(message, { payoutId, error });
  }

  const passes = onePassAtATime(pass, logger, 'payout recovery pass failed');
  const runOnce = passes.run;

  return {
    runOnce,
    /** After a restart: every payout claimed and never answered is asked about now, before anything else. */
    async recoverAtStart(): Promise<void> {
      const at = now();
      const unanswered = await db.all(
        db.qb
          .selectFrom('Payout')
          .select(['id', 'submittedAt', 'statusCheckAt'])
          .where('status', '=', 'submitted')
          .where('answeredAt', 'is', null),
      );
      for (const row of unanswered) {
        // Another instance's call may still be in flight until its deadline: asked about right after it.
        const due = new Date(
          Math.max(at.getTime(), (row.submittedAt?.getTime() ?? 0) + deps.requestTimeoutMs),
        );
        if (row.statusCheckAt === null || due < row.statusCheckAt)
          await db.run(
            db.qb
              .updateTable('Payout')
              .set({ statusCheckAt: due })
              .where('id', '=', row.id)
              .where('status', '=', 'submitted'),
          );
      }
      if (unanswered.length > 0)
        logger.warn(
          'payouts sent before a stop without a recorded answer: asking transaction status, never resending',
          {
            payouts: unanswered.length,
          },
        );
      await runOnce();
    },
    start(): void {
      timer ??= setInterval(() => void runOnce(), config.intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await passes.settled();
    },
  };
}

export type PayoutRecovery = ReturnType<typeof createPayoutRecovery>;
