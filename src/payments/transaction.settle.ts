// How an outcome settles a payment. Every outcome takes this one path: a callback (and the
// sweep of stored callbacks), an STK Query answer, a refused push, our own expiry.
//
//   claim the stored callback (the sweep) -> read the payment, locked -> decide (the state
//   machine, transaction.states.ts) -> compare-and-set -> status history -> outbox event ->
//   store the callback with its outcome -> commit -> publish to this process's listeners
//
// Outcomes arriving together are settled in one transaction (db/batcher.ts), with set-based
// statements; each is decided in arrival order, seeing the ones before it.
import type { Database, Queryable } from '../db/database';
import { createBatcher } from '../db/batcher';
import {
  insertCallbacks,
  claimStoredCallbacks,
  setCallbackOutcome,
  type NewCallbackRecord,
} from './callback.repository';
import { transactionEvent } from './event.build';
import { recordEvents } from './event.repository';
import type { NewEvent } from './event.types';
import { newId } from '../ids';
import type { TransactionEvents } from './payment.news';
import {
  compareAndSetStatuses,
  insertStatusChanges,
  lockTransactions,
  type NewStatusChange,
  type StatusWrite,
  type TransactionPatch,
  type TransactionRow,
} from './transaction.repository';
import { NO_REFUSAL, type RefusalColumns } from './transaction.refusal';
import {
  addHolder,
  otherHolder,
  planSameMoney,
  readReceiptHolders,
  receiptToCheck,
} from './transaction.same-receipt';
import { canMove, type FinalStatus, type SettlementSource, type Status } from './transaction.states';

/** What Daraja (or we) said about a payment. */
export interface Settlement {
  to: FinalStatus;
  source: SettlementSource;
  resultCode: string | null;
  resultDesc: string | null;
  /** The refusal of the push itself (transaction.refusal.ts); cleared by any other move. */
  refusal?: RefusalColumns;
  checkoutRequestId?: string;
  mpesaReceiptNumber?: string;
  /** As Safaricom reported it; compared exactly with the amount asked. */
  amountPaid?: number;
  paidPhone?: string;
  transactionDate?: string;
}

/**
 * - applied: the payment moved; enriched: details added without a move (a receipt after an
 *   STK Query settled it); duplicate: nothing new;
 * - orphan: no payment, or the outcome names another CheckoutRequestID; unreadable: a
 *   callback body we could not read (kept, trusted with nothing).
 */
export type SettleLabel = 'applied' | 'enriched' | 'duplicate' | 'orphan' | 'unreadable';

export interface SettleInput {
  /** The payment the outcome is about; null when nothing vouches for one (orphan callback). */
  transactionId: string | null;
  /** undefined: the callback could not be read. */
  settlement: Settlement | undefined;
  /** The callback this outcome came in: a new one (stored with its outcome) or a stored one (claimed first). */
  callback?: { record: NewCallbackRecord } | { storedId: string };
}

export type SettleResult =
  /** A stored callback that another sweep already took. */
  | { claimed: false }
  | {
      claimed: true;
      label: SettleLabel;
      changed: boolean;
      row: TransactionRow | undefined;
      event?: NewEvent;
    };

interface Write {
  from: string;
  patch: TransactionPatch;
  change: NewStatusChange;
  event: NewEvent;
}

interface Plan {
  label: SettleLabel;
  write?: Write;
}

/**
 * What `settlement` does to `current`: a move, an enrichment, or nothing. `heldBy`: the other
 * payment that already holds the settlement's receipt (transaction.same-receipt.ts). Pure.
 */
export function planSettlement(
  current: TransactionRow,
  settlement: Settlement,
  now: Date,
  heldBy?: string,
): Plan {
  // A token for one payment carrying another payment's CheckoutRequestID: trusted with nothing.
  if (
    settlement.checkoutRequestId &&
    current.checkoutRequestId &&
    settlement.checkoutRequestId !== current.checkoutRequestId
  ) {
    return { label: 'orphan' };
  }
  if (heldBy !== undefined && settlement.mpesaReceiptNumber)
    return planSameMoney(
      current,
      heldBy,
      settlement.mpesaReceiptNumber,
      settlement.source,
      settlement.resultCode,
      now,
    );
  const status = current.status as Status;
  if (canMove(status, settlement.to)) return { label: 'applied', write: move(current, settlement, now) };
  const write = status === settlement.to ? enrich(current, settlement, now) : undefined;
  return write ? { label: 'enriched', write } : { label: 'duplicate' };
}

function move(current: TransactionRow, settlement: Settlement, now: Date): Write {
  const patch = onlyChanged(current, {
    status: settlement.to,
    settledBy: settlement.source,
    resultCode: settlement.resultCode,
    resultDesc: settlement.resultDesc,
    ...(settlement.refusal ?? NO_REFUSAL),
    checkoutRequestId: current.checkoutRequestId ?? settlement.checkoutRequestId ?? null,
    ...paymentDetails(current, settlement),
    // A refused push is also the end of our push call (an Idempotency-Key replay waits for it).
    ...(settlement.source === 'push_refused' ? { pushFinishedAt: now } : {}),
    settledAt: now,
    updatedAt: now,
  });
  return write(current, patch, settlement, settlement.to, now);
}

/** Details Daraja sent later, for a payment already in `settlement.to`; undefined when none is new. */
function enrich(current: TransactionRow, settlement: Settlement, now: Date): Write | undefined {
  const reason = current.resultCode === null && settlement.resultCode !== null;
  const patch = onlyChanged(current, {
    ...paymentDetails(current, settlement),
    ...(reason
      ? { resultCode: settlement.resultCode, resultDesc: settlement.resultDesc, settledBy: settlement.source }
      : {}),
  });
  if (Object.keys(patch).length === 0) return undefined;
  return write(current, { ...patch, updatedAt: now }, settlement, 'updated', now);
}

/** Receipt, amount, date and payer: kept once known, filled in when they arrive. */
function paymentDetails(current: TransactionRow, settlement: Settlement): TransactionPatch {
  return {
    mpesaReceiptNumber: current.mpesaReceiptNumber ?? settlement.mpesaReceiptNumber ?? null,
    // Whole KES or unknown: an amount that is not whole is never rounded into one that would
    // then read as verified (the stored callback keeps it as reported).
    amountPaid:
      current.amountPaid ??
      (settlement.amountPaid !== undefined && Number.isSafeInteger(settlement.amountPaid)
        ? settlement.amountPaid
        : null),
    paidPhone: current.paidPhone ?? settlement.paidPhone ?? null,
    transactionDate: current.transactionDate ?? settlement.transactionDate ?? null,
  };
}

/** Only what changes is written: an unchanged indexed column would still cost an index update. */
function onlyChanged(current: TransactionRow, patch: TransactionPatch): TransactionPatch {
  return Object.fromEntries(
    Object.entries(patch).filter(([key, value]) => current[key as keyof TransactionRow] !== value),
  );
}

function write(
  current: TransactionRow,
  patch: TransactionPatch,
  settlement: Settlement,
  change: FinalStatus | 'updated',
  now: Date,
): Write {
  const after = { ...current, ...patch } as TransactionRow;
  return {
    from: current.status,
    patch,
    change: {
      id: newId('chg', now),
      transactionId: current.id,
      fromStatus: current.status,
      toStatus: after.status,
      source: settlement.source,
      resultCode: settlement.resultCode,
      resultDesc: settlement.resultDesc,
      createdAt: now,
    },
    event: transactionEvent(after, change, now),
  };
}

export type SettlePayment = (input: SettleInput) => Promise<SettleResult>;

/** The settlement path for this database; resolves once committed, then publishes the change. */
export function createSettlement({
  db,
  events,
  now = () => new Date(),
}: {
  db: Database;
  events: TransactionEvents;
  now?: () => Date;
}): SettlePayment {
  const settleTogether = createBatcher(db, {
    durability: 'disk',
    write: (tx, inputs: readonly SettleInput[]) => settleBatch(tx, inputs, now()),
  });
  return async (input) => {
    const result = await settleTogether(input);
    if (result.claimed && result.changed) {
      events.publishChanged(result.row!);
      if (result.event) events.publishRecorded(result.event);
    }
    return result;
  };
}

async function settleBatch(
  tx: Queryable,
  inputs: readonly SettleInput[],
  now: Date,
): Promise<SettleResult[]> {
  const storedIds = inputs.flatMap((input) =>
    input.callback && 'storedId' in input.callback ? [input.callback.storedId] : [],
  );
  const claimed = new Set(await claimStoredCallbacks(tx, storedIds, now));
  const ids = [
    ...new Set(inputs.flatMap((input) => (input.transactionId === null ? [] : [input.transactionId]))),
  ];
  const read = new Map((await lockTransactions(tx, ids)).map((row) => [row.id, row]));
  /** Each payment as the outcomes decided so far leave it. */
  const rows = new Map(read);
  // Who already holds each receipt a success would give a payment: read before deciding, and
  // kept up to date as the batch gives receipts out (one receipt, one payment).
  const holders = await readReceiptHolders(
    tx,
    inputs.flatMap((input) => {
      const current = input.transactionId === null ? undefined : read.get(input.transactionId);
      const receipt = current && receiptToCheck(current, input.settlement);
      return current && receipt ? [{ current, receipt }] : [];
    }),
  );
  const heldElsewhere = (current: TransactionRow, settlement: Settlement) => {
    const receipt = receiptToCheck(current, settlement);
    return receipt === undefined ? undefined : otherHolder(holders, current, receipt);
  };
  const writes: Array<Write & { id: string }> = [];
  const newCallbacks: Parameters<typeof insertCallbacks>[1][number][] = [];
  const results = inputs.map((input): SettleResult => {
    const stored = input.callback && 'storedId' in input.callback ? input.callback.storedId : undefined;
    if (stored !== undefined && !claimed.has(stored)) return { claimed: false };
    const current = input.transactionId === null ? undefined : rows.get(input.transactionId);
    const plan: Plan = !input.settlement
      ? { label: 'unreadable' }
      : !current
        ? { label: 'orphan' }
        : planSettlement(current, input.settlement, now, heldElsewhere(current, input.settlement));
    let row = current;
    if (current && plan.write) {
      row = { ...current, ...plan.write.patch } as TransactionRow;
      rows.set(current.id, row);
      writes.push({ ...plan.write, id: current.id });
      if (row.mpesaReceiptNumber !== null) addHolder(holders, row, row.mpesaReceiptNumber, row.id);
    }
    if (input.callback && 'record' in input.callback) {
      const { record } = input.callback;
      newCallbacks.push({
        ...record,
        transactionId: current ? record.transactionId : null,
        outcome: plan.label,
        processedAt: now,
      });
    }
    return {
      claimed: true,
      label: plan.label,
      changed: plan.write !== undefined,
      row,
      event: plan.write?.event,
    };
  });

  // One move per payment: two outcomes about one payment in a batch (a callback and a query's
  // answer) write from its status as read, with both patches. The rows are locked (PostgreSQL)
  // or ours alone (SQLite): a miss here is a broken invariant.
  const moves = new Map<string, StatusWrite>();
  for (const { id, from, patch } of writes) {
    const earlier = moves.get(id);
    moves.set(
      id,
      earlier
        ? { ...earlier, patch: { ...earlier.patch, ...patch } }
        : { id, from, patch, current: read.get(id)! },
    );
  }
  const applied = await compareAndSetStatuses(tx, [...moves.values()]);
  for (const id of moves.keys())
    if (!applied.has(id)) throw new Error(`settlement of ${id} lost its compare-and-set`);
  await insertStatusChanges(
    tx,
    writes.map((entry) => entry.change),
  );
  await recordEvents(
    tx,
    writes.map((entry) => entry.event),
  );
  await insertCallbacks(tx, newCallbacks);
  for (const [index, input] of inputs.entries()) {
    const result = results[index]!;
    if (input.callback && 'storedId' in input.callback && result.claimed)
      await setCallbackOutcome(tx, input.callback.storedId, result.label);
  }
  return results;
}
