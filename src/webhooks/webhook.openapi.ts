// Webhooks in the OpenAPI document: the endpoints API (routes: endpoint.routes.ts) and the
// deliveries themselves (top-level `webhooks`), which follow the Standard Webhooks spec.
import { z } from 'zod';
import { merchantTransactionSchema } from '../payments/transaction.schema';
import type { ApiSection, HeaderSpec, WebhookSpec } from '../core/openapi.types';
import {
  createEndpointBody,
  deliveriesQuery,
  endpointIdParams,
  redeliverFailedBody,
  rotateSecretBody,
  updateEndpointBody,
} from './endpoint.schema';
import {
  deliveryPageSchema,
  endpointListSchema,
  endpointResponseSchema,
  endpointWithSecretSchema,
  redeliveredCountSchema,
} from './webhook.responses';

const TAG = 'Webhooks';

const SIGNATURE_HEADERS: Record<string, HeaderSpec> = {
  'webhook-id': {
    required: true,
    description:
      'The event id, the same on every retry and replay of one event: use it to ignore duplicates.',
    schema: z.string().meta({ examples: ['evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
  },
  'webhook-timestamp': {
    required: true,
    description: 'Unix seconds when this attempt was signed. Refuse ones too far from your clock (replays).',
    schema: z
      .string()
      .regex(/^\d+$/)
      .meta({ examples: ['1735689600'] }),
  },
  'webhook-signature': {
    required: true,
    description:
      'Space-separated `v1,<signature>` entries (several while a secret rotates). Each signature is the base64 HMAC-SHA256 of ' +
      '`${webhook-id}.${webhook-timestamp}.${raw body}`, keyed with the base64-decoded part of your endpoint secret after `whsec_`. ' +
      'Accept the delivery when any entry matches (compare in constant time). Any Standard Webhooks library verifies it.',
    schema: z.string().meta({ examples: ['v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='] }),
  },
};

const envelope = <T extends z.ZodType>(type: string, data: T, id: string) =>
  z
    .object({
      id: z.string().meta({ description: 'The event id.', examples: ['evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
      type: z.literal(type),
      timestamp: z.iso.datetime().meta({ description: 'When the event happened.' }),
      data,
    })
    .meta({ id });

const transactionData = z.object({ transaction: merchantTransactionSchema });

function transactionEvent(type: string, id: string, summary: string): WebhookSpec {
  return {
    type,
    summary,
    description:
      'Sent once the transaction reaches this state; `data.transaction` is the same view as `GET /api/v1/transactions/{id}`.',
    headers: SIGNATURE_HEADERS,
    payload: envelope(type, transactionData, id),
  };
}

const BASE = '/api/v1/webhook-endpoints';

export const webhooksApi: ApiSection = {
  tags: [
    {
      name: TAG,
      description:
        'Register HTTPS endpoints; events are POSTed to them as JSON `{ id, type, timestamp, data }`, signed per the Standard Webhooks spec ' +
        '(`webhook-id`, `webhook-timestamp`, `webhook-signature`). Answer 2xx within `WEBHOOK_TIMEOUT_MS`; anything else is retried ' +
        '5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h later (±20% jitter, `Retry-After` honoured), then marked failed and kept. ' +
        'A 410 answer, or failures for `WEBHOOK_DISABLE_AFTER` (5 days), disable the endpoint.',
    },
  ],
  operations: [
    {
      method: 'post',
      path: BASE,
      operationId: 'createWebhookEndpoint',
      tag: TAG,
      summary: 'Register a webhook endpoint',
      description:
        'The URL must be https and resolve to a public address (outside simulator and development mode). The answer holds the signing secret, shown only here.',
      auth: 'signature',
      body: createEndpointBody,
      responses: {
        201: { description: 'The endpoint and its signing secret.', schema: endpointWithSecretSchema },
      },
      errors: ['webhook_url_refused', 'webhook_endpoint_limit_reached'],
    },
    {
      method: 'get',
      path: BASE,
      operationId: 'listWebhookEndpoints',
      tag: TAG,
      summary: 'List webhook endpoints',
      auth: 'signature',
      responses: {
        200: {
          description: 'The endpoints, newest first. Secrets are never listed.',
          schema: endpointListSchema,
        },
      },
    },
    {
      method: 'get',
      path: `${BASE}/:id`,
      operationId: 'getWebhookEndpoint',
      tag: TAG,
      summary: 'Get a webhook endpoint',
      auth: 'signature',
      params: endpointIdParams,
      responses: { 200: { description: 'The endpoint.', schema: endpointResponseSchema } },
      errors: ['webhook_endpoint_not_found'],
    },
    {
      method: 'patch',
      path: `${BASE}/:id`,
      operationId: 'updateWebhookEndpoint',
      tag: TAG,
      summary: 'Change, disable or enable a webhook endpoint',
      description: 'Enabling an endpoint sends at once what was kept pending while it was disabled.',
      auth: 'signature',
      params: endpointIdParams,
      body: updateEndpointBody,
      responses: { 200: { description: 'The endpoint as changed.', schema: endpointResponseSchema } },
      errors: ['webhook_endpoint_not_found', 'webhook_url_refused'],
    },
    {
      method: 'delete',
      path: `${BASE}/:id`,
      operationId: 'deleteWebhookEndpoint',
      tag: TAG,
      summary: 'Delete a webhook endpoint',
      description:
        'Pending deliveries to it are marked failed; its delivery history stays readable through the events API.',
      auth: 'signature',
      params: endpointIdParams,
      responses: { 204: { description: 'Deleted.' } },
      errors: ['webhook_endpoint_not_found'],
    },
    {
      method: 'post',
      path: `${BASE}/:id/secret/rotate`,
      operationId: 'rotateWebhookSecret',
      tag: TAG,
      summary: 'Rotate the signing secret',
      description:
        'Deliveries are signed with both the new and the old secret during the overlap (`overlapSeconds`, default `WEBHOOK_SECRET_OVERLAP`, 24 h), ' +
        'so you can switch your receiver without missing an event.',
      auth: 'signature',
      params: endpointIdParams,
      body: rotateSecretBody,
      responses: {
        200: { description: 'The endpoint and its new secret.', schema: endpointWithSecretSchema },
      },
      errors: ['webhook_endpoint_not_found'],
    },
    {
      method: 'get',
      path: `${BASE}/:id/deliveries`,
      operationId: 'listWebhookDeliveries',
      tag: TAG,
      summary: 'List deliveries to an endpoint',
      auth: 'signature',
      params: endpointIdParams,
      query: deliveriesQuery,
      responses: { 200: { description: 'One page, newest first.', schema: deliveryPageSchema } },
      errors: ['webhook_endpoint_not_found'],
    },
    {
      method: 'post',
      path: `${BASE}/:id/redeliver-failed`,
      operationId: 'redeliverFailedWebhooks',
      tag: TAG,
      summary: 'Send again every failed delivery since a time',
      description: 'Each goes out again with its original `webhook-id` and body, on a fresh retry schedule.',
      auth: 'signature',
      params: endpointIdParams,
      body: redeliverFailedBody,
      responses: {
        202: { description: 'How many deliveries were queued again.', schema: redeliveredCountSchema },
      },
      errors: ['webhook_endpoint_not_found'],
    },
  ],
  webhooks: [
    transactionEvent('transaction.completed', 'TransactionCompletedEvent', 'A payment completed'),
    transactionEvent('transaction.failed', 'TransactionFailedEvent', 'A payment failed'),
    transactionEvent(
      'transaction.cancelled',
      'TransactionCancelledEvent',
      'The customer cancelled the prompt',
    ),
    transactionEvent('transaction.expired', 'TransactionExpiredEvent', 'The prompt expired unanswered'),
    {
      type: 'webhook_endpoint.disabled',
      summary: 'An endpoint was disabled',
      description:
        'Sent (to your other endpoints that want it, and into the event log) when an endpoint answered 410 or failed for too long.',
      headers: SIGNATURE_HEADERS,
      payload: envelope(
        'webhook_endpoint.disabled',
        z.object({
          endpoint: z.object({
            id: z.string(),
            url: z.string(),
            disabledReason: z.enum(['gone', 'failing']),
          }),
        }),
        'WebhookEndpointDisabledEvent',
      ),
    },
  ],
};
