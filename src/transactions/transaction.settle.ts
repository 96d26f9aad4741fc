// The one rule for how an outcome moves a payment: the state machine decides whether the
// move is allowed, and the write it produces is applied as a compare-and-set on the status
// it was planned from, together with its StatusChange row (db/payment-store.ts). A duplicate
// or out-of-order outcome plans nothing and changes nothing. The event for webhooks is built
// here too, from the row as the move leaves it, and written in the same transaction.
import type { Decision, TransactionPatch } from '../db/payment-store';
import { transactionEvent } from '../events/event.build';
import { newId } from '../ids';
import { canMove, isStatus, type FinalStatus } from './transaction.states';
import type { TransactionRow } from './transaction.view';

export interface Settlement {
  to: FinalStatus;
  source: 'callback' | 'daraja_rejected' | 'stk_query' | 'expiry';
  resultCode: string | null;
  resultDesc: string | null;
  /** The refusal of the push itself, serialised (see transaction.service.ts). */
  submitError?: string;
  checkoutRequestId?: string;
  mpesaReceiptNumber?: string;
  /** As Safaricom reported it; compared exactly with the amount asked. */
  amountPaid?: number;
  paidPhone?: string;
  transactionDate?: string;
}

type SettlementWrite = NonNullable<Decision<string>['write']>;

/** The write that settles `current`, or undefined when the state machine forbids the move. */
export function planSettlement(current: TransactionRow, settlement: Settlement, now = new Date()): SettlementWrite | undefined {
  if (!isStatus(current.status) || !canMove(current.status, settlement.to)) return undefined;
  const paid = settlement.amountPaid;
  const patch: TransactionPatch = {
    status: settlement.to,
    resultCode: settlement.resultCode,
    resultDesc: settlement.resultDesc,
    submitError: settlement.submitError ?? null,
    checkoutRequestId: current.checkoutRequestId ?? settlement.checkoutRequestId ?? null,
    mpesaReceiptNumber: settlement.mpesaReceiptNumber ?? current.mpesaReceiptNumber,
    // Amounts are whole KES; a fractional payment is stored rounded and always flagged.
    amountPaid: paid === undefined ? current.amountPaid : Math.round(paid),
    amountMismatch: paid !== undefined && paid !== current.amount,
    paidPhone: settlement.paidPhone ?? current.paidPhone,
    transactionDate: settlement.transactionDate ?? current.transactionDate,
    settledAt: now,
    updatedAt: now,
  };
  const event = transactionEvent({ ...current, ...patch } as TransactionRow, settlement.to, now);
  // Only what changes is written: an unchanged indexed column (checkoutRequestId) would
  // still cost an index update on the callback's hot path.
  for (const key of Object.keys(patch) as Array<keyof TransactionPatch>) {
    if (patch[key] === current[key]) delete patch[key];
  }
  return {
    from: current.status,
    patch,
    change: {
      id: newId('chg'),
      transactionId: current.id,
      fromStatus: current.status,
      toStatus: settlement.to,
      source: settlement.source,
      resultCode: settlement.resultCode,
      createdAt: now,
    },
    event,
  };
}
