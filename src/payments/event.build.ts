// Event bodies. The body is built once, stored, and sent byte for byte on every attempt, so a
// retry carries the same id and the same data as the first try.
import { newId } from '../ids';
import type { Mode } from '../core/scope';
import { toMerchantView, type TransactionRow } from './transaction.view';
import type { EventType, NewDelivery, NewEvent, PayoutEventType, TransactionChange } from './event.types';
import type { PayoutRow } from './payout.repository';
import { toPayoutView } from './payout.view';
import { subscribes } from './event.types';

/** An event of any kind: its body built once, to be stored and sent byte for byte. */
export function buildEvent(
  scope: { projectId: string; mode: Mode },
  type: EventType,
  transactionId: string | null,
  data: object,
  now: Date,
): NewEvent {
  const id = newId('evt', now);
  return {
    id,
    projectId: scope.projectId,
    mode: scope.mode,
    type,
    transactionId,
    // Standard Webhooks' recommended shape ({type, timestamp, data}), with our id inside too.
    payload: JSON.stringify({ id, type, timestamp: now.toISOString(), data }),
    createdAt: now,
  };
}

/**
 * The event for a committed change of `row` (the row as the change leaves it): a move to a
 * final status, `updated` for details that arrived without a move, `received` for a payment
 * the customer started (C2B).
 */
export function transactionEvent(row: TransactionRow, change: TransactionChange, now: Date): NewEvent {
  return buildEvent(
    { projectId: row.projectId, mode: row.mode as Mode },
    `transaction.${change}`,
    row.id,
    { transaction: toMerchantView(row) },
    now,
  );
}

/** The event for a committed move of a payout (the row as the move leaves it). */
export function payoutEvent(row: PayoutRow, type: PayoutEventType, now: Date): NewEvent {
  return buildEvent(
    { projectId: row.projectId, mode: row.mode as Mode },
    type,
    null,
    { payout: toPayoutView(row) },
    now,
  );
}

export function endpointDisabledEvent(
  endpoint: { id: string; projectId: string; mode: Mode; url: string },
  reason: string,
  now: Date,
): NewEvent {
  return buildEvent(
    endpoint,
    'webhook_endpoint.disabled',
    null,
    { endpoint: { id: endpoint.id, url: endpoint.url, disabledReason: reason } },
    now,
  );
}

/** One pending delivery per endpoint that wants this event (the outbox fan-out). */
export function deliveriesFor(
  event: NewEvent,
  endpoints: ReadonlyArray<{ id: string; eventTypes: string }>,
): NewDelivery[] {
  return endpoints
    .filter((endpoint) => subscribes(endpoint.eventTypes, event.type))
    .map((endpoint) => ({
      id: newId('whd', event.createdAt),
      eventId: event.id,
      endpointId: endpoint.id,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: event.createdAt,
      createdAt: event.createdAt,
    }));
}
