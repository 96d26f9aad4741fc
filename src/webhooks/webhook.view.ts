// Responses of the webhooks API: rows are never sent as they are (secrets stay sealed).
import type { EventRow } from '../payments/event.repository';
import { NOT_RETRYING, type AttemptRow, type DeliveryRow, type Retrying } from './delivery.repository';
import type { EndpointRow } from './endpoint.repository';
import type { AttemptView, DeliveryView, EndpointView, EventView } from './webhook.responses';

export function toEndpointView(
  row: EndpointRow,
  { retrying, nextRetryAt }: Retrying = NOT_RETRYING,
): EndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.eventTypes) as string[],
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince?.toISOString() ?? null,
    health: !row.enabled ? 'disabled' : row.failingSince || retrying > 0 ? 'failing' : 'healthy',
    retrying,
    nextRetryAt: nextRetryAt?.toISOString() ?? null,
    previousSecretExpiresAt: row.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toEventView(row: EventRow): EventView {
  const body = JSON.parse(row.payload) as { data: EventView['data'] };
  return {
    id: row.id,
    type: row.type,
    transactionId: row.transactionId,
    createdAt: row.createdAt.toISOString(),
    data: body.data,
  };
}

export function toAttemptView(row: AttemptRow): AttemptView {
  return {
    id: row.id,
    attemptedAt: row.attemptedAt.toISOString(),
    statusCode: row.statusCode,
    latencyMs: row.latencyMs,
    responseBody: row.responseBody,
    error: row.error,
  };
}

export function toDeliveryView(row: DeliveryRow & { attemptLog?: AttemptRow[] }): DeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    endpointId: row.endpointId,
    status: row.status as 'pending' | 'succeeded' | 'failed',
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    ...(row.attemptLog ? { attemptLog: row.attemptLog.map(toAttemptView) } : {}),
  };
}
