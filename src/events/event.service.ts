// The project's event log: what happened, what was delivered where, and replay.
import type { Db } from '../db/db.client';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { EventsQuery } from './event.schema';
import { toDeliveryView, toEventView } from '../webhooks/webhook.view';
import { subscribes, type EventType } from './event.types';

export type EventsService = ReturnType<typeof createEventsService>;

export function createEventsService({ db, wake }: { db: Db; wake(): void }) {
  async function find(projectId: string, id: string) {
    const row = await db.event.findFirst({ where: { id, projectId } });
    if (!row) throw new AppError('event_not_found', `No event ${id} in this project`);
    return row;
  }

  async function list(projectId: string, query: EventsQuery) {
    const rows = await db.event.findMany({
      where: { projectId, type: query.type, transactionId: query.transactionId, id: query.cursor ? { lt: query.cursor } : undefined },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return { data: page.map(toEventView), nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
  }

  async function get(projectId: string, id: string) {
    const event = await find(projectId, id);
    const deliveries = await db.webhookDelivery.findMany({
      where: { eventId: id },
      orderBy: { id: 'asc' },
      include: { attemptLog: { orderBy: { attemptedAt: 'asc' } } },
    });
    return { event: toEventView(event), deliveries: deliveries.map(toDeliveryView) };
  }

  /**
   * Sends the event again, with the same webhook-id: to one endpoint, or to every live
   * endpoint that wants its type (including endpoints registered after it happened).
   */
  async function redeliver(projectId: string, id: string, endpointId: string | undefined) {
    const event = await find(projectId, id);
    const endpoints = await db.webhookEndpoint.findMany({
      where: { projectId, deletedAt: null, ...(endpointId ? { id: endpointId } : {}) },
    });
    if (endpointId && endpoints.length === 0) throw new AppError('webhook_endpoint_not_found', `No webhook endpoint ${endpointId} in this project`);
    const targets = endpointId ? endpoints : endpoints.filter((endpoint) => subscribes(endpoint.eventTypes, event.type as EventType));
    const now = new Date();
    const deliveries = await db.$transaction(
      targets.map((endpoint) =>
        db.webhookDelivery.upsert({
          where: { eventId_endpointId: { eventId: id, endpointId: endpoint.id } },
          create: { id: newId('whd'), eventId: id, endpointId: endpoint.id, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now },
          update: { status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null, completedAt: null },
        }),
      ),
    );
    wake();
    return { deliveries: deliveries.map((row) => toDeliveryView(row)) };
  }

  return { list, get, redeliver };
}
