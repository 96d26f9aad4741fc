// What a C2B confirmation does to the ledger, decided (c2b.receive.ts reads and writes around
// these): settle an open request, add its details to the payment that holds its receipt, or
// make a walk-in payment. Pure functions of the rows and the confirmation.
import { newId } from '../ids';
import type { Mode } from '../core/scope';
import type { C2bDetails } from './c2b.details';
import { transactionEvent } from './event.build';
import type { NewEvent } from './event.types';
import type {
  NewStatusChange,
  NewTransaction,
  TransactionPatch,
  TransactionRow,
} from './transaction.repository';
import { NO_REFUSAL } from './transaction.refusal';
import { planSettlement, type Settlement } from './transaction.settle';
import { canMove, type Status } from './transaction.states';

/** The account whose URL (and token) the confirmation came to. */
export interface C2bAccount {
  id: string;
  projectId: string;
  mode: Mode;
  shortcode: string;
  tillNumber: string | null;
}

/** What a readable confirmation says (src/c2b/c2b.parse.ts reads it leniently). */
export interface C2bPayment {
  /** TransID: the M-Pesa receipt. */
  transId: string;
  /** TransTime, YYYYMMDDHHmmss in East Africa Time, as sent. */
  transTime: string | null;
  /** Whole KES when TransAmount was whole ("5.00", "10"); undefined otherwise ("10.50"). */
  wholeKes: number | undefined;
  /** The whole shillings of TransAmount (what `amount` holds when it was not whole). */
  shillings: number;
  /** From TransactionType; null when it names neither (the account's kind decides). */
  channel: 'paybill' | 'till' | null;
  /** The MSISDN as kept: normalised when clear, else as sent (masked or hashed). */
  phone: string;
  details: C2bDetails;
}

/**
 * - received: a new walk-in payment; applied: it settled an open request (or a payment that
 *   held its receipt without being completed);
 * - enriched: the receipt's payment got the confirmation's details; duplicate: nothing new.
 */
export type ReceiveLabel = 'received' | 'applied' | 'enriched' | 'duplicate';

export interface Decision {
  label: ReceiveLabel;
  row: TransactionRow;
  insert?: NewTransaction;
  update?: { from: string; patch: TransactionPatch };
  change?: NewStatusChange;
  event?: NewEvent;
}

/**
 * M-Pesa's own "success" result code: a confirmation reports money that moved. Kept on the
 * payment, so the STK callback of the same payment (ResultCode 0) finds nothing new to add.
 */
const PAID = '0';

/** What the ledger says of how it came: a confirmation, or Pull Transactions filling one never delivered. */
const sourceText = (payment: C2bPayment) =>
  payment.details.via === 'pull' ? 'C2B payment filled by Pull Transactions' : 'C2B confirmation';

const c2bColumns = (payment: C2bPayment) => ({
  c2bTransId: payment.transId,
  c2bDetails: JSON.stringify(payment.details),
});

/** What the confirmation tells the state machine: a success, with its receipt and payer. */
function settlementOf(payment: C2bPayment): Settlement {
  return {
    to: 'completed',
    source: 'c2b',
    resultCode: PAID,
    resultDesc: `Paid to the till or PayBill (${sourceText(payment)})`,
    mpesaReceiptNumber: payment.transId,
    amountPaid: payment.wholeKes,
    paidPhone: payment.phone,
    transactionDate: payment.transTime ?? undefined,
  };
}

/** Settles `current` (open, locked) with the confirmation. Pure. */
export function decideSettle(current: TransactionRow, payment: C2bPayment, now: Date): Decision {
  const plan = planSettlement(current, settlementOf(payment), now);
  if (!plan.write) return { label: 'duplicate', row: current };
  const patch = { ...plan.write.patch, ...c2bColumns(payment) };
  const row = { ...current, ...patch } as TransactionRow;
  return {
    label: 'applied',
    row,
    update: { from: current.status, patch },
    change: plan.write.change,
    event: transactionEvent(row, 'completed', now),
  };
}

/** The confirmation's details for the payment that already holds its receipt, if any are new. Pure. */
export function decideHolder(holder: TransactionRow, payment: C2bPayment, now: Date): Decision {
  if (canMove(holder.status as Status, 'completed')) return decideSettle(holder, payment, now);
  if (holder.c2bTransId !== null) return { label: 'duplicate', row: holder };
  const patch: TransactionPatch = {
    ...c2bColumns(payment),
    // Kept once known: the confirmation fills only what the STK callback left empty.
    ...(holder.amountPaid === null && payment.wholeKes !== undefined ? { amountPaid: payment.wholeKes } : {}),
    ...(holder.transactionDate === null && payment.transTime ? { transactionDate: payment.transTime } : {}),
    updatedAt: now,
  };
  const row = { ...holder, ...patch } as TransactionRow;
  return {
    label: 'enriched',
    row,
    update: { from: holder.status, patch },
    change: {
      id: newId('chg', now),
      transactionId: holder.id,
      fromStatus: holder.status,
      toStatus: holder.status,
      source: 'c2b',
      resultCode: null,
      resultDesc: 'C2B confirmation of the same receipt',
      createdAt: now,
    },
    event: transactionEvent(row, 'updated', now),
  };
}

/** A walk-in payment, born completed (transaction.states.ts). Pure. */
export function decideNew(account: C2bAccount, payment: C2bPayment, now: Date): Decision {
  const shortcode = payment.details.businessShortCode ?? account.shortcode;
  const row: NewTransaction = {
    id: newId('txn', now),
    projectId: account.projectId,
    mode: account.mode,
    accountId: account.id,
    reversalReceipt: null,
    reversedAt: null,
    status: 'completed',
    phone: payment.phone,
    amount: payment.shillings,
    channel: payment.channel ?? (account.tillNumber ? 'till' : 'paybill'),
    shortcode,
    partyB: shortcode,
    accountReference: payment.details.billReference ?? '',
    description: payment.details.transactionType ?? 'C2B payment',
    metadata: null,
    idempotencyKey: null,
    requestHash: null,
    merchantRequestId: null,
    checkoutRequestId: null,
    customerMessage: null,
    pushFinishedAt: null,
    ...NO_REFUSAL,
    resultCode: PAID,
    resultDesc: sourceText(payment),
    mpesaReceiptNumber: payment.transId,
    // Whole KES or unknown, as for an STK callback: "10.50" is kept as sent in c2bDetails.
    amountPaid: payment.wholeKes ?? null,
    paidPhone: payment.phone,
    transactionDate: payment.transTime,
    createdAt: now,
    updatedAt: now,
    settledAt: now,
    settledBy: 'c2b',
    reconcileAt: null,
    queryAttempts: 0,
    origin: 'c2b',
    paidAs: null,
    ...c2bColumns(payment),
  };
  return {
    label: 'received',
    row,
    insert: row,
    change: {
      id: newId('chg', now),
      transactionId: row.id,
      fromStatus: null,
      toStatus: 'completed',
      source: 'c2b',
      resultCode: PAID,
      resultDesc: sourceText(payment),
      createdAt: now,
    },
    event: transactionEvent(row, 'received', now),
  };
}
