// The outbox and the event log. An event is written in the same database transaction as the
// change it reports, with one pending delivery per endpoint of its project that wants it, so
// a committed change always has its webhooks queued and an uncommitted one never does. A
// disabled endpoint's deliveries wait, pending, until it is enabled again (or deleted).
import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { Event } from '../db/database.types';
import type { Scope } from '../core/scope';
import { deliveriesFor } from './event.build';
import type { NewEvent } from './event.types';

export type EventRow = Selectable<Event>;

/**
 * Inside the transaction of the change: the events, and their deliveries (fan-out). Resolves with
 * the ids of the events that queued a delivery: only those need a delivery worker woken.
 */
export async function recordEvents(tx: Queryable, events: readonly NewEvent[]): Promise<Set<string>> {
  const queued = new Set<string>();
  if (events.length === 0) return queued;
  await tx.run(tx.qb.insertInto('Event').values([...events]));
  const projectIds = [...new Set(events.map((event) => event.projectId))];
  const endpoints = await tx.all(
    tx.qb
      .selectFrom('WebhookEndpoint')
      .select(['id', 'projectId', 'mode', 'eventTypes'])
      .where('projectId', 'in', projectIds)
      .where('deletedAt', 'is', null),
  );
  if (endpoints.length === 0) return queued;
  // Disabled endpoints get theirs too: held pending (the worker claims for enabled endpoints
  // only) and sent when the endpoint is enabled again, as the README promises (issue 18 C1).
  // Test events reach test endpoints only, live events live ones.
  const deliveries = events.flatMap((event) =>
    deliveriesFor(
      event,
      endpoints.filter((endpoint) => endpoint.projectId === event.projectId && endpoint.mode === event.mode),
    ),
  );
  if (deliveries.length > 0) await tx.run(tx.qb.insertInto('WebhookDelivery').values(deliveries));
  for (const delivery of deliveries) queued.add(delivery.eventId);
  return queued;
}

export function findProjectEvent(q: Queryable, scope: Scope, id: string): Promise<EventRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('Event')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

export interface EventFilters {
  type?: string;
  transactionId?: string;
  before?: string;
  limit: number;
}

export function listEvents(q: Queryable, scope: Scope, filters: EventFilters): Promise<EventRow[]> {
  let query = q.qb
    .selectFrom('Event')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (filters.type) query = query.where('type', '=', filters.type);
  if (filters.transactionId) query = query.where('transactionId', '=', filters.transactionId);
  if (filters.before) query = query.where('id', '<', filters.before);
  return q.all(query.orderBy('id', 'desc').limit(filters.limit));
}
