// Money out (payouts to a phone, B2C; supplier payments to a PayBill or till, B2B) as the SDK's callers see it. Kept by hand in step with the server's
// schemas (src/payments/payout.schema.ts, src/payouts/payout.settings.schema.ts);
// tests/sdk/view-types.test.ts fails the type-check when they drift apart.

/**
 * requested → awaiting_approval (when the project's policy wants approval) → submitted (sent to
 * Daraja once) → succeeded | failed; submitted → unknown when the answer or the result is missing
 * (resolved by Transaction Status, never by sending again); unknown → succeeded | failed.
 */
export const PAYOUT_STATUSES = [
  'requested',
  'awaiting_approval',
  'submitted',
  'unknown',
  'succeeded',
  'failed',
] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** Daraja's CommandID for a payout to a phone. */
export type PayoutPurpose = 'BusinessPayment' | 'SalaryPayment' | 'PromotionPayment';

/** Where the money goes: a phone (B2C), a PayBill with an account number, or a till (B2B). */
export type PayoutChannel = 'b2c' | 'b2b_paybill' | 'b2b_till';

/** Why a payout failed, or why its outcome is unknown. */
export interface PayoutReason {
  /** e.g. `insufficient_balance`, `recipient_unregistered`, `initiator_invalid`, `approval_rejected`, `answer_lost`. */
  code: string;
  message: string;
  resultCode: string | null;
  resultDesc: string | null;
}

export interface Payout {
  /** `po_…`; for a payout to a phone also the OriginatorConversationID Daraja was sent. */
  id: string;
  status: PayoutStatus;
  /** Whole KES, 10 to 250,000. */
  amount: number;
  currency: 'KES';
  channel: PayoutChannel;
  /** The phone paid (B2C); null for a PayBill or till. */
  phone: string | null;
  /** The PayBill paid and the account number there (B2B). */
  paybill: string | null;
  accountNumber: string | null;
  /** The till paid (B2B). */
  till: string | null;
  /** Daraja's CommandID: a {@link PayoutPurpose}, or `BusinessPayBill` / `BusinessBuyGoods`. */
  purpose: PayoutPurpose | 'BusinessPayBill' | 'BusinessBuyGoods';
  remarks: string;
  occasion: string | null;
  metadata: Record<string, unknown> | null;
  mode: 'test' | 'live';
  accountId: string | null;
  shortcode: string;
  /** `key:<public key>` or `user:<dashboard user id>`. */
  requestedBy: string;
  /** Present when the policy wanted an approval. */
  approval: {
    decision: 'approved' | 'rejected' | null;
    decidedBy: string | null;
    decidedAt: string | null;
  } | null;
  conversationId: string | null;
  /** What Daraja knows it by (Transaction Status asks by it): the id for a phone; Daraja's own for B2B. */
  originatorConversationId: string | null;
  mpesaReceiptNumber: string | null;
  receiverName: string | null;
  reason: PayoutReason | null;
  /** The batch it was asked for in, and its line there; null for a payout of its own. */
  batch: { id: string; line: number } | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  settledAt: string | null;
}

/** Exactly one recipient: `phone`, or `paybill` with `accountNumber`, or `till`. */
export interface CreatePayoutInput {
  /** Pay this M-Pesa customer (B2C). Any common Kenyan form: 07…, 01…, 2547…, +2547…. */
  phone?: string;
  /** Pay this PayBill (B2B, a supplier payment), with `accountNumber`. */
  paybill?: string;
  /** The account number at the PayBill: 1–13 characters. */
  accountNumber?: string;
  /** Pay this till (B2B, a supplier payment). */
  till?: string;
  /** Whole KES, 10 to 250,000. */
  amount: number;
  /** Phones only; default `BusinessPayment`. */
  purpose?: PayoutPurpose;
  /** 2–100 characters; `Payout` when left out. */
  remarks?: string;
  occasion?: string;
  /** `acc_…`; the project's default account of the key's mode when left out. */
  account?: string;
  metadata?: Record<string, unknown>;
}

export interface PayoutListFilters {
  status?: PayoutStatus;
  channel?: PayoutChannel;
  phone?: string;
  limit?: number;
  cursor?: string;
}

export interface PayoutHistory {
  statusChanges: Array<{
    fromStatus: string | null;
    toStatus: string;
    source: string;
    actor: string | null;
    resultCode: string | null;
    resultDesc: string | null;
    createdAt: string;
  }>;
  results: Array<{
    id: string;
    kind: 'result' | 'timeout' | 'status';
    receivedAt: string;
    sourceIp: string;
    outcome: string | null;
    body: string;
  }>;
}

export type PayoutApprovalPolicy = 'all' | 'above' | 'none';

/** A project's payout safety settings in one mode (only an operator changes them). */
export interface PayoutSettings {
  mode: 'test' | 'live';
  enabled: boolean;
  perPayoutMax: number;
  dailyMax: number;
  approval: PayoutApprovalPolicy;
  approvalAbove: number | null;
  allowedIps: string[] | null;
  updatedBy: string | null;
  updatedAt: string | null;
  usedToday: number;
}

/**
 * awaiting_approval (one approval for the whole batch) → sending (its rows go one at a time at the
 * deployment's pace) → sent (every row handed to Daraja; their outcomes follow); or rejected.
 */
export type PayoutBatchStatus = 'awaiting_approval' | 'sending' | 'sent' | 'rejected';

/** A batch of payouts (server: src/payouts/payout-batch.schema.ts). */
export interface PayoutBatch {
  /** `pob_…` */
  id: string;
  status: PayoutBatchStatus;
  mode: 'test' | 'live';
  rowCount: number;
  /** KES, the sum of its rows. */
  total: number;
  /** How many rows stand in each payout status. */
  counts: Partial<Record<PayoutStatus, number>>;
  requestedBy: string;
  /** Present when the policy wanted an approval. */
  approval: {
    decision: 'approved' | 'rejected' | null;
    decidedBy: string | null;
    decidedAt: string | null;
  } | null;
  createdAt: string;
  /** When its last row was handed to Daraja. */
  completedAt: string | null;
}

/** A batch with its rows, by line (the CSV line, or the row's place in `rows` from 1). */
export interface PayoutBatchDetail {
  batch: PayoutBatch;
  rows: Array<{ line: number; payout: Payout }>;
}

/**
 * The rows as JSON (each a {@link CreatePayoutInput} without `account`) or as CSV (header
 * phone,amount,purpose,remarks,occasion,reference,paybill,accountNumber,till): exactly one.
 * One bad row refuses the whole batch (`payout_batch_invalid`, `details.rows` by line and field).
 */
export interface CreatePayoutBatchInput {
  rows?: Array<Omit<CreatePayoutInput, 'account'>>;
  csv?: string;
  /** `acc_…` for every row; the project's default account of the key's mode when left out. */
  account?: string;
}

/** A batch checked and stored nowhere (`POST /api/v1/payout-batches/preview`): each row as read, with what is wrong with it. */
export interface PayoutBatchPreview {
  rows: Array<{
    line: number;
    /** The payout the row asks for, as read; null when the row is bad. */
    payout: Record<string, unknown> | null;
    /** A bad row as it was given. */
    given: Record<string, unknown> | null;
    errors: Array<{ field: string; message: string }>;
  }>;
  rowCount: number;
  badRows: number;
  /** KES, the sum of the good rows. */
  total: number;
  approvalRequired: boolean;
}
