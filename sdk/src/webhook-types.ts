// Webhooks as the SDK's callers see them: the body of a delivery (what verifyWebhook returns),
// and the views of the webhooks API (endpoints, the event log, deliveries and their attempts).
// Kept by hand in step with src/webhooks/webhook.view.ts and src/payments/event.types.ts; the type-check of
// tests/sdk/view-types.test.ts fails when they drift apart.
import type { Transaction } from './types.js';
import type { Payout } from './payout-types.js';
import type { StatusQuery } from './status-query-types.js';

/**
 * `transaction.updated`: details of a settled payment arrived later (the receipt after an STK
 * Query settled it), status unchanged. `transaction.received`: a payment the customer started
 * (C2B: a till or PayBill paid from the M-Pesa menu), already completed. `transaction.reversed`:
 * a refund gave a completed payment's money back (Daraja's Reversal API).
 */
export const TRANSACTION_EVENT_TYPES = [
  'transaction.completed',
  'transaction.failed',
  'transaction.cancelled',
  'transaction.expired',
  'transaction.updated',
  'transaction.received',
  'transaction.reversed',
] as const;
export type TransactionEventType = (typeof TRANSACTION_EVENT_TYPES)[number];

/** Money out: a payout succeeded, failed, or its outcome became unknown (resolved later by Transaction Status). */
export const PAYOUT_EVENT_TYPES = ['payout.succeeded', 'payout.failed', 'payout.unknown'] as const;
export type PayoutEventType = (typeof PAYOUT_EVENT_TYPES)[number];

export const WEBHOOK_EVENT_TYPES = [
  ...TRANSACTION_EVENT_TYPES,
  ...PAYOUT_EVENT_TYPES,
  'webhook_endpoint.disabled',
  'status_query.resolved',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What an endpoint subscribes to: event types, or `*` for every type (including types added later). */
export type EventTypeSelector = WebhookEventType | '*';

// The body of every delivery: Standard Webhooks' {type, timestamp, data}, with the event id too.

export interface TransactionEventData {
  /** The same view as `transactions.get`, as it was right after the change. */
  transaction: Transaction;
}

export interface PayoutEventData {
  /** The same view as `payouts.get`, as it was right after the change. */
  payout: Payout;
}

export interface EndpointDisabledEventData {
  /** `disabledReason`: `failing` (deliveries failed for WEBHOOK_DISABLE_AFTER, 5 days by default) or `gone` (it answered 410 Gone). */
  endpoint: { id: string; url: string; disabledReason: string };
}

export interface TransactionWebhookEvent {
  /** The event id (`evt_…`), also the `webhook-id` header: the same on every retry, so dedupe on it. */
  id: string;
  type: TransactionEventType;
  /** ISO 8601: when it happened, not when this attempt was sent. */
  timestamp: string;
  data: TransactionEventData;
}

export interface PayoutWebhookEvent {
  id: string;
  type: PayoutEventType;
  timestamp: string;
  data: PayoutEventData;
}

/** Sent to the project's other endpoints when the service gave up on one (410 Gone, or failing too long). */
export interface EndpointDisabledWebhookEvent {
  id: string;
  type: 'webhook_endpoint.disabled';
  timestamp: string;
  data: EndpointDisabledEventData;
}

export interface StatusQueryEventData {
  /** The same view as `GET /api/v1/transactions/status-queries/:id`, as it was when M-Pesa answered. */
  statusQuery: StatusQuery;
}

/** A "did receipt X pay us?" query got M-Pesa's answer (found, not found, failed or timed out). */
export interface StatusQueryResolvedWebhookEvent {
  id: string;
  type: 'status_query.resolved';
  timestamp: string;
  data: StatusQueryEventData;
}

/** Switch on `type`, and keep a default branch: later versions of the service may add types. */
export type WebhookEvent =
  | TransactionWebhookEvent
  | PayoutWebhookEvent
  | EndpointDisabledWebhookEvent
  | StatusQueryResolvedWebhookEvent;

// The webhooks API.

export interface WebhookEndpoint {
  /** `we_…` */
  id: string;
  url: string;
  description: string | null;
  eventTypes: EventTypeSelector[];
  enabled: boolean;
  /** Set while `enabled` is false: `manual` (you disabled it), `failing` (deliveries failed for WEBHOOK_DISABLE_AFTER, 5 days by default) or `gone` (it answered 410 Gone). */
  disabledReason: string | null;
  /** ISO 8601: the first failed attempt of the current run of failures; null while deliveries succeed. */
  failingSince: string | null;
  /** `failing` while attempts fail or any delivery is failing and retrying; `disabled` when not enabled. */
  health: 'healthy' | 'failing' | 'disabled';
  /** Deliveries that failed at least once and wait for their next attempt. */
  retrying: number;
  /** ISO 8601: when the soonest of those is attempted again; null when none waits. */
  nextRetryAt: string | null;
  /** ISO 8601: until when the secret from before the last rotation still signs too; null when it does not. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookEndpointWithSecret {
  endpoint: WebhookEndpoint;
  /** `whsec_…`: shown at creation and rotation only. Keep it beside your receiver; `verifyWebhook` needs it. */
  secret: string;
}

export interface CreateWebhookEndpointInput {
  /** `https://…` (plain http and private addresses only in simulator and development mode). */
  url: string;
  description?: string;
  /** Default `['*']`. */
  eventTypes?: EventTypeSelector[];
  /** Default true. Created disabled, it keeps its deliveries pending until enabled. */
  enabled?: boolean;
}

/** At least one field. Enabling a disabled endpoint sends what was kept pending at once. */
export interface UpdateWebhookEndpointInput {
  url?: string;
  /** null clears it. */
  description?: string | null;
  eventTypes?: EventTypeSelector[];
  enabled?: boolean;
}

export interface RotateSecretOptions {
  /** How long the old secret keeps signing beside the new one (0 to 604 800); default the service's WEBHOOK_SECRET_OVERLAP (24 h). */
  overlapSeconds?: number;
}

/** An event as the project's event log keeps it (`events.list`, `events.get`). */
interface EventRecordOf<Type extends WebhookEventType, Data> {
  /** `evt_…`, the `id` and `webhook-id` of its deliveries. */
  id: string;
  type: Type;
  /** The payment it is about; null for payout and endpoint events. */
  transactionId: string | null;
  /** ISO 8601, the `timestamp` of its deliveries. */
  createdAt: string;
  data: Data;
}
export type TransactionEventRecord = EventRecordOf<TransactionEventType, TransactionEventData>;
export type EndpointDisabledEventRecord = EventRecordOf<
  'webhook_endpoint.disabled',
  EndpointDisabledEventData
>;
export type PayoutEventRecord = EventRecordOf<PayoutEventType, PayoutEventData>;
export type StatusQueryResolvedEventRecord = EventRecordOf<'status_query.resolved', StatusQueryEventData>;
export type EventRecord =
  TransactionEventRecord | PayoutEventRecord | EndpointDisabledEventRecord | StatusQueryResolvedEventRecord;

export interface EventFilters {
  type?: WebhookEventType;
  transactionId?: string;
  /** Page size, 1–100 (service default 20). */
  limit?: number;
  /** A `nextCursor` from a previous page. */
  cursor?: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event to one endpoint: retried on its schedule until it succeeds or fails for good. */
export interface WebhookDelivery {
  /** `whd_…` */
  id: string;
  eventId: string;
  endpointId: string;
  status: DeliveryStatus;
  /** Attempts so far (reset by a redelivery). */
  attempts: number;
  /** ISO 8601, while pending. */
  nextAttemptAt: string | null;
  /** The last attempt's HTTP status; null when it got no answer (or there was none yet). */
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface DeliveryAttempt {
  /** `wha_…` */
  id: string;
  attemptedAt: string;
  /** null when the request got no answer (refused, timed out): see `error`. */
  statusCode: number | null;
  latencyMs: number;
  /** The start of what your endpoint answered. */
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDeliveryWithAttempts extends WebhookDelivery {
  /** Every attempt, oldest first. */
  attemptLog: DeliveryAttempt[];
}

export interface EventDetail {
  event: EventRecord;
  /** One per endpoint it went to, with every attempt. */
  deliveries: WebhookDeliveryWithAttempts[];
}

export interface DeliveryFilters {
  status?: DeliveryStatus;
  /** Page size, 1–100 (service default 20). */
  limit?: number;
  cursor?: string;
}

export interface RedeliverFailedInput {
  /** Deliveries created at or after this instant (a Date, or ISO 8601 with an offset). */
  since: Date | string;
}

export interface RedeliverEventOptions {
  /** Only to this endpoint (even one not subscribed to the type); default: every live endpoint that wants the type. */
  endpointId?: string;
}
