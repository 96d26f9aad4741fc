// The payout state machine (money out: B2C to a phone, B2B to a PayBill or till). States only move forward:
//
//   requested -> awaiting_approval            (the project's policy wants a second person)
//   requested | awaiting_approval -> submitted (claimed for its one send: compare-and-set, then Daraja)
//   awaiting_approval -> failed               (rejected by the approver: nothing was sent)
//   requested | awaiting_approval -> failed   (a batch row that could not be sent: never claimed,
//                                              so nothing reached Daraja; payout-batch.worker.ts)
//   submitted -> succeeded | failed           (Daraja's result, a documented refusal, Transaction Status)
//   submitted -> unknown                      (the answer or the result is missing: asked, never resent)
//   unknown -> succeeded | failed             (a late result, or Transaction Status)
//   failed -> succeeded                       (only Daraja's word: the money moved, the record follows)
//   succeeded is final.
//
// The one send is the move to `submitted`: a payout leaves `requested` or `awaiting_approval`
// exactly once, so however many requests, approvals or instances race, Daraja is called once.
// Nothing ever moves a payout back to be sent again: an unknown outcome is resolved by
// Transaction Status (by our id, the OriginatorConversationID), never by another request.
export const PAYOUT_STATUSES = [
  'requested',
  'awaiting_approval',
  'submitted',
  'unknown',
  'succeeded',
  'failed',
] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

const NEXT: Record<PayoutStatus, readonly PayoutStatus[]> = {
  requested: ['awaiting_approval', 'submitted', 'failed'],
  awaiting_approval: ['submitted', 'failed'],
  submitted: ['succeeded', 'failed', 'unknown'],
  unknown: ['succeeded', 'failed'],
  failed: ['succeeded'],
  succeeded: [],
};

export function canMovePayout(from: PayoutStatus, to: PayoutStatus): boolean {
  return NEXT[from].includes(to);
}

/** Whether a payout in `status` has already been handed to Daraja (or may have been). */
export const wasSent = (status: PayoutStatus) => status !== 'requested' && status !== 'awaiting_approval';

/**
 * What moved a payout: Daraja's word (`result`, `queue_timeout`, `status_query`) or ours
 * (`refused`: a documented synchronous refusal; `rejected`: the approver said no; `not_sent`: a
 * batch row that could not be sent, failed before its claim; `answer_lost`: the request's answer
 * never came; `result_overdue`: the result never came and Transaction Status could not tell yet).
 */
export type PayoutSource =
  | 'request'
  | 'approval'
  | 'send'
  | 'result'
  | 'queue_timeout'
  | 'status_query'
  | 'refused'
  | 'rejected'
  | 'not_sent'
  | 'answer_lost'
  | 'result_overdue';

/** Daraja's limits on one B2C payment (docs/daraja.md "Payouts (B2C)"): KES 10 to 250,000. */
export const B2C_MIN_AMOUNT = 10;
export const B2C_MAX_AMOUNT = 250_000;

/** What the merchant may ask Daraja to pay as (CommandID). */
export const PAYOUT_PURPOSES = ['BusinessPayment', 'SalaryPayment', 'PromotionPayment'] as const;
export type PayoutPurpose = (typeof PAYOUT_PURPOSES)[number];

/**
 * Where a payout's money goes, each on the same ledger and state machine: a phone (B2C), a
 * PayBill with an account number or a till (B2B, Daraja's Business Pay Bill and Business Buy
 * Goods, docs/daraja.md "Supplier payments (B2B)").
 */
export const PAYOUT_CHANNELS = ['b2c', 'b2b_paybill', 'b2b_till'] as const;
export type PayoutChannel = (typeof PAYOUT_CHANNELS)[number];

/** B2B's CommandID for each business channel. */
export const B2B_COMMAND_OF = {
  b2b_paybill: 'BusinessPayBill',
  b2b_till: 'BusinessBuyGoods',
} as const satisfies Record<Exclude<PayoutChannel, 'b2c'>, string>;
export type B2bCommandId = (typeof B2B_COMMAND_OF)[keyof typeof B2B_COMMAND_OF];

export interface PayoutReason {
  code: string;
  message: string;
}

// Mapped on ResultCode, never on ResultDesc (docs/daraja.md "Payouts (B2C)", the B2C result
// code table of Daraja's BusinessToCustomer page).
const RESULT_REASONS: Record<string, PayoutReason> = {
  '1': {
    code: 'insufficient_balance',
    message:
      "The shortcode's account has too little money for this payout (B2C pays from Utility, B2B from Working)",
  },
  '2': { code: 'amount_below_minimum', message: 'The amount is below the B2C minimum' },
  '3': { code: 'amount_above_maximum', message: 'The amount is above the B2C per-payment maximum' },
  '4': {
    code: 'recipient_daily_limit',
    message: "The payout would exceed the recipient's daily M-Pesa limit",
  },
  // M-Pesa's older result code list (G2), which client libraries still carry: "Unresolved
  // Receiver Party" (docs/daraja.md "Supplier payments (B2B)").
  '7': {
    code: 'recipient_invalid',
    message: 'The PayBill or till paid does not exist on M-Pesa or cannot receive this payment',
  },
  '8': {
    code: 'recipient_balance_limit',
    message: "The payout would exceed the recipient's maximum M-Pesa balance",
  },
  '11': {
    code: 'shortcode_inactive',
    message: 'The B2C shortcode is not active (Daraja: the DebitParty is in an invalid state)',
  },
  '21': {
    code: 'initiator_not_permitted',
    message: 'The initiator lacks the ORG B2C API initiator role; the Business Administrator can add it',
  },
  '2001': {
    code: 'initiator_invalid',
    message:
      "Daraja refused the initiator: a wrong initiator name or password, or a SecurityCredential encrypted with the wrong environment's certificate",
  },
  '2006': {
    code: 'shortcode_inactive',
    message: "The B2C shortcode's status does not allow this payout",
  },
  '2028': {
    code: 'shortcode_not_permitted',
    message: 'The shortcode is not set up for B2C payouts',
  },
  '2040': {
    code: 'recipient_unregistered',
    message: 'The phone is not a registered M-Pesa customer; B2C pays registered customers only',
  },
  '8006': {
    code: 'initiator_locked',
    message:
      "The initiator's password is locked after failed attempts; the Business Administrator can unlock it on the M-Pesa portal",
  },
  SFC_IC0003: {
    code: 'recipient_unknown',
    message: 'The phone number does not exist on M-Pesa',
  },
};

/** Why a payout failed, from Daraja's ResultCode; an unknown code keeps the code in the message. */
export function payoutReasonOf(resultCode: string): PayoutReason {
  return (
    RESULT_REASONS[resultCode] ?? {
      code: 'declined',
      message: `M-Pesa declined the payout (result code ${resultCode})`,
    }
  );
}

/** Our own reasons, for what Daraja did not put in a result. */
export const PAYOUT_REASONS = {
  rejected: { code: 'approval_rejected', message: 'The approver rejected the payout; nothing was sent' },
  answerLost: {
    code: 'answer_lost',
    message:
      "Daraja's answer to the payout request never came; Transaction Status is asked, the payout is never sent again",
  },
  resultOverdue: {
    code: 'result_overdue',
    message: 'The result has not arrived; Transaction Status is asked, the payout is never sent again',
  },
  queueTimeout: {
    code: 'queue_timeout',
    message: 'M-Pesa reported a queue timeout; Transaction Status is asked whether it was paid',
  },
} as const satisfies Record<string, PayoutReason>;
