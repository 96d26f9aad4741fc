// How a payout moves. Every move takes this one path, whoever causes it (the request, an
// approval, the send, Daraja's result, a queue timeout, Transaction Status, a rejection):
//
//   claim the stored result (a sweep) -> read the payout, locked -> decide (payout.states.ts)
//   -> compare-and-set -> status history -> outbox event -> audit entry -> store the result with
//   its outcome -> commit -> publish to this process's listeners
//
// One database transaction each: nothing is emitted before commit, and a move that lost its
// compare-and-set (another instance, another approval) changes nothing.
import type { Database, Queryable } from '../db/database';
import { newId } from '../ids';
import { auditRow, type AuditEntry } from './payout.audit';
import { payoutEvent } from './event.build';
import { recordEvents } from './event.repository';
import type { NewEvent, PayoutEventType } from './event.types';
import {
  claimPayoutResult,
  compareAndSetPayout,
  insertPayoutChanges,
  insertPayoutResult,
  lockPayout,
  setPayoutResultOutcome,
  type NewPayoutResult,
  type PayoutPatch,
  type PayoutRow,
} from './payout.repository';
import type { PayoutOutcome } from './payout.result';
import { canMovePayout, type PayoutSource, type PayoutStatus } from './payout.states';

/** Publishes committed outbox events (the project stream, the webhook worker). */
export interface PayoutNews {
  publishRecorded(event: NewEvent): void;
}

export interface PayoutMove {
  to: PayoutStatus;
  source: PayoutSource;
  actor?: string | null;
  resultCode?: string | null;
  resultDesc?: string | null;
  /** Columns written with the move (the send's time, the decision, the reason, …). */
  patch?: PayoutPatch;
}

/**
 * - applied: the payout moved; enriched: details added without a move (a receipt a later result
 *   brought); duplicate: nothing new; conflict: Daraja's word contradicts a final state (kept,
 *   logged, never applied); undecided: a Transaction Status result that settles nothing (not
 *   found yet, still in flight); orphan: no payout of ours; unreadable: a body we could not read.
 */
export type PayoutResultLabel =
  'applied' | 'enriched' | 'duplicate' | 'conflict' | 'undecided' | 'orphan' | 'unreadable';

export interface MoveResult {
  moved: boolean;
  /** The payout as the move left it (or as it stood when the move did not apply). */
  row: PayoutRow | undefined;
}

export interface OutcomeInput {
  payoutId: string | null;
  /** undefined: the body could not be read as a result; 'undecided': read, and it settles nothing. */
  outcome: PayoutOutcome | 'undecided' | undefined;
  source: Extract<PayoutSource, 'result' | 'queue_timeout' | 'status_query'>;
  /** The result it came in: a new one (stored with its label) or a stored one (claimed first). */
  result?: { record: NewPayoutResult } | { storedId: string };
  /** When an unknown payout is next asked about. */
  nextStatusCheckAt?: Date;
}

export type OutcomeResult =
  { claimed: false } | { claimed: true; label: PayoutResultLabel; row: PayoutRow | undefined };

const EVENT_OF: Partial<Record<PayoutStatus, PayoutEventType>> = {
  succeeded: 'payout.succeeded',
  failed: 'payout.failed',
  unknown: 'payout.unknown',
};

const SETTLING: ReadonlySet<PayoutStatus> = new Set(['succeeded', 'failed', 'unknown']);

export type PayoutLedger = ReturnType<typeof createPayoutLedger>;

export function createPayoutLedger({
  db,
  news,
  now = () => new Date(),
}: {
  db: Database;
  news: PayoutNews;
  now?: () => Date;
}) {
  /** Inside `tx`: the compare-and-set, its history row, its event; the row after it, or undefined. */
  async function write(
    tx: Queryable,
    current: PayoutRow,
    move: PayoutMove,
    at: Date,
  ): Promise<{ row: PayoutRow; event?: NewEvent } | undefined> {
    const from = current.status as PayoutStatus;
    if (!canMovePayout(from, move.to)) return undefined;
    const patch: PayoutPatch = {
      ...move.patch,
      status: move.to,
      updatedAt: at,
      ...(SETTLING.has(move.to) ? { settledAt: at, settledBy: move.source } : {}),
      ...(move.resultCode !== undefined ? { resultCode: move.resultCode } : {}),
      ...(move.resultDesc !== undefined ? { resultDesc: move.resultDesc } : {}),
    };
    // The row is locked (PostgreSQL) or ours alone (SQLite): a miss is a broken invariant.
    if (!(await compareAndSetPayout(tx, current.id, from, patch)))
      throw new Error(`payout ${current.id} lost its compare-and-set`);
    const row = { ...current, ...patch } as PayoutRow;
    await insertPayoutChanges(tx, [
      {
        id: newId('chg', at),
        payoutId: current.id,
        fromStatus: from,
        toStatus: move.to,
        source: move.source,
        actor: move.actor ?? null,
        resultCode: move.resultCode ?? null,
        resultDesc: move.resultDesc ?? null,
        createdAt: at,
      },
    ]);
    const type = EVENT_OF[move.to];
    const event = type ? payoutEvent(row, type, at) : undefined;
    if (event) await recordEvents(tx, [event]);
    return { row, event };
  }

  /**
   * Moves payout `id` if it is in one of `expected` (and the state machine allows it), with
   * `audit` in the same transaction; publishes its event after commit.
   */
  async function move(
    id: string,
    expected: readonly PayoutStatus[],
    change: PayoutMove,
    audit?: AuditEntry,
  ): Promise<MoveResult> {
    const at = now();
    const result = await db.transaction(async (tx) => {
      const current = await lockPayout(tx, id);
      if (!current || !expected.includes(current.status as PayoutStatus))
        return { moved: false, row: current } as const;
      const written = await write(tx, current, change, at);
      if (!written) return { moved: false, row: current } as const;
      if (audit) await tx.run(tx.qb.insertInto('PayoutAudit').values(auditRow(audit, at)));
      return { moved: true, row: written.row, event: written.event } as const;
    });
    if (result.moved && result.event) news.publishRecorded(result.event);
    return { moved: result.moved, row: result.row };
  }

  /**
   * In one transaction: `first` (the caller's own writes, answering the payouts to move, or
   * undefined to move none and write nothing), then each of those payouts still in one of
   * `expected`, by `change`. A crash leaves all of it or none of it; events are published after
   * commit. Whether `first` applied.
   */
  async function moveAll(
    first: (tx: Queryable) => Promise<readonly string[] | undefined>,
    expected: readonly PayoutStatus[],
    change: PayoutMove,
  ): Promise<boolean> {
    const at = now();
    const events = await db.transaction(async (tx) => {
      const ids = await first(tx);
      if (!ids) return undefined;
      const recorded: NewEvent[] = [];
      for (const id of ids) {
        const current = await lockPayout(tx, id);
        if (!current || !expected.includes(current.status as PayoutStatus)) continue;
        const written = await write(tx, current, change, at);
        if (written?.event) recorded.push(written.event);
      }
      return recorded;
    });
    for (const event of events ?? []) news.publishRecorded(event);
    return events !== undefined;
  }

  /** Applies what Daraja said (a result, a queue timeout, a Transaction Status result). */
  async function applyOutcome(input: OutcomeInput): Promise<OutcomeResult> {
    const at = now();
    const result = await db.transaction(async (tx) => {
      const storedId = input.result && 'storedId' in input.result ? input.result.storedId : undefined;
      if (storedId !== undefined && !(await claimPayoutResult(tx, storedId, at)))
        return { claimed: false } as const;
      const current = input.payoutId === null ? undefined : await lockPayout(tx, input.payoutId);
      let label: PayoutResultLabel;
      let row = current;
      let event: NewEvent | undefined;
      if (!input.outcome) label = 'unreadable';
      else if (!current) label = 'orphan';
      else if (input.outcome === 'undecided') label = 'undecided';
      else {
        const decided = decide(current, input.outcome, input.source, input.nextStatusCheckAt);
        label = decided.label;
        if (decided.move) {
          const written = await write(tx, current, decided.move, at);
          row = written?.row ?? current;
          event = written?.event;
        } else if (decided.enrich) {
          row = (await tx.first(
            tx.qb
              .updateTable('Payout')
              .set({ ...decided.enrich, updatedAt: at })
              .where('id', '=', current.id)
              .returningAll(),
          ))!;
        }
      }
      if (input.result && 'record' in input.result)
        await insertPayoutResult(tx, {
          ...input.result.record,
          payoutId: current ? input.result.record.payoutId : null,
          outcome: label,
          processedAt: at,
        });
      if (storedId !== undefined) await setPayoutResultOutcome(tx, storedId, label);
      return { claimed: true, label, row, event } as const;
    });
    if (result.claimed && result.event) news.publishRecorded(result.event);
    return result.claimed ? { claimed: true, label: result.label, row: result.row } : { claimed: false };
  }

  return { move, moveAll, applyOutcome };
}

interface Decision {
  label: PayoutResultLabel;
  move?: PayoutMove;
  enrich?: PayoutPatch;
}

/** What an outcome does to a payout: a move, an enrichment, or nothing. Pure. */
export function decide(
  current: PayoutRow,
  outcome: PayoutOutcome,
  source: OutcomeInput['source'],
  nextStatusCheckAt?: Date,
): Decision {
  const status = current.status as PayoutStatus;
  const details = detailsOf(current, outcome);
  if (canMovePayout(status, outcome.to)) {
    const final = outcome.to !== 'unknown';
    return {
      label: 'applied',
      move: {
        to: outcome.to,
        source,
        resultCode: outcome.resultCode,
        resultDesc: outcome.resultDesc,
        patch: {
          ...details,
          reasonCode: outcome.reason?.code ?? null,
          reasonMessage: outcome.reason?.message ?? null,
          statusCheckAt: final ? null : (nextStatusCheckAt ?? null),
          ...(final ? {} : { statusChecks: 0 }),
        },
      },
    };
  }
  if (status === outcome.to) {
    const enrich = Object.fromEntries(
      Object.entries(details).filter(([key, value]) => current[key as keyof PayoutRow] !== value),
    );
    return Object.keys(enrich).length > 0 ? { label: 'enriched', enrich } : { label: 'duplicate' };
  }
  // A failure or an unknown for a payout that succeeded, a failure after another failure's
  // reason: what is recorded stands. Only a contradiction of a final state is worth a look.
  const contradicts = status === 'succeeded' && outcome.to === 'failed';
  return { label: contradicts ? 'conflict' : 'duplicate' };
}

/** Details a result brings: kept once known, filled in when they arrive. */
function detailsOf(current: PayoutRow, outcome: PayoutOutcome): PayoutPatch {
  return {
    conversationId: current.conversationId ?? outcome.conversationId ?? null,
    originatorConversationId: current.originatorConversationId ?? outcome.originatorConversationId ?? null,
    mpesaReceiptNumber: current.mpesaReceiptNumber ?? outcome.mpesaReceiptNumber ?? null,
    receiverName: current.receiverName ?? outcome.receiverName ?? null,
    completedTime: current.completedTime ?? outcome.completedAt ?? null,
    utilityBalance: outcome.utilityBalanceCents ?? current.utilityBalance,
  };
}
