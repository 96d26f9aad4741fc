// Sends the rows of sending batches, one row per batch per pace (PAYOUT_BATCH_PACE), in line
// order, through the one send of a payout (payout.send.ts):
//
//   due batch -> take its send slot (compare-and-set on nextSendAt) -> its next unsent row ->
//   claim and send once -> none left: the batch is sent
//
// Everything the worker knows is in the database: several instances share the pace (one wins
// each slot), and after a restart it carries on where the rows stand. A crash after a row's
// claim leaves it submitted, for the recovery to ask Transaction Status about; it is never sent
// again. A crash before the claim leaves it unsent, for the next slot.
import type { Database } from '../db/database';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { PayoutSender } from './payout.send';
import {
  batchesDue,
  moveBatch,
  nextUnsentRow,
  takeSendSlot,
  type PayoutBatchRow,
} from './payout-batch.repository';

/** Batches looked at in one pass; each sends at most one row per pass. */
const BATCHES_PER_PASS = 10;
/**
 * After a row could not be sent (no client for its account, Daraja unreachable before the call),
 * the batch waits this long before trying it again, rather than once a pace, and says so once.
 */
const FAILED_SEND_WAIT_MS = 30_000;

interface Deps {
  db: Database;
  sender: PayoutSender;
  paceMs: number;
  logger: Logger;
  now?: () => Date;
}

export function createPayoutBatchWorker(deps: Deps) {
  const { db, sender, logger, paceMs } = deps;
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function sendNext(batch: PayoutBatchRow): Promise<void> {
    const at = now();
    const slot = new Date(at.getTime() + paceMs);
    if (!(await takeSendSlot(db, batch.id, batch.nextSendAt, slot))) return;
    const row = await nextUnsentRow(db, batch.id);
    if (!row) {
      await moveBatch(db, batch.id, 'sending', { status: 'sent', completedAt: at, updatedAt: at });
      logger.info('payout batch sent', { batchId: batch.id });
      return;
    }
    // A row awaiting approval is released by its batch's approval: the approver is its decider.
    const claim =
      row.status === 'awaiting_approval'
        ? {
            source: 'approval' as const,
            actor: batch.decidedBy,
            patch: { decidedBy: batch.decidedBy, decidedAt: batch.decidedAt },
          }
        : { source: 'send' as const, actor: null };
    try {
      await sender.send(row, [row.status as 'requested' | 'awaiting_approval'], claim);
    } catch (error) {
      // Not claimed (its account has no client, Daraja unreachable): it stays unsent and is tried
      // again after a wait. (Claimed and its answer not recorded: the recovery asks about it.)
      await takeSendSlot(db, batch.id, slot, new Date(at.getTime() + FAILED_SEND_WAIT_MS));
      if (error instanceof AppError)
        logger.warn('payout batch row not sent; tried again in 30 s', {
          batchId: batch.id,
          payoutId: row.id,
          code: error.code,
        });
      else
        logger.error('payout batch row not sent; tried again in 30 s', {
          batchId: batch.id,
          payoutId: row.id,
          error,
        });
    }
  }

  async function pass(): Promise<void> {
    for (const batch of await batchesDue(db, now(), BATCHES_PER_PASS)) await sendNext(batch);
  }

  /** One pass at a time; a pass asked for while one runs waits for it. */
  function runOnce(): Promise<void> {
    const pending =
      running ??
      pass()
        .catch((error: unknown) => {
          logger.error('payout batch pass failed', { error });
        })
        .finally(() => {
          running = undefined;
        });
    running = pending;
    return pending;
  }

  return {
    runOnce,
    start(): void {
      timer ??= setInterval(() => void runOnce(), paceMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type PayoutBatchWorker = ReturnType<typeof createPayoutBatchWorker>;
