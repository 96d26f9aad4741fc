// What a payment's state means to the customer: a title, a sentence and the next step.
import type { ClientTransaction } from './api';
import type { StringKey } from './strings';

export interface Outcome {
  /** The event the embeddable button reports (docs/checkout.md). */
  event: 'pending' | 'paid' | 'failed' | 'cancelled' | 'expired';
  title: StringKey;
  detail: StringKey;
  /** A failed attempt may be tried again; a paid one may not. */
  retry: boolean;
}

// Daraja's result codes as the ledger names them (src/payments/transaction.states.ts).
const TIMED_OUT = new Set(['prompt_expired', 'customer_unreachable', 'no_answer', 'prompt_not_sent']);

const PAID: Outcome = { event: 'paid', title: 'paidTitle', detail: 'paidDetail', retry: false };

/** Whether the page is done following the payment: its outcome cannot change any more. */
export function isSettled(transaction: ClientTransaction): boolean {
  return transaction.status !== 'pending' || transaction.paidElsewhere;
}

export function outcomeOf(transaction: ClientTransaction): Outcome {
  const code = transaction.failure?.code ?? '';
  // A request linked to the walk-in payment that holds its receipt keeps its status: it is paid all the same.
  // Its receipt is on that payment, not on this one: the page says paid without it.
  if (transaction.paidElsewhere) return { ...PAID, detail: 'paidNoReceiptDetail' };
  switch (transaction.status) {
    case 'pending':
      return { event: 'pending', title: 'pendingTitle', detail: 'pendingDetail', retry: false };
    case 'completed':
      return PAID;
    case 'cancelled':
      return { event: 'cancelled', title: 'cancelledTitle', detail: 'cancelledDetail', retry: true };
    case 'expired':
      return { event: 'expired', title: 'timedOutTitle', detail: 'timedOutDetail', retry: true };
    default:
      if (code === 'wrong_pin')
        return { event: 'failed', title: 'wrongPinTitle', detail: 'wrongPinDetail', retry: true };
      if (code === 'insufficient_funds')
        return { event: 'failed', title: 'noFundsTitle', detail: 'noFundsDetail', retry: true };
      if (TIMED_OUT.has(code))
        return { event: 'expired', title: 'timedOutTitle', detail: 'timedOutDetail', retry: true };
      return { event: 'failed', title: 'failedTitle', detail: 'failedDetail', retry: true };
  }
}

/** The same normalisation the service makes (src/payments/phone.ts), to say "wrong number" before a round trip. */
export function isKenyanMobile(input: string): boolean {
  const compact = input.replace(/[\s()-]/g, '');
  return /^(\+?254|0)?[71]\d{8}$/.test(compact);
}
