// The project's event log: what happened, what was delivered where, and replay.
import type { Database } from '../db/database';
import type { Scope } from '../core/scope';
import { AppError } from '../errors';
import { newId } from '../ids';
import { listEventDeliveries, requeueDeliveries } from './delivery.repository';
import { findProjectEndpoint, listProjectEndpoints } from './endpoint.repository';
import { toDeliveryView, toEventView } from './webhook.view';
import { findProjectEvent, listEvents } from '../payments/event.repository';
import type { EventsQuery } from './event.schema';
import { subscribes, type EventType } from '../payments/event.types';

export type EventsService = ReturnType<typeof createEventsService>;

export function createEventsService({ db, wake }: { db: Database; wake(): void }) {
  async function find(scope: Scope, id: string) {
    const row = await findProjectEvent(db, scope, id);
    if (!row) throw new AppError('event_not_found', `No event ${id} in this project`);
    return row;
  }

  async function list(scope: Scope, query: EventsQuery) {
    const rows = await listEvents(db, scope, {
      type: query.type,
      transactionId: query.transactionId,
      before: query.cursor,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      data: page.map(toEventView),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  }

  async function get(scope: Scope, id: string) {
    const event = await find(scope, id);
    const deliveries = await listEventDeliveries(db, id);
    return { event: toEventView(event), deliveries: deliveries.map(toDeliveryView) };
  }

  /**
   * Sends the event again, with the same webhook-id: to one endpoint, or to every live
   * endpoint that wants its type (including endpoints registered after it happened).
   */
  async function redeliver(scope: Scope, id: string, endpointId: string | undefined) {
    const event = await find(scope, id);
    let targets;
    if (endpointId) {
      const endpoint = await findProjectEndpoint(db, scope, endpointId);
      if (!endpoint)
        throw new AppError('webhook_endpoint_not_found', `No webhook endpoint ${endpointId} in this project`);
      targets = [endpoint];
    } else {
      targets = (await listProjectEndpoints(db, scope)).filter((endpoint) =>
        subscribes(endpoint.eventTypes, event.type as EventType),
      );
    }
    const now = new Date();
    const deliveries = await db.transaction((tx) =>
      requeueDeliveries(
        tx,
        targets.map((endpoint) => ({
          id: newId('whd', now),
          eventId: id,
          endpointId: endpoint.id,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        })),
      ),
    );
    wake();
    return { deliveries: deliveries.map((row) => toDeliveryView(row)) };
  }

  return { list, get, redeliver };
}
