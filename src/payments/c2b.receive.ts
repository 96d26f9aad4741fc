// How a C2B confirmation becomes a payment on the ledger (issue 19): the same rows, states,
// status history and outbox as an STK payment, never a parallel system.
//
//   claim the stored confirmation (the sweep) -> who holds this receipt? -> else which open
//   request does its bill reference name? -> decide: add to the holder | settle the request |
//   a new walk-in payment -> write, status history, outbox event -> store the confirmation with
//   its outcome -> commit -> publish
//
// One receipt, one payment: a TransID already held (the payment's STK callback came first, or
// the confirmation came twice, to any instance) adds its details to that payment or changes
// nothing; Transaction's unique (projectId, mode, c2bTransId) settles a race between instances.
import type { Database, Queryable } from '../db/database';
import { createBatcher } from '../db/batcher';
import { idTimePart } from '../ids';
import type { Scope } from '../core/scope';
import {
  claimStoredCallbacks,
  insertCallbacks,
  receiptBody,
  setCallbackJudgement,
  type NewCallbackRecord,
} from './callback.repository';
import {
  decideHolder,
  decideNew,
  decideSettle,
  type C2bAccount,
  type C2bPayment,
  type Decision,
  type ReceiveLabel,
} from './c2b.decide';
import { findReceiptHolder, insertC2bPayment, listOpenRequests } from './c2b.repository';
import { recordEvents } from './event.repository';
import type { NewEvent } from './event.types';
import type { TransactionEvents } from './payment.news';
import {
  compareAndSetStatus,
  insertStatusChanges,
  lockTransactions,
  type TransactionRow,
} from './transaction.repository';

export type { C2bAccount, C2bPayment, ReceiveLabel };

export interface ReceiveC2bInput {
  account: C2bAccount;
  payment: C2bPayment;
  /** The confirmation: a new one (stored with its outcome) or a stored one (claimed first). */
  confirmation: { record: NewCallbackRecord } | { storedId: string };
}

export type ReceiveResult =
  | { claimed: false }
  | { claimed: true; label: ReceiveLabel; changed: boolean; row: TransactionRow; event?: NewEvent };

/** How far back a bill reference may name an open request (a fallback is paid within days, not months). */
export const DEFAULT_MATCH_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * The open request the bill reference names, locked, or undefined: one that asked this amount
 * first, then a pending one (its callback may still come), then the newest.
 */
async function openRequestFor(
  tx: Queryable,
  input: ReceiveC2bInput,
  now: Date,
  windowMs: number,
): Promise<TransactionRow | undefined> {
  const typed = input.payment.details.billReference?.trim() ?? '';
  if (typed === '') return undefined;
  const references = [...new Set([typed, typed.toUpperCase(), typed.toLowerCase()])];
  const since = idTimePart('txn', new Date(now.getTime() - windowMs));
  const scope: Scope = { projectId: input.account.projectId, mode: input.account.mode };
  const found = await listOpenRequests(tx, scope, input.account.id, references, since);
  if (found.length === 0) return undefined;
  // Read again under lock (PostgreSQL): another confirmation or callback may have settled one.
  const locked = (
    await lockTransactions(
      tx,
      found.map((row) => row.id),
    )
  ).filter((row) => row.status !== 'completed');
  const rank = (row: TransactionRow) =>
    (row.amount === input.payment.wholeKes ? 0 : 2) + (row.status === 'pending' ? 0 : 1);
  return locked.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? 1 : -1))[0];
}

async function decide(tx: Queryable, input: ReceiveC2bInput, now: Date, windowMs: number): Promise<Decision> {
  const scope: Scope = { projectId: input.account.projectId, mode: input.account.mode };
  const holder = await findReceiptHolder(tx, scope, input.payment.transId);
  if (holder) {
    const [locked] = await lockTransactions(tx, [holder.id]);
    return decideHolder(locked ?? holder, input.payment, now);
  }
  const request = await openRequestFor(tx, input, now, windowMs);
  return request ? decideSettle(request, input.payment, now) : decideNew(input.account, input.payment, now);
}

/** Writes a decision; a walk-in payment another writer inserted first becomes a duplicate of it. */
async function store(tx: Queryable, input: ReceiveC2bInput, decision: Decision): Promise<Decision> {
  if (decision.insert && !(await insertC2bPayment(tx, decision.insert))) {
    const scope: Scope = { projectId: input.account.projectId, mode: input.account.mode };
    return { label: 'duplicate', row: (await findReceiptHolder(tx, scope, input.payment.transId))! };
  }
  if (
    decision.update &&
    !(await compareAndSetStatus(tx, decision.row.id, decision.update.from, decision.update.patch))
  )
    throw new Error(`C2B settlement of ${decision.row.id} lost its compare-and-set`);
  if (decision.change) await insertStatusChanges(tx, [decision.change]);
  if (decision.event) await recordEvents(tx, [decision.event]);
  return decision;
}

async function receiveOne(
  tx: Queryable,
  input: ReceiveC2bInput,
  now: Date,
  windowMs: number,
): Promise<ReceiveResult> {
  const { confirmation } = input;
  if ('storedId' in confirmation) {
    const [claimed] = await claimStoredCallbacks(tx, [confirmation.storedId], now);
    if (!claimed) return { claimed: false };
  }
  const done = await store(tx, input, await decide(tx, input, now, windowMs));
  const judgement = { outcome: done.label, reason: null, transactionId: done.row.id };
  if ('storedId' in confirmation) await setCallbackJudgement(tx, confirmation.storedId, judgement);
  else await insertCallbacks(tx, [{ ...confirmation.record, ...judgement, processedAt: now }]);
  return {
    claimed: true,
    label: done.label,
    changed: done.event !== undefined,
    row: done.row,
    event: done.event,
  };
}

export type ReceiveC2b = (input: ReceiveC2bInput) => Promise<ReceiveResult>;

/**
 * The C2B path of the ledger for this database: resolves once committed (fsynced), then
 * publishes the change, its event and the confirmation to this process's listeners.
 */
export function createC2bReceiver({
  db,
  events,
  matchWindowMs = DEFAULT_MATCH_WINDOW_MS,
  now = () => new Date(),
}: {
  db: Database;
  events: TransactionEvents;
  matchWindowMs?: number;
  now?: () => Date;
}): ReceiveC2b {
  // Confirmations arriving together share one commit; each is decided in arrival order and
  // sees the ones before it (a TransID twice in one batch is recorded once).
  const receiveTogether = createBatcher(db, {
    durability: 'disk',
    write: async (tx, inputs: readonly ReceiveC2bInput[]) => {
      const at = now();
      const results: ReceiveResult[] = [];
      for (const input of inputs) results.push(await receiveOne(tx, input, at, matchWindowMs));
      return results;
    },
  });
  return async (input) => {
    const result = await receiveTogether(input);
    if (!result.claimed) return result;
    if (result.changed) events.publishChanged(result.row);
    if (result.event) events.publishRecorded(result.event);
    if ('record' in input.confirmation) {
      const { record } = input.confirmation;
      events.publishCallback({
        id: record.id,
        projectId: input.account.projectId,
        mode: input.account.mode,
        transactionId: result.row.id,
        receivedAt: record.receivedAt,
        sourceIp: record.sourceIp,
        allowed: true,
        outcome: result.label,
        body: receiptBody(record.rawBody),
      });
    }
    return result;
  };
}
