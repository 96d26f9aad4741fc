// The Socket.io events in the OpenAPI document (extension `x-socket-io`; OpenAPI has no
// words for them). Payload schemas are the ones realtime.server.ts validates and sends.
import type { ApiSection } from '../openapi/openapi.types';
import { clientTransactionSchema } from '../transactions/transaction.schema';
import { subscribeAck, subscribeRequest, unsubscribeRequest } from './realtime.schema';
import { TRANSACTION_UPDATED } from './realtime.server';

export const realtimeApi: ApiSection = {
  socketEvents: [
    {
      name: 'subscribe',
      direction: 'client-to-server',
      summary: 'Follow one transaction',
      description:
        'Emit with an acknowledgement callback. On `{ ok: true }` the server at once emits `transaction.updated` with the current ' +
        'state (a late subscriber never misses a finished payment), then one per change.',
      payload: subscribeRequest,
      ack: subscribeAck,
    },
    {
      name: 'unsubscribe',
      direction: 'client-to-server',
      summary: 'Stop following a transaction',
      payload: unsubscribeRequest,
    },
    {
      name: TRANSACTION_UPDATED,
      direction: 'server-to-client',
      summary: 'The transaction’s current state',
      description: 'Sent on subscribe and on every change of a subscribed transaction. The phone number is masked.',
      payload: clientTransactionSchema,
    },
  ],
};
