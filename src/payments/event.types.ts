// What the outbox records and webhooks deliver. A transaction event is written in the same
// database transaction as the status change it reports; an endpoint event in the same
// transaction as the endpoint's disabling.
import type { Mode } from '../core/scope';
import type { FinalStatus } from './transaction.states';

export const TRANSACTION_EVENT_TYPES = [
  'transaction.completed',
  'transaction.failed',
  'transaction.cancelled',
  'transaction.expired',
  // Details of a settled payment arrived later without a move: the receipt, amount and date of
  // a payment an STK Query settled first, or M-Pesa's reason for a payment we had expired.
  'transaction.updated',
  // A payment the customer started (C2B: a till or PayBill paid from the M-Pesa menu or a QR)
  // that settled no open request: new to the merchant, and already completed.
  'transaction.received',
  // A refund gave a completed payment's money back (Daraja's Reversal API, src/refunds).
  'transaction.reversed',
] as const satisfies ReadonlyArray<`transaction.${TransactionChange}`>;

/** What a transaction event reports: a move to a final status, details added, or a payment received. */
export type TransactionChange = FinalStatus | 'updated' | 'received';

// Money out: a payout reached a final state, or its outcome became unknown (the answer or the
// result is missing; Transaction Status is asked, the payout is never sent again).
export const PAYOUT_EVENT_TYPES = ['payout.succeeded', 'payout.failed', 'payout.unknown'] as const;
export type PayoutEventType = (typeof PAYOUT_EVENT_TYPES)[number];

/** A Transaction Status query got its answer (src/status-queries): found, not found, failed or timed out. */
export const STATUS_QUERY_EVENT_TYPES = ['status_query.resolved'] as const;

export const EVENT_TYPES = [
  ...TRANSACTION_EVENT_TYPES,
  ...PAYOUT_EVENT_TYPES,
  'webhook_endpoint.disabled',
  ...STATUS_QUERY_EVENT_TYPES,
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An endpoint subscribed to "*" receives every type, including types added later. */
export const ALL_EVENTS = '*';

export interface NewEvent {
  id: string;
  projectId: string;
  /** The mode of what it reports: it goes only to endpoints of that mode. */
  mode: Mode;
  type: EventType;
  /** The payment it reports; null for a payout's or an endpoint's event. */
  transactionId: string | null;
  /** The exact JSON body of every delivery of this event. */
  payload: string;
  createdAt: Date;
}

export interface NewDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  status: 'pending';
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
}

export function subscribes(eventTypes: string, type: EventType): boolean {
  const wanted = JSON.parse(eventTypes) as string[];
  return wanted.includes(ALL_EVENTS) || wanted.includes(type);
}
