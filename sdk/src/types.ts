// What the service sends, as the SDK's callers see it. Kept by hand in step with the server's
// mappers (src/payments/transaction.view.ts); tests/sdk/view-types.test.ts fails the
// type-check when the two drift apart. Webhook types: webhook-types.ts.

export const TRANSACTION_STATUSES = [
  'pending',
  'completed',
  'failed',
  'cancelled',
  'expired',
  'reversed',
] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/**
 * Statuses a payment ends in. `expired` can still become `completed` if a late success arrives;
 * `completed` becomes `reversed` when a refund gives the money back.
 */
export const FINAL_STATUSES = ['completed', 'failed', 'cancelled', 'expired', 'reversed'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export function isFinalStatus(status: string): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

/**
 * Whether the payment's outcome is known: a final status, or its money recorded as another
 * payment (`paidAs` on the merchant view, `paidElsewhere` on the browser's), where `status`
 * stays as it was for good (the service's docs/c2b.md, "One receipt, one payment").
 */
export function isSettled(transaction: {
  status: string;
  paidAs?: string | null;
  paidElsewhere?: boolean;
}): boolean {
  return (
    isFinalStatus(transaction.status) || Boolean(transaction.paidAs) || transaction.paidElsewhere === true
  );
}

export type Channel = 'paybill' | 'till';

/** How a payment started: a prompt the service sent, or the customer paying the till or PayBill (C2B). */
export type Origin = 'stk_push' | 'c2b';

/** What a C2B confirmation said (a till or PayBill paid from the M-Pesa menu or a QR). */
export interface C2bDetails {
  /** "Pay Bill" or "Buy Goods", as sent. */
  transactionType: string | null;
  businessShortCode: string | null;
  /** The account number the customer typed; often empty for a till. */
  billReference: string | null;
  invoiceNumber: string | null;
  thirdPartyTransId: string | null;
  /** The payer as Safaricom sent it: a number, masked (v2) or a SHA-256 hash (v1). */
  msisdn: string | null;
  msisdnForm: 'clear' | 'masked' | 'hashed' | 'absent';
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  /** The shortcode's balance after the payment, exactly as sent. */
  orgAccountBalance: string | null;
  /** `TransAmount` exactly as sent, e.g. "5.00". */
  amountReported: string;
  /** False when the amount was not whole shillings ("10.50"): then `amountPaid` is null and `amount` its whole shillings. */
  amountWholeKes: boolean;
  /** `confirmation`: Safaricom posted it; `pull`: it never arrived and Pull Transactions filled it in. */
  via: 'confirmation' | 'pull';
}

/** Why a payment did not complete: our code, a readable message, and Daraja's own result. */
export interface Failure {
  /** e.g. `cancelled_by_customer`, `insufficient_funds`, `wrong_pin`, `prompt_expired` (docs/api.md, "States"). */
  code: string;
  message: string;
  resultCode: string | null;
  resultDesc: string | null;
}

/** A payment as the merchant API returns it (signed calls). */
export interface Transaction {
  id: string;
  status: TransactionStatus;
  /** Whole KES. */
  amount: number;
  currency: 'KES';
  /** Normalised, e.g. `254712345678`. */
  phone: string;
  /** The mode of the key it was made with (`test` or `live`): only keys of that mode see it. */
  mode: 'test' | 'live';
  /** The project's M-Pesa account it was paid into; null for the deployment's own account. */
  accountId: string | null;
  channel: Channel;
  accountReference: string;
  description: string;
  metadata: Record<string, unknown> | null;
  checkoutRequestId: string | null;
  merchantRequestId: string | null;
  customerMessage: string | null;
  mpesaReceiptNumber: string | null;
  /** What M-Pesa's callback reported as paid; null while unknown (an STK Query answer carries no amount). */
  amountPaid: number | null;
  /** True only when the amount paid is known and equals the amount asked. */
  amountVerified: boolean;
  /** True only when the amount paid is known and differs from the amount asked. */
  amountMismatch: boolean;
  failure: Failure | null;
  origin: Origin;
  /** When M-Pesa says the money moved, East Africa Time (`…+03:00`); null until known. */
  paidAt: string | null;
  /** Set when a C2B confirmation made or settled this payment. */
  c2b: C2bDetails | null;
  /** The payment that holds this request's money when its own success came with a receipt another payment (a walk-in C2B payment) already held; null otherwise. */
  paidAs: string | null;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
  settledAt: string | null;
  /** Set once a refund reversed the payment (status `reversed`): the reversal's receipt (null when M-Pesa did not name it). */
  reversal: { receipt: string | null; reversedAt: string } | null;
}

/** What `GET /api/v1/transactions/search` answers. */
export interface TransactionSearch {
  /** Newest first. */
  data: Transaction[];
  /** What the text was found as, in the order tried. */
  matchedAs: Array<'id' | 'checkoutRequestId' | 'receipt' | 'phone' | 'accountReference'>;
}

/** A payment as a browser holding the client secret sees it (Socket.io `transaction.updated`). */
export interface ClientTransaction {
  id: string;
  status: TransactionStatus;
  amount: number;
  currency: 'KES';
  /** Masked, e.g. `254712***678`. */
  phone: string;
  customerMessage: string | null;
  mpesaReceiptNumber: string | null;
  failure: Failure | null;
  /** True when the money was recorded as another payment (the merchant view's `paidAs`): paid, though `status` stays. */
  paidElsewhere: boolean;
  updatedAt: string;
  settledAt: string | null;
}

export interface InitiateInput {
  /** Any common Kenyan form: `07…`, `01…`, `2547…`, `+254…`. */
  phone: string;
  /** Whole KES. */
  amount: number;
  /** 1–12 printable characters, shown in the prompt. */
  accountReference: string;
  /** 1–13 printable characters; the service defaults to `Payment`. */
  description?: string;
  channel?: Channel;
  /** The M-Pesa account to collect into (`acc_…`); the project's default account of the key's mode when left out. */
  account?: string;
  /** Any JSON object up to 2 KB, returned as given. */
  metadata?: Record<string, unknown>;
}

/** What the simulated customer of a test payment does (`GET /api/v1/test-payments/outcomes` describes each). */
export type TestOutcome =
  | 'paid'
  | 'cancelled'
  | 'insufficient-funds'
  | 'unreachable'
  | 'wrong-pin'
  | 'no-callback'
  | 'duplicate-callback'
  | 'late-callback'
  | 'subscriber-locked'
  | 'spike-arrest'
  | 'token-expiry'
  | 'amount-mismatch'
  | 'cancelled-no-callback'
  | 'amount-string-no-balance'
  | 'single-item-metadata'
  | 'pending-empty-answer'
  | 'quota-violation'
  | 'prompt-failed';

/** A test payment: initiate without a phone, the outcome named instead (test keys, a simulator account). */
export interface TestPaymentInput extends Omit<InitiateInput, 'phone' | 'amount' | 'accountReference'> {
  outcome: TestOutcome;
  /** Whole KES; 10 when left out. */
  amount?: number;
  /** `TEST` when left out. */
  accountReference?: string;
}

export interface TestOutcomeInfo {
  name: TestOutcome;
  summary: string;
}

/** An outcome the simulator plays for a payout: pay `recipient` (a phone, or a PayBill or till) to see it. */
export interface PayoutTestOutcomeInfo {
  name: string;
  recipient: string;
  summary: string;
}

export interface InitiateResult {
  transaction: Transaction;
  /** Hand this to the browser: it opens this one transaction's Socket.io room and nothing else. */
  clientSecret: string;
  /** The key this call was made with: retry with the same key to get the same answer, never a second prompt. */
  idempotencyKey: string;
  /**
   * `accepted` (HTTP 201): Daraja accepted the push. `unknown` (HTTP 202): Daraja's answer never
   * came; the prompt may or may not have reached the customer, and the payment settles when
   * the callback arrives. Neither is a payment result: wait for that.
   */
  push: 'accepted' | 'unknown';
}

export interface ListFilters {
  status?: TransactionStatus;
  /** `stk`: started by a prompt; `paybill` / `till`: paid from the M-Pesa menu or a QR (C2B) to that channel. */
  channel?: 'stk' | 'paybill' | 'till';
  /** Any common Kenyan form. */
  phone?: string;
  /** Exactly the `accountReference` given at initiate (your order number). */
  accountReference?: string;
  /** The M-Pesa receipt number on the customer's SMS (any case). */
  receipt?: string;
  /** Inclusive bounds on `createdAt`. */
  from?: Date | string;
  to?: Date | string;
  /** Page size, 1–100 (service default 20). */
  limit?: number;
  /** A `nextCursor` from a previous page. */
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** What `transactions.reconcile` did (the service's reconciliation outcomes). */
export type ReconcileOutcome =
  | 'settled' // M-Pesa gave a final answer and the payment moved to it
  | 'already_final' // it was no longer pending (the callback came first)
  | 'in_progress' // the customer has not answered the prompt yet
  | 'no_answer' // M-Pesa gave no answer this time; the service asks again later
  | 'awaiting_callback' // the push's own answer was lost: nothing to ask about, the callback decides
  | 'expired' // no final answer within the service's limit: now `expired`
  | 'busy'; // another worker is asking about it right now

export interface ReconcileResult {
  /** The payment after the query, final or still pending. */
  transaction: Transaction;
  reconciliation: { outcome: ReconcileOutcome };
}
