// Refunds and balances as the service sends them (src/refunds/refund.routes.ts,
// src/balances/balance.routes.ts), kept by hand like the other views.

export type RefundStatus = 'awaiting_approval' | 'submitted' | 'succeeded' | 'failed' | 'unknown';

export interface Refund {
  /** `rf_…` */
  id: string;
  transactionId: string;
  status: RefundStatus;
  /** Whole KES: the full amount of the payment. */
  amount: number;
  /** The payment's M-Pesa receipt. */
  receipt: string;
  /** The reversal's own receipt, once it succeeded. */
  reversalReceipt: string | null;
  shortcode: string;
  remarks: string;
  requestedBy: string;
  decidedBy: string | null;
  conversationId: string | null;
  /** Why it failed or is unknown: `already_reversed` (R000001), `receipt_unknown` (R000002), … */
  reason: { code: string; message: string; resultCode: string | null } | null;
  createdAt: string;
  updatedAt: string;
  settledAt: string | null;
}

export interface RefundListFilters {
  status?: RefundStatus;
  transactionId?: string;
  limit?: number;
  cursor?: string;
}

export interface NamedBalance {
  /** As M-Pesa names it: `Working Account`, `Utility Account`, … */
  name: string;
  currency: string;
  /** Exact cents. */
  currentCents: number;
  availableCents: number;
  reservedCents: number;
  unclearedCents: number;
}

export interface BalanceCheck {
  /** `bal_…` */
  id: string;
  accountId: string | null;
  shortcode: string;
  status: 'pending' | 'succeeded' | 'failed';
  accounts: NamedBalance[] | null;
  /** Daraja's AccountBalance string as it came. */
  raw: string | null;
  completedTime: string | null;
  resultCode: string | null;
  resultDesc: string | null;
  requestedBy: string;
  createdAt: string;
  settledAt: string | null;
}

export interface BalanceOverview {
  data: BalanceCheck[];
  waitingPayouts: { count: number; amount: number };
  warnings: Array<{ code: 'utility_below_waiting_payouts'; shortcode: string; message: string }>;
}
