// The Socket.io events in the OpenAPI document (extension `x-socket-io`; OpenAPI has no
// words for them). Payload schemas are the ones realtime.server.ts validates and sends.
import { z } from 'zod';
import type { ApiSection } from '../core/openapi.types';
import { clientTransactionSchema } from '../payments/transaction.schema';
import { subscribeAck, subscribeRequest, unsubscribeRequest } from './realtime.schema';
import { TRANSACTION_UPDATED } from './realtime.server';
import { PROJECT_NAMESPACE, PROJECT_STREAM_PATH, STREAM_EVENTS } from './project-stream';
import {
  projectStreamAuth,
  projectStreamSessionAuth,
  projectStreamError,
  streamCallback,
  streamEvent,
  streamTransaction,
} from './project-stream.schema';

export const realtimeApi: Pick<ApiSection, 'socketEvents'> = {
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
      description:
        'Sent on subscribe and on every change of a subscribed transaction. The phone number is masked.',
      payload: clientTransactionSchema,
    },
    {
      name: 'connect',
      namespace: PROJECT_NAMESPACE,
      direction: 'client-to-server',
      summary: 'Follow a project (handshake)',
      description:
        `Connect to the \`${PROJECT_NAMESPACE}\` namespace with \`auth\` signed by the keys of the mode to follow, over GET \`${PROJECT_STREAM_PATH}\`. ` +
        'A refused handshake fails with `connect_error`, whose `data` is a `ProjectStreamError`. The stream has no history: ' +
        'what happened while disconnected is in `GET /api/v1/events` and `GET /api/v1/transactions`. A signed-in dashboard page sends `ProjectStreamSessionAuth` instead.',
      payload: z.union([projectStreamAuth, projectStreamSessionAuth]),
      ack: projectStreamError,
    },
    {
      name: STREAM_EVENTS.transaction,
      namespace: PROJECT_NAMESPACE,
      direction: 'server-to-client',
      summary: 'A payment started or changed',
      description:
        'Every payment of the project in this mode: on creation, on Daraja’s answer to the push and on every change. The merchant view.',
      payload: streamTransaction,
    },
    {
      name: STREAM_EVENTS.event,
      namespace: PROJECT_NAMESPACE,
      direction: 'server-to-client',
      summary: 'An event was recorded',
      description:
        'Each outbox event once committed, with the exact body its webhook deliveries carry (the CLI forwards it to a local URL).',
      payload: streamEvent,
    },
    {
      name: STREAM_EVENTS.callback,
      namespace: PROJECT_NAMESPACE,
      direction: 'server-to-client',
      summary: 'An M-Pesa callback arrived',
      description:
        'A callback for one of the project’s payments, what it did, and callbacks refused because their source is not on the allowlist.',
      payload: streamCallback,
    },
  ],
};
