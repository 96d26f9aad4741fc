// The payment state machine. States only move forward:
//   pending -> completed | failed | cancelled | expired
//   expired -> failed | cancelled   (our own timeout was a guess; Daraja's late reason replaces it)
//   failed | cancelled | expired -> completed   (a success always wins: the money moved)
//   completed is final.
// Every move is one compare-and-set (transaction.settle.ts) and one StatusChange row.
//
// C2B (issue 19, payments/c2b.receive.ts) adds no state, two ways in:
//   (none) -> completed    a walk-in payment (till or PayBill from the M-Pesa menu, a QR) is
//                          born completed: Safaricom confirms money that already moved. Its
//                          StatusChange has fromStatus null and source `c2b`; event
//                          `transaction.received`.
//   pending | failed | cancelled | expired -> completed, source `c2b`
//                          a confirmation whose bill reference names an open payment request of
//                          the project on that account (an STK Push that failed to prompt, paid
//                          by PayBill instead) settles it, as any success does; event
//                          `transaction.completed`.
// Refunds (issue 20, src/refunds) add one state, after completed:
//   completed -> reversed   Daraja's Reversal API gave the money back (its Result, or Transaction
//                           Status on the receipt); source `reversal`, event `transaction.reversed`,
//                           the reversal's receipt in reversalReceipt. reversed is final: a late
//                           STK callback or C2B confirmation of the same receipt changes nothing.
// One receipt, one payment: a confirmation whose TransID a payment already holds (its STK
// callback came first, or the same confirmation came twice) adds its details to that payment
// (`transaction.updated`, StatusChange completed -> completed) or changes nothing. A request
// whose own success brings a receipt another payment already holds (a walk-in payment made
// first) moves nowhere: it is linked (`paidAs`, transaction.same-receipt.ts).
export const STATUSES = ['pending', 'completed', 'failed', 'cancelled', 'expired', 'reversed'] as const;
export type Status = (typeof STATUSES)[number];
export type FinalStatus = Exclude<Status, 'pending'>;

const NEXT: Record<Status, readonly Status[]> = {
  pending: ['completed', 'failed', 'cancelled', 'expired'],
  expired: ['completed', 'failed', 'cancelled'],
  failed: ['completed'],
  cancelled: ['completed'],
  completed: ['reversed'],
  reversed: [],
};

export function canMove(from: Status, to: Status): boolean {
  return NEXT[from].includes(to);
}

/**
 * Who set a final status: Daraja ("callback", "stk_query", "c2b": a C2B confirmation) or we
 * ("push_refused", "expiry").
 */
export type SettlementSource = 'callback' | 'stk_query' | 'c2b' | 'push_refused' | 'expiry' | 'reversal';

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

interface Reason {
  status: FinalStatus;
  code: string;
  message: string;
}

// Mapped on ResultCode, never on ResultDesc: the prose differs between callback and query
// and changes over time (docs/daraja.md §3).
const RESULT_CODES: Record<string, Reason> = {
  '0': { status: 'completed', code: 'paid', message: 'Paid' },
  '1': { status: 'failed', code: 'insufficient_funds', message: "The customer's M-Pesa balance is too low" },
  '2': { status: 'failed', code: 'amount_below_minimum', message: 'The amount is below the M-Pesa minimum' },
  '3': {
    status: 'failed',
    code: 'amount_above_maximum',
    message: 'The amount is above the M-Pesa per-transaction maximum',
  },
  '4': {
    status: 'failed',
    code: 'daily_limit_exceeded',
    message: "The payment would exceed the customer's daily M-Pesa limit",
  },
  '8': {
    status: 'failed',
    code: 'merchant_balance_limit',
    message: 'The payment would exceed the maximum balance of the PayBill or Till',
  },
  '17': {
    status: 'failed',
    code: 'duplicate_within_two_minutes',
    message: 'The same amount was requested from this customer less than 2 minutes ago',
  },
  '26': { status: 'failed', code: 'mpesa_busy', message: 'M-Pesa was too busy to process the payment' },
  '1001': {
    status: 'failed',
    code: 'subscriber_busy',
    message: 'The customer already had another M-Pesa prompt in progress',
  },
  '1019': {
    status: 'expired',
    code: 'prompt_expired',
    message: 'The M-Pesa prompt expired before the customer answered',
  },
  '1025': {
    status: 'failed',
    code: 'prompt_not_sent',
    message: 'M-Pesa could not send the prompt (keep the account reference short)',
  },
  '9999': { status: 'failed', code: 'prompt_not_sent', message: 'M-Pesa could not send the prompt' },
  '1032': {
    status: 'cancelled',
    code: 'cancelled_by_customer',
    message: 'The customer cancelled the M-Pesa prompt',
  },
  '1036': {
    status: 'failed',
    code: 'customer_unreachable',
    message: "The customer's phone could not be reached",
  },
  '1037': {
    status: 'failed',
    code: 'customer_unreachable',
    message: "The customer's phone could not be reached or they did not answer",
  },
  '2001': { status: 'failed', code: 'wrong_pin', message: 'The customer entered a wrong M-Pesa PIN' },
  '2028': {
    status: 'failed',
    code: 'shortcode_not_permitted',
    message: 'The shortcode is not set up for this kind of payment',
  },
  SFC_IC0003: {
    status: 'failed',
    code: 'shortcode_not_permitted',
    message: 'The shortcode or till is not set up for this kind of payment',
  },
  '8006': {
    status: 'failed',
    code: 'credential_locked',
    message: "The merchant's security credential is locked",
  },
  E3008: { status: 'failed', code: 'customer_restricted', message: "M-Pesa refused the customer's account" },
};

/** What a Daraja ResultCode means for the payment; unknown codes are failures that keep the code. */
export function interpretResultCode(resultCode: string): Reason {
  return (
    RESULT_CODES[resultCode] ?? {
      status: 'failed',
      code: 'declined',
      message: `M-Pesa declined the payment (result code ${resultCode})`,
    }
  );
}
