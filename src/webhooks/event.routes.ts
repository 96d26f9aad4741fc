// Merchant API for the event log and replay, every operation behind the signature check.
import { scopeOf } from '../core/scope';
import { defineOperation, type FeatureApi } from '../core/operation';
import { eventDetailSchema, eventPageSchema, redeliverySchema } from './webhook.responses';
import { eventIdParams, eventsQuery, redeliverEventBody } from './event.schema';
import type { EventsService } from './event.service';

export interface EventsDeps {
  events: EventsService;
}

const BASE = '/api/v1/events';
const TAG = 'Events';
const operation = defineOperation<EventsDeps>();

export const eventsApi: FeatureApi<EventsDeps> = {
  tags: [
    {
      name: TAG,
      description:
        "The project's event log: every transaction state change (`transaction.completed`, `.failed`, `.cancelled`, `.expired`) and " +
        'endpoint disabling, recorded in the same database transaction as the change. Read it, see every delivery attempt, replay.',
    },
  ],
  operations: [
    operation({
      method: 'get',
      path: BASE,
      operationId: 'listEvents',
      tag: TAG,
      summary: 'List events',
      auth: 'signature',
      rateLimit: 'perProject',
      query: eventsQuery,
      responses: { 200: { description: 'One page, newest first.', schema: eventPageSchema } },
      sample: {
        sdk: { node: 'events.list', python: 'events.list', php: 'events.list' },
        query: { type: 'transaction.completed', limit: 20 },
      },
      handler: async ({ deps, req, res, query }) => {
        res.json(await deps.events.list(scopeOf(req), query));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/:id`,
      operationId: 'getEvent',
      tag: TAG,
      summary: 'Get an event with its deliveries and every attempt',
      auth: 'signature',
      rateLimit: 'perProject',
      params: eventIdParams,
      responses: {
        200: { description: 'The event, and each delivery with its attempt log.', schema: eventDetailSchema },
      },
      errors: ['event_not_found'],
      sample: { sdk: { node: 'events.get', python: 'events.retrieve', php: 'events.retrieve' } },
      handler: async ({ deps, req, res, params }) => {
        res.json(await deps.events.get(scopeOf(req), params.id));
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/:id/redeliver`,
      operationId: 'redeliverEvent',
      audit: { action: 'event.resent', fields: ['endpointId'] },
      tag: TAG,
      summary: 'Send an event again',
      description:
        'To one endpoint (`endpointId`), or to every endpoint that wants its type, including endpoints registered after the event. ' +
        'Same `webhook-id`, same body.',
      auth: 'signature',
      rateLimit: 'perProject',
      params: eventIdParams,
      body: redeliverEventBody,
      responses: { 202: { description: 'The deliveries queued.', schema: redeliverySchema } },
      errors: ['event_not_found', 'webhook_endpoint_not_found'],
      sample: { sdk: { node: 'events.redeliver', python: 'events.redeliver', php: 'events.redeliver' } },
      handler: async ({ deps, req, res, params, body }) => {
        res.status(202).json(await deps.events.redeliver(scopeOf(req), params.id, body.endpointId));
      },
    }),
  ],
};
