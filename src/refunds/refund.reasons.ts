// What Daraja's answers about a reversal mean for a refund (docs/payouts.md "Refunds"), mapped on
// ResultCode, never on ResultDesc. Pure.
//   R000001  the payment was already reversed (on the M-Pesa portal, or by an earlier request)
//   R000002  M-Pesa knows no such received payment of this shortcode (a payout's receipt
//            included: the Reversal API gives back received payments only, docs/daraja.md §7)
// A Transaction Status result on the original receipt settles an unknown refund: "Reversed"
// is a success; "Completed" (still with the merchant) after the result's wait is a failure, and
// M-Pesa itself refuses a second reversal of the same receipt (R000001), so asking again is safe.
import { parseDarajaResult, type DarajaResult } from '../payments/payout.result';
import type { RefundStatus } from '../payments/refund.ledger';

export interface RefundReason {
  code: string;
  message: string;
}

export const REFUND_REASONS = {
  alreadyReversed: {
    code: 'already_reversed',
    message:
      'M-Pesa says this payment was already reversed (on the M-Pesa portal or by an earlier request): nothing moved now',
  },
  receiptUnknown: {
    code: 'receipt_unknown',
    message:
      "M-Pesa knows no payment with this receipt to the account's shortcode: only received payments can be reversed",
  },
  insufficientBalance: {
    code: 'insufficient_balance',
    message: "The shortcode's account holds less than the refund: top it up and ask again",
  },
  initiatorInvalid: {
    code: 'initiator_invalid',
    message:
      "M-Pesa refused the account's initiator name or password (or the certificate is another environment's)",
  },
  initiatorLocked: {
    code: 'initiator_locked',
    message: "The account's initiator is locked: the Business Administrator unlocks it on the M-Pesa portal",
  },
  initiatorNotPermitted: {
    code: 'initiator_not_permitted',
    message: 'The initiator lacks the Reversal role on the M-Pesa portal',
  },
  rejected: { code: 'approval_rejected', message: 'The approver rejected the refund: nothing was sent' },
  answerLost: {
    code: 'answer_lost',
    message:
      "Daraja's answer was lost: Transaction Status is asked about the receipt; it is never sent again",
  },
  resultOverdue: {
    code: 'result_overdue',
    message: "Daraja's result did not come in time: Transaction Status is asked about the receipt",
  },
  queueTimeout: {
    code: 'queue_timeout',
    message: 'M-Pesa gave up waiting in its queue: Transaction Status is asked about the receipt',
  },
  notReversed: {
    code: 'not_reversed',
    message: 'Transaction Status says the payment is still with the merchant: the reversal did not happen',
  },
} as const satisfies Record<string, RefundReason>;

const BY_RESULT_CODE: Record<string, RefundReason> = {
  R000001: REFUND_REASONS.alreadyReversed,
  R000002: REFUND_REASONS.receiptUnknown,
  '1': REFUND_REASONS.insufficientBalance,
  '2001': REFUND_REASONS.initiatorInvalid,
  '8006': REFUND_REASONS.initiatorLocked,
  '21': REFUND_REASONS.initiatorNotPermitted,
};

export function refundReasonOf(resultCode: string): RefundReason {
  return (
    BY_RESULT_CODE[resultCode] ?? {
      code: 'declined',
      message: `M-Pesa declined the reversal (result code ${resultCode})`,
    }
  );
}

export interface RefundOutcome {
  to: Extract<RefundStatus, 'succeeded' | 'failed' | 'unknown'>;
  resultCode: string | null;
  resultDesc: string | null;
  reason: RefundReason | null;
  conversationId?: string;
  reversalReceipt?: string;
}

/** "SIK0000000": what Daraja puts where a failure has no real transaction. */
const PLACEHOLDER = /^[A-Z0-9]{3}0{7}$/;

function reversalResult(result: DarajaResult): RefundOutcome {
  const base = {
    resultCode: result.resultCode,
    resultDesc: result.resultDesc ?? null,
    ...(result.conversationId ? { conversationId: result.conversationId } : {}),
  };
  if (result.resultCode !== '0') return { ...base, to: 'failed', reason: refundReasonOf(result.resultCode) };
  const receipt = result.transactionId?.trim();
  return {
    ...base,
    to: 'succeeded',
    reason: null,
    ...(receipt && !PLACEHOLDER.test(receipt) ? { reversalReceipt: receipt } : {}),
  };
}

/** A Transaction Status result about the original receipt; undefined when it settles nothing. */
function statusResult(result: DarajaResult, overdue: boolean): RefundOutcome | undefined {
  if (result.resultCode !== '0') return undefined;
  const value = result.parameters.get('TransactionStatus');
  const status = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const base = { resultCode: result.resultCode, resultDesc: result.resultDesc ?? null };
  if (status === 'reversed') return { ...base, to: 'succeeded', reason: null };
  if (status === 'completed' && overdue) return { ...base, to: 'failed', reason: REFUND_REASONS.notReversed };
  return undefined;
}

export type RefundResultKind = 'result' | 'timeout' | 'status' | 'status-timeout';

/**
 * What a stored result says: an outcome, 'undecided' (read, settles nothing), or undefined (not
 * a readable Daraja result). `overdue`: the reversal's result wait is over.
 */
export function readRefundResult(
  kind: RefundResultKind,
  rawBody: Buffer,
  overdue: boolean,
): RefundOutcome | 'undecided' | undefined {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    body = undefined;
  }
  const result = parseDarajaResult(body);
  if (kind === 'timeout')
    return {
      to: 'unknown',
      resultCode: result?.resultCode ?? null,
      resultDesc: result?.resultDesc ?? null,
      reason: REFUND_REASONS.queueTimeout,
    };
  if (kind === 'status-timeout') return 'undecided';
  if (!result) return undefined;
  if (kind === 'result') return reversalResult(result);
  return statusResult(result, overdue) ?? 'undecided';
}
