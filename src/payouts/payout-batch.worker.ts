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
//
// A row that fails before its claim was never sent, so failing it is safe: at once when waiting
// will not help (its account cannot pay out: isPermanentSendFailure), else after MAX_SEND_TRIES
// tries in a row, so a batch always ends (docs/payouts.md "Batches").
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { onePassAtATime } from '../core/one-pass';
import type { Logger } from '../logger';
import type { PayoutRow } from '../payments/payout.repository';
import type { PayoutLedger } from '../payments/payout.settle';
import type { PayoutReason } from '../payments/payout.states';
import { isPermanentSendFailure, type PayoutSender } from './payout.send';
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
 * After a row could not be sent for a reason that may pass (Daraja unreachable before the call),
 * the batch waits this long before trying it again, rather than once a pace, and says so.
 */
const FAILED_SEND_WAIT_MS = 30_000;
/**
 * Tries in a row a row may fail before its claim for a reason that may pass before it is failed
 * with its last code: at FAILED_SEND_WAIT_MS apart, about ten minutes, far past a blip of Daraja
 * or the database, yet short enough that a payroll does not hang for ever behind one row. Nothing
 * was sent (the claim comes before the call): the merchant may pay that row again.
 */
export const MAX_SEND_TRIES = 20;
/** A failure that is no AppError (a database error, a bug) is recorded under this code. */
const UNEXPECTED_CODE = 'internal_error';

interface Deps {
  db: Database;
  ledger: PayoutLedger;
  sender: PayoutSender;
  paceMs: number;
  logger: Logger;
  now?: () => Date;
  /** MAX_SEND_TRIES unless a test says otherwise. */
  maxSendTries?: number;
}

export function createPayoutBatchWorker(deps: Deps) {
  const { db, ledger, sender, logger, paceMs } = deps;
  const now = deps.now ?? (() => new Date());
  const maxSendTries = deps.maxSendTries ?? MAX_SEND_TRIES;
  let timer: NodeJS.Timeout | undefined;

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
    const decision =
      row.status === 'awaiting_approval'
        ? { decidedBy: batch.decidedBy, decidedAt: batch.decidedAt }
        : undefined;
    const claim = decision
      ? { source: 'approval' as const, actor: batch.decidedBy, patch: decision }
      : { source: 'send' as const, actor: null };
    try {
      await sender.send(row, [row.status as 'requested' | 'awaiting_approval'], claim);
    } catch (error) {
      // Not claimed (its account cannot pay out, Daraja unreachable): nothing was sent. (Claimed
      // and its answer not recorded: it is no longer unsent, and the recovery asks about it.)
      await notSent(batch, row, slot, at, error, decision ?? {});
      return;
    }
    if (batch.sendFailures > 0) await takeSendSlot(db, batch.id, slot, slot, 0);
  }

  /** A row that failed before its claim: failed now (permanent, or out of tries), else tried again after a wait. */
  async function notSent(
    batch: PayoutBatchRow,
    row: PayoutRow,
    slot: Date,
    at: Date,
    error: unknown,
    patch: { decidedBy?: string | null; decidedAt?: Date | null },
  ): Promise<void> {
    const tries = batch.sendFailures + 1;
    const permanent = isPermanentSendFailure(error);
    const code = error instanceof AppError ? error.code : UNEXPECTED_CODE;
    const fields = { batchId: batch.id, payoutId: row.id, code, tries };
    if (error instanceof AppError) logger.warn('payout batch row not sent', fields);
    else logger.error('payout batch row not sent', { ...fields, error });
    if (!permanent && tries < maxSendTries) {
      await takeSendSlot(db, batch.id, slot, new Date(at.getTime() + FAILED_SEND_WAIT_MS), tries);
      return;
    }
    const reason: PayoutReason = {
      code,
      message:
        error instanceof AppError
          ? `Not sent: ${error.message}`
          : 'Not sent: the payout could not be handed to M-Pesa',
    };
    // Only from where it stood unsent: a row claimed meanwhile is left to its send and the recovery.
    await ledger.move(row.id, ['requested', 'awaiting_approval'], {
      to: 'failed',
      source: 'not_sent',
      actor: null,
      patch: { ...patch, reasonCode: reason.code, reasonMessage: reason.message },
    });
    await takeSendSlot(db, batch.id, slot, slot, 0);
    logger.warn('payout batch row failed, never sent; the batch goes on', { ...fields, permanent });
  }

  async function pass(): Promise<void> {
    for (const batch of await batchesDue(db, now(), BATCHES_PER_PASS)) await sendNext(batch);
  }

  const passes = onePassAtATime(pass, logger, 'payout batch pass failed');
  const runOnce = passes.run;

  return {
    runOnce,
    start(): void {
      timer ??= setInterval(() => void runOnce(), paceMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await passes.settled();
    },
  };
}

export type PayoutBatchWorker = ReturnType<typeof createPayoutBatchWorker>;
