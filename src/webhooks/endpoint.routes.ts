// Merchant API for webhook endpoints, every operation behind the signature check. The
// deliveries themselves are documented in webhook.openapi.ts.
import { idempotencyKeyHeader } from '../payments/transaction.schema';
import { scopeOf } from '../core/scope';
import { defineOperation, type FeatureApi } from '../core/operation';
import {
  createEndpointBody,
  deliveriesQuery,
  endpointIdParams,
  redeliverFailedBody,
  rotateSecretBody,
  updateEndpointBody,
} from './endpoint.schema';
import type { EndpointsService } from './endpoint.service';
import { webhookEvents } from './webhook.openapi';
import {
  deliveryPageSchema,
  endpointListSchema,
  endpointResponseSchema,
  endpointWithSecretSchema,
  redeliveredCountSchema,
} from './webhook.responses';

export interface EndpointsDeps {
  endpoints: EndpointsService;
}

const BASE = '/api/v1/webhook-endpoints';
const TAG = 'Webhooks';
const operation = defineOperation<EndpointsDeps>();

export const webhooksApi: FeatureApi<EndpointsDeps> = {
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
    operation({
      method: 'post',
      path: BASE,
      operationId: 'createWebhookEndpoint',
      audit: { action: 'webhook_endpoint.created', fields: ['url', 'eventTypes', 'enabled'] },
      tag: TAG,
      summary: 'Register a webhook endpoint',
      description:
        'The URL must be https and resolve to a public address (outside simulator and development mode). The answer holds the signing secret, shown only here.',
      auth: 'signature',
      rateLimit: 'perProject',
      // A repeat with the same Idempotency-Key answers the endpoint the first one made (the SDK
      // sends one with every create, so its one re-sign after signature_replayed is safe).
      idempotent: true,
      headers: { 'Idempotency-Key': { schema: idempotencyKeyHeader, required: false } },
      body: createEndpointBody,
      responses: {
        201: { description: 'The endpoint and its signing secret.', schema: endpointWithSecretSchema },
      },
      errors: ['webhook_url_refused', 'webhook_endpoint_limit_reached', 'idempotency_key_reused'],
      sample: {
        sdk: {
          node: 'webhookEndpoints.create',
          python: 'webhook_endpoints.create',
          php: 'webhookEndpoints.create',
        },
        body: {
          url: 'https://shop.example.com/webhooks/mpesa',
          eventTypes: ['transaction.completed', 'transaction.failed'],
        },
      },
      handler: async ({ deps, req, res, body, headers }) => {
        res.status(201).json(await deps.endpoints.create(scopeOf(req), body, headers['Idempotency-Key']));
      },
    }),
    operation({
      method: 'get',
      path: BASE,
      operationId: 'listWebhookEndpoints',
      tag: TAG,
      summary: 'List webhook endpoints',
      auth: 'signature',
      rateLimit: 'perProject',
      responses: {
        200: {
          description: 'The endpoints, newest first. Secrets are never listed.',
          schema: endpointListSchema,
        },
      },
      sample: {
        sdk: {
          node: 'webhookEndpoints.list',
          python: 'webhook_endpoints.list',
          php: 'webhookEndpoints.list',
        },
      },
      handler: async ({ deps, req, res }) => {
        res.json(await deps.endpoints.list(scopeOf(req)));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/:id`,
      operationId: 'getWebhookEndpoint',
      tag: TAG,
      summary: 'Get a webhook endpoint',
      auth: 'signature',
      rateLimit: 'perProject',
      params: endpointIdParams,
      responses: { 200: { description: 'The endpoint.', schema: endpointResponseSchema } },
      errors: ['webhook_endpoint_not_found'],
      sample: {
        sdk: {
          node: 'webhookEndpoints.get',
          python: 'webhook_endpoints.retrieve',
          php: 'webhookEndpoints.retrieve',
        },
      },
      handler: async ({ deps, req, res, params }) => {
        res.json(await deps.endpoints.get(scopeOf(req), params.id));
      },
    }),
    operation({
      method: 'patch',
      path: `${BASE}/:id`,
      operationId: 'updateWebhookEndpoint',
      audit: { action: 'webhook_endpoint.updated', fields: ['url', 'description', 'eventTypes', 'enabled'] },
      tag: TAG,
      summary: 'Change, disable or enable a webhook endpoint',
      description: 'Enabling an endpoint sends at once what was kept pending while it was disabled.',
      auth: 'signature',
      rateLimit: 'perProject',
      params: endpointIdParams,
      body: updateEndpointBody,
      responses: { 200: { description: 'The endpoint as changed.', schema: endpointResponseSchema } },
      errors: ['webhook_endpoint_not_found', 'webhook_url_refused'],
      sample: {
        sdk: {
          node: 'webhookEndpoints.update',
          python: 'webhook_endpoints.update',
          php: 'webhookEndpoints.update',
          phpArray: true,
        },
        body: { description: 'Order fulfilment' },
      },
      handler: async ({ deps, req, res, params, body }) => {
        res.json(await deps.endpoints.update(scopeOf(req), params.id, body));
      },
    }),
    operation({
      method: 'delete',
      path: `${BASE}/:id`,
      operationId: 'deleteWebhookEndpoint',
      audit: { action: 'webhook_endpoint.deleted' },
      tag: TAG,
      summary: 'Delete a webhook endpoint',
      description:
        'Pending deliveries to it are marked failed; its delivery history stays readable through the events API.',
      auth: 'signature',
      rateLimit: 'perProject',
      params: endpointIdParams,
      responses: { 204: { description: 'Deleted.' } },
      errors: ['webhook_endpoint_not_found'],
      sample: {
        sdk: {
          node: 'webhookEndpoints.delete',
          python: 'webhook_endpoints.delete',
          php: 'webhookEndpoints.delete',
        },
      },
      handler: async ({ deps, req, res, params }) => {
        await deps.endpoints.remove(scopeOf(req), params.id);
        res.status(204).end();
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/:id/secret/rotate`,
      operationId: 'rotateWebhookSecret',
      audit: { action: 'webhook_endpoint.secret_rotated', fields: ['overlapSeconds'] },
      tag: TAG,
      summary: 'Rotate the signing secret',
      description:
        'Deliveries are signed with both the new and the old secret during the overlap (`overlapSeconds`, default `WEBHOOK_SECRET_OVERLAP`, 24 h), ' +
        'so you can switch your receiver without missing an event.',
      auth: 'signature',
      // The merchant's server would refuse every live webhook until it is told the new secret.
      operatorOnly: { what: 'rotate a live webhook signing secret', modes: ['live'] },
      rateLimit: 'perProject',
      params: endpointIdParams,
      body: rotateSecretBody,
      responses: {
        200: { description: 'The endpoint and its new secret.', schema: endpointWithSecretSchema },
      },
      errors: ['webhook_endpoint_not_found'],
      sample: {
        sdk: {
          node: 'webhookEndpoints.rotateSecret',
          python: 'webhook_endpoints.rotate_secret',
          php: 'webhookEndpoints.rotateSecret',
        },
        body: { overlapSeconds: 3600 },
      },
      handler: async ({ deps, req, res, params, body }) => {
        res.json(await deps.endpoints.rotateSecret(scopeOf(req), params.id, body.overlapSeconds));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/:id/deliveries`,
      operationId: 'listWebhookDeliveries',
      tag: TAG,
      summary: 'List deliveries to an endpoint',
      auth: 'signature',
      rateLimit: 'perProject',
      params: endpointIdParams,
      query: deliveriesQuery,
      responses: { 200: { description: 'One page, newest first.', schema: deliveryPageSchema } },
      errors: ['webhook_endpoint_not_found'],
      sample: {
        sdk: {
          node: 'webhookEndpoints.deliveries',
          python: 'webhook_endpoints.deliveries',
          php: 'webhookEndpoints.deliveries',
        },
        query: { limit: 20 },
      },
      handler: async ({ deps, req, res, params, query }) => {
        res.json(await deps.endpoints.deliveries(scopeOf(req), params.id, query));
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/:id/redeliver-failed`,
      operationId: 'redeliverFailedWebhooks',
      audit: { action: 'webhook_endpoint.failed_replayed', fields: ['since'] },
      tag: TAG,
      summary: 'Send again every failed delivery since a time',
      description: 'Each goes out again with its original `webhook-id` and body, on a fresh retry schedule.',
      auth: 'signature',
      rateLimit: 'perProject',
      params: endpointIdParams,
      body: redeliverFailedBody,
      responses: {
        202: { description: 'How many deliveries were queued again.', schema: redeliveredCountSchema },
      },
      errors: ['webhook_endpoint_not_found'],
      sample: {
        sdk: {
          node: 'webhookEndpoints.redeliverFailed',
          python: 'webhook_endpoints.redeliver_failed',
          php: 'webhookEndpoints.redeliverFailed',
        },
      },
      handler: async ({ deps, req, res, params, body }) => {
        res.status(202).json(await deps.endpoints.redeliverFailed(scopeOf(req), params.id, body.since));
      },
    }),
  ],
  webhooks: webhookEvents,
};
