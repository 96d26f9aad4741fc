// One receipt, one payment, when a request's own success comes second (issue 19). A C2B
// confirmation whose bill reference named no open request made a walk-in payment; then the STK
// callback of a request reports the same M-Pesa receipt: the same money. Completing the request
// too would count it twice (lists, stats, exports, a refund of each); moving the walk-in payment
// back is not a move the state machine has (transaction.states.ts). So the request is linked:
// `paidAs` names the payment that holds the receipt, its status stays where it was (nothing
// moves backward, nothing is completed twice), and it is no longer asked about (reconcileAt
// cleared: its money is known). Rule and example: docs/c2b.md "One receipt, one payment".
import type { Queryable } from '../db/database';
import type { Mode, Scope } from '../core/scope';
import { newId } from '../ids';
import { listReceiptHolders } from './c2b.repository';
import { transactionEvent } from './event.build';
import type { NewEvent } from './event.types';
import type { NewStatusChange, TransactionPatch, TransactionRow } from './transaction.repository';

/**
 * Whether the customer's money for this payment is recorded: it completed, or it is linked to the
 * payment that holds its receipt (`paidAs`) and so will never complete itself. What a reader
 * deciding "paid" (a checkout, a link's uses) asks instead of `status === 'completed'`.
 */
export function isPaid(row: Pick<TransactionRow, 'status' | 'paidAs'>): boolean {
  return row.status === 'completed' || row.paidAs !== null;
}

/** What a settlement to completed with a receipt another payment holds does to `current`. */
export interface SameMoney {
  label: 'enriched' | 'duplicate';
  write?: { from: string; patch: TransactionPatch; change: NewStatusChange; event: NewEvent };
}

/** The receipt a settlement would give `current`, when it is one `current` does not hold yet. */
export function receiptToCheck(
  current: TransactionRow,
  settlement: { to: string; mpesaReceiptNumber?: string } | undefined,
): string | undefined {
  const receipt = settlement?.to === 'completed' ? settlement.mpesaReceiptNumber : undefined;
  return receipt && current.mpesaReceiptNumber !== receipt ? receipt : undefined;
}

/** Payments holding a receipt, by project, mode and receipt (`holderKey`). */
export type ReceiptHolders = Map<string, Set<string>>;

export const holderKey = (row: Pick<TransactionRow, 'projectId' | 'mode'>, receipt: string) =>
  `${row.projectId}\u0000${row.mode}\u0000${receipt}`;

/** Who holds each receipt the batch's successes would give out: one read per project and mode. */
export async function readReceiptHolders(
  tx: Queryable,
  wanted: ReadonlyArray<{ current: TransactionRow; receipt: string }>,
): Promise<ReceiptHolders> {
  const byScope = new Map<string, { scope: Scope; receipts: Set<string> }>();
  for (const { current, receipt } of wanted) {
    const key = holderKey(current, '');
    const group = byScope.get(key) ?? {
      scope: { projectId: current.projectId, mode: current.mode as Mode },
      receipts: new Set<string>(),
    };
    group.receipts.add(receipt);
    byScope.set(key, group);
  }
  const holders: ReceiptHolders = new Map();
  for (const { scope, receipts } of byScope.values())
    for (const row of await listReceiptHolders(tx, scope, [...receipts]))
      for (const receipt of [row.mpesaReceiptNumber, row.c2bTransId])
        if (receipt !== null && receipts.has(receipt)) addHolder(holders, scope, receipt, row.id);
  return holders;
}

export function addHolder(
  holders: ReceiptHolders,
  row: Pick<TransactionRow, 'projectId' | 'mode'>,
  receipt: string,
  id: string,
): void {
  const key = holderKey(row, receipt);
  holders.set(key, (holders.get(key) ?? new Set()).add(id));
}

/** The payment other than `current` that holds `receipt`, if any. */
export function otherHolder(
  holders: ReceiptHolders,
  current: TransactionRow,
  receipt: string,
): string | undefined {
  return [...(holders.get(holderKey(current, receipt)) ?? [])].find((id) => id !== current.id);
}

/** Links `current` to `holderId`, the payment that already holds `receipt`. Pure. */
export function planSameMoney(
  current: TransactionRow,
  holderId: string,
  receipt: string,
  source: string,
  resultCode: string | null,
  now: Date,
): SameMoney {
  if (current.paidAs === holderId) return { label: 'duplicate' };
  const patch: TransactionPatch = { paidAs: holderId, reconcileAt: null, updatedAt: now };
  const after = { ...current, ...patch } as TransactionRow;
  return {
    label: 'enriched',
    write: {
      from: current.status,
      patch,
      change: {
        id: newId('chg', now),
        transactionId: current.id,
        fromStatus: current.status,
        toStatus: current.status,
        source,
        resultCode,
        resultDesc: `Paid as ${holderId}: M-Pesa receipt ${receipt} was already recorded there`,
        createdAt: now,
      },
      event: transactionEvent(after, 'updated', now),
    },
  };
}
