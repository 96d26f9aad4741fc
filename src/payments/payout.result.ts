// Safaricom's asynchronous results (B2C on ResultURL, Transaction Status on its ResultURL),
// read leniently: ResultCode and ResultType as numbers or strings, ResultParameters.ResultParameter
// as a list or a single object, items with no Value, parameters by Key (never by index), unknown
// fields ignored. A failure carries a TransactionID too, which is no receipt (Daraja's own
// sample failure has one; others are placeholders such as "SIK0000000"): only a success's is
// kept (docs/daraja.md "Payouts (B2C)").
import { wholeAmountOf } from './amount';
import { PAYOUT_REASONS, payoutReasonOf, type PayoutReason, type PayoutStatus } from './payout.states';

export interface DarajaResult {
  resultType: string | undefined;
  resultCode: string;
  resultDesc: string | undefined;
  originatorConversationId: string | undefined;
  conversationId: string | undefined;
  transactionId: string | undefined;
  /** ResultParameters by Key; a Key with no Value maps to undefined. */
  parameters: Map<string, unknown>;
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : undefined;

function parametersOf(result: Record<string, unknown>): Map<string, unknown> {
  const parameters = new Map<string, unknown>();
  const holder = result.ResultParameters as { ResultParameter?: unknown } | undefined;
  const items = holder?.ResultParameter;
  const list: unknown[] = Array.isArray(items) ? items : items && typeof items === 'object' ? [items] : [];
  for (const item of list) {
    const key = (item as { Key?: unknown } | null)?.Key;
    // The first of a repeated Key wins (Transaction Status repeats DebitPartyName).
    if (typeof key === 'string' && !parameters.has(key))
      parameters.set(key, (item as { Value?: unknown }).Value);
  }
  return parameters;
}

/** The result's fields, or undefined when the body is not a Daraja `{ Result: { ResultCode } }`. */
export function parseDarajaResult(body: unknown): DarajaResult | undefined {
  const result = (body as { Result?: unknown } | undefined)?.Result;
  if (!result || typeof result !== 'object' || Array.isArray(result)) return undefined;
  const fields = result as Record<string, unknown>;
  const resultCode = asString(fields.ResultCode)?.trim();
  if (resultCode === undefined || resultCode === '') return undefined;
  return {
    resultType: asString(fields.ResultType),
    resultCode,
    resultDesc: asString(fields.ResultDesc),
    originatorConversationId: asString(fields.OriginatorConversationID),
    conversationId: asString(fields.ConversationID),
    transactionId: asString(fields.TransactionID),
    parameters: parametersOf(fields),
  };
}

/** What Daraja said about a payout, ready for the state machine (payout.settle.ts). */
export interface PayoutOutcome {
  to: Extract<PayoutStatus, 'succeeded' | 'failed' | 'unknown'>;
  resultCode: string | null;
  resultDesc: string | null;
  reason: PayoutReason | null;
  conversationId?: string;
  /** B2B: the OriginatorConversationID Daraja gave, learnt from a result when its answer was lost. */
  originatorConversationId?: string;
  mpesaReceiptNumber?: string;
  receiverName?: string;
  completedAt?: string;
  /** The Utility account's balance after it, in cents (exact), when Daraja reported it. */
  utilityBalanceCents?: string;
  /** The amount Daraja reports paid (whole KES), compared with the amount asked. */
  amountPaid?: number;
}

/** "SIK0000000", "MBN0000000": what Daraja puts where a transaction has no real id. */
const PLACEHOLDER_RECEIPT = /^[A-Z0-9]{3}0{7}$/;
const receiptOf = (value: unknown): string | undefined => {
  const text = asString(value)?.trim();
  return text && !PLACEHOLDER_RECEIPT.test(text) ? text : undefined;
};

/** A decimal amount such as 8959269.60 (or "-1980.00") as exact cents; undefined when not one. */
export function centsOf(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : asString(value);
  const match = text === undefined ? null : /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const cents = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '0').padEnd(2, '0'));
  return `${match[1] === '-' && cents !== 0n ? '-' : ''}${cents}`;
}

/**
 * A B2C or B2B result (ResultURL) as a payout outcome. B2B names its parameters otherwise
 * (`Amount`, `TransCompletedTime`, no Utility balance) and its receipt is the TransactionID
 * (docs/daraja.md "Supplier payments (B2B)").
 */
export function outcomeOfB2cResult(result: DarajaResult): PayoutOutcome {
  const base = {
    resultCode: result.resultCode,
    resultDesc: result.resultDesc ?? null,
    ...(result.conversationId ? { conversationId: result.conversationId } : {}),
    ...(result.originatorConversationId ? { originatorConversationId: result.originatorConversationId } : {}),
  };
  if (result.resultCode !== '0') return { ...base, to: 'failed', reason: payoutReasonOf(result.resultCode) };
  const parameters = result.parameters;
  return {
    ...base,
    to: 'succeeded',
    reason: null,
    mpesaReceiptNumber: receiptOf(parameters.get('TransactionReceipt')) ?? receiptOf(result.transactionId),
    receiverName: asString(parameters.get('ReceiverPartyPublicName')),
    completedAt:
      asString(parameters.get('TransactionCompletedDateTime')) ??
      asString(parameters.get('TransCompletedTime')),
    utilityBalanceCents: centsOf(parameters.get('B2CUtilityAccountAvailableFunds')),
    amountPaid: wholeAmountOf(parameters.get('TransactionAmount') ?? parameters.get('Amount')),
  };
}

/** Whatever reaches the QueueTimeOutURL: M-Pesa did not process it in time, or cannot say. */
export function outcomeOfQueueTimeout(result: DarajaResult | undefined): PayoutOutcome {
  return {
    to: 'unknown',
    resultCode: result?.resultCode ?? null,
    resultDesc: result?.resultDesc ?? null,
    reason: PAYOUT_REASONS.queueTimeout,
  };
}

// TransactionStatus values that end a payout (Transaction Status result, docs/daraja.md).
const STATUS_SUCCEEDED = new Set(['completed']);
const STATUS_FAILED = new Set(['failed', 'declined', 'cancelled', 'expired']);

/**
 * A Transaction Status result about a payout: a decision only when the query itself succeeded
 * (ResultCode 0) and named a final TransactionStatus; undefined otherwise (the transaction is
 * not found yet, still in flight, or the query was refused): the payout is asked about again.
 */
export function outcomeOfStatusResult(result: DarajaResult): PayoutOutcome | undefined {
  if (result.resultCode !== '0') return undefined;
  const parameters = result.parameters;
  const status = asString(parameters.get('TransactionStatus'))?.trim().toLowerCase() ?? '';
  const common = {
    resultCode: result.resultCode,
    resultDesc: result.resultDesc ?? null,
    ...(asString(parameters.get('ConversationID'))
      ? { conversationId: asString(parameters.get('ConversationID')) }
      : {}),
  };
  if (STATUS_SUCCEEDED.has(status))
    return {
      ...common,
      to: 'succeeded',
      reason: null,
      mpesaReceiptNumber: receiptOf(parameters.get('ReceiptNo')),
      completedAt: asString(parameters.get('FinalisedTime')),
      amountPaid: wholeAmountOf(parameters.get('Amount')),
    };
  if (STATUS_FAILED.has(status))
    return {
      ...common,
      resultCode: null,
      to: 'failed',
      reason: {
        code: 'declined',
        message: `Transaction Status reports the payout ${status}`,
      },
    };
  return undefined;
}

export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
