// Responses of the webhooks API. The mappers in webhook.view.ts are typed by these, and the
// OpenAPI document is generated from them; `id` names the component in the document.
import { z } from 'zod';
import { statusQuerySchema } from '../core/status-query.view';
import { merchantTransactionSchema } from '../payments/transaction.schema';
import { payoutSchema } from '../payments/payout.schema';

const isoTime = z.iso.datetime();
const cursor = (example: string) =>
  z
    .string()
    .nullable()
    .meta({ description: 'Pass as `cursor` for the next page; null on the last page.', examples: [example] });

export const endpointSchema = z
  .object({
    id: z.string().meta({ examples: ['we_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    url: z.string().meta({ examples: ['https://shop.example.com/webhooks/mpesa'] }),
    description: z
      .string()
      .nullable()
      .meta({ examples: ['Order fulfilment'] }),
    eventTypes: z.array(z.string()).meta({
      description: 'Event types sent here; `*` means all, including types added later.',
      examples: [['*']],
    }),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .meta({
        description:
          '`manual` (you disabled it), `gone` (it answered 410) or `failing` (it failed for `WEBHOOK_DISABLE_AFTER`).',
        examples: [null],
      }),
    failingSince: isoTime.nullable().meta({
      description: 'Start of the current run of failed attempts; null while deliveries succeed.',
      examples: [null],
    }),
    health: z.enum(['healthy', 'failing', 'disabled']).meta({
      description:
        '`failing` while its attempts fail or any delivery to it is failing and retrying (a retry counts as a failure until it succeeds); `disabled` when not enabled.',
    }),
    retrying: z
      .number()
      .int()
      .meta({
        description: 'Deliveries that failed at least once and wait for their next attempt.',
        examples: [0],
      }),
    nextRetryAt: isoTime.nullable().meta({
      description: 'When the soonest of those is attempted again; null when none waits.',
      examples: [null],
    }),
    previousSecretExpiresAt: isoTime.nullable().meta({
      description: 'Until when the secret before the last rotation still signs deliveries too.',
      examples: [null],
    }),
    createdAt: isoTime.meta({ examples: ['2025-01-01T09:00:00.000Z'] }),
    updatedAt: isoTime.meta({ examples: ['2025-01-01T09:00:00.000Z'] }),
  })
  .meta({ id: 'WebhookEndpoint', description: 'A merchant URL that receives signed events.' });

export const endpointWithSecretSchema = z
  .object({
    endpoint: endpointSchema,
    secret: z.string().meta({
      description: 'The signing secret (`whsec_` + base64). Shown here only: store it now.',
      examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    }),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export const endpointResponseSchema = z
  .object({ endpoint: endpointSchema })
  .meta({ id: 'WebhookEndpointResponse' });
export const endpointListSchema = z
  .object({ data: z.array(endpointSchema).meta({ description: 'Newest first.' }) })
  .meta({ id: 'WebhookEndpointList' });

export const attemptSchema = z
  .object({
    id: z.string().meta({ examples: ['wha_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    attemptedAt: isoTime,
    statusCode: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Null when no HTTP answer came (timeout, refused connection).', examples: [200] }),
    latencyMs: z
      .number()
      .int()
      .meta({ examples: [84] }),
    responseBody: z
      .string()
      .nullable()
      .meta({ description: 'The first KiB of what the endpoint answered.', examples: ['ok'] }),
    error: z
      .string()
      .nullable()
      .meta({ description: 'The network error, when there was no answer.', examples: [null] }),
  })
  .meta({ id: 'DeliveryAttempt' });

export const deliverySchema = z
  .object({
    id: z.string().meta({ examples: ['whd_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    eventId: z.string().meta({ examples: ['evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    endpointId: z.string().meta({ examples: ['we_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z
      .number()
      .int()
      .meta({ description: 'Attempts so far.', examples: [1] }),
    nextAttemptAt: isoTime
      .nullable()
      .meta({ description: 'When the next attempt is due, while pending.', examples: [null] }),
    lastStatusCode: z
      .number()
      .int()
      .nullable()
      .meta({ examples: [200] }),
    lastError: z
      .string()
      .nullable()
      .meta({ examples: [null] }),
    createdAt: isoTime,
    completedAt: isoTime.nullable(),
    attemptLog: z
      .array(attemptSchema)
      .optional()
      .meta({ description: 'Every attempt, oldest first (on the event detail only).' }),
  })
  .meta({ id: 'WebhookDelivery', description: 'One event to one endpoint.' });

export const deliveryPageSchema = z
  .object({
    data: z.array(deliverySchema).meta({ description: 'Newest first.' }),
    nextCursor: cursor('whd_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'),
  })
  .meta({ id: 'WebhookDeliveryPage' });

export const redeliveredCountSchema = z
  .object({
    redelivered: z
      .number()
      .int()
      .meta({ description: 'Failed deliveries sent again.', examples: [3] }),
  })
  .meta({ id: 'RedeliveredCount' });

const eventData = z
  .union([
    z.object({ transaction: merchantTransactionSchema }),
    z.object({ payout: payoutSchema }),
    z.object({ endpoint: z.object({ id: z.string(), url: z.string(), disabledReason: z.string() }) }),
    z.object({ statusQuery: statusQuerySchema }),
  ])
  .meta({
    description:
      '`{ transaction }` for `transaction.*` events, `{ payout }` for `payout.*`, `{ endpoint }` for `webhook_endpoint.disabled`, `{ statusQuery }` for `status_query.resolved`.',
  });

export const eventSchema = z
  .object({
    id: z.string().meta({
      description: 'Also the `webhook-id` of every delivery of this event.',
      examples: ['evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'],
    }),
    type: z.string().meta({ examples: ['transaction.completed'] }),
    transactionId: z
      .string()
      .nullable()
      .meta({ examples: ['txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    createdAt: isoTime,
    data: eventData,
  })
  .meta({
    id: 'Event',
    description: 'Something that happened in the project, recorded with the change itself.',
  });

export const eventPageSchema = z
  .object({
    data: z.array(eventSchema).meta({ description: 'Newest first.' }),
    nextCursor: cursor('evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'),
  })
  .meta({ id: 'EventPage' });

export const eventDetailSchema = z
  .object({ event: eventSchema, deliveries: z.array(deliverySchema) })
  .meta({ id: 'EventDetail' });
export const redeliverySchema = z.object({ deliveries: z.array(deliverySchema) }).meta({ id: 'Redelivery' });

export type EndpointView = z.infer<typeof endpointSchema>;
export type DeliveryView = z.infer<typeof deliverySchema>;
export type AttemptView = z.infer<typeof attemptSchema>;
export type EventView = z.infer<typeof eventSchema>;
