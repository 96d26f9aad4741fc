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

/** The events that queued a delivery when recorded: only those need a delivery worker woken. */
const queued = new WeakSet<NewEvent>();

/**
 * Whether recording `event` queued a webhook delivery (an endpoint of its project wants it): a
 * committed event that queued none (a project without endpoints) wakes no delivery worker.
 */
export const queuedDeliveries = (event: NewEvent): boolean => queued.has(event);

/** Inside the transaction of the change: the events, and their deliveries (fan-out). */
export async function recordEvents(tx: Queryable, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.run(tx.qb.insertInto('Event').values([...events]));
  const projectIds = [...new Set(events.map((event) => event.projectId))];
  const endpoints = await tx.all(
    tx.qb
      .selectFrom('WebhookEndpoint')
      .select(['id', 'projectId', 'mode', 'eventTypes'])
      .where('projectId', 'in', projectIds)
      .where('deletedAt', 'is', null),
  );
  if (endpoints.length === 0) return;
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
  for (const event of events)
    if (deliveries.some((delivery) => delivery.eventId === event.id)) queued.add(event);
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
