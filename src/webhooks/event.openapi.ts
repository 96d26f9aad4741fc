// The event log and replay in the OpenAPI document (routes: event.routes.ts).
import type { ApiSection } from '../core/openapi.types';
import { eventDetailSchema, eventPageSchema, redeliverySchema } from './webhook.responses';
import { eventIdParams, eventsQuery, redeliverEventBody } from './event.schema';

const BASE = '/api/v1/events';
const TAG = 'Events';

export const eventsApi: ApiSection = {
  tags: [
    {
      name: TAG,
      description:
        "The project's event log: every transaction state change (`transaction.completed`, `.failed`, `.cancelled`, `.expired`) and " +
        'endpoint disabling, recorded in the same database transaction as the change. Read it, see every delivery attempt, replay.',
    },
  ],
  operations: [
    {
      method: 'get',
      path: BASE,
      operationId: 'listEvents',
      tag: TAG,
      summary: 'List events',
      auth: 'signature',
      query: eventsQuery,
      responses: { 200: { description: 'One page, newest first.', schema: eventPageSchema } },
    },
    {
      method: 'get',
      path: `${BASE}/:id`,
      operationId: 'getEvent',
      tag: TAG,
      summary: 'Get an event with its deliveries and every attempt',
      auth: 'signature',
      params: eventIdParams,
      responses: {
        200: { description: 'The event, and each delivery with its attempt log.', schema: eventDetailSchema },
      },
      errors: ['event_not_found'],
    },
    {
      method: 'post',
      path: `${BASE}/:id/redeliver`,
      operationId: 'redeliverEvent',
      tag: TAG,
      summary: 'Send an event again',
      description:
        'To one endpoint (`endpointId`), or to every endpoint that wants its type, including endpoints registered after the event. ' +
        'Same `webhook-id`, same body.',
      auth: 'signature',
      params: eventIdParams,
      body: redeliverEventBody,
      responses: { 202: { description: 'The deliveries queued.', schema: redeliverySchema } },
      errors: ['event_not_found', 'webhook_endpoint_not_found'],
    },
  ],
};
