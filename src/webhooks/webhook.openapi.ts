// The deliveries we POST to merchants' endpoints, in the OpenAPI document (top-level `webhooks`;
// the endpoints API is declared in endpoint.routes.ts). They follow the Standard Webhooks spec.
import { z } from 'zod';
import { merchantTransactionSchema } from '../payments/transaction.schema';
import { payoutSchema } from '../payments/payout.schema';
import { statusQuerySchema } from '../core/status-query.view';
import type { HeaderSpec, WebhookSpec } from '../core/openapi.types';

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

const payoutData = z.object({ payout: payoutSchema });

function payoutEvent(type: string, id: string, summary: string, description: string): WebhookSpec {
  return {
    type,
    summary,
    description: `${description} \`data.payout\` is the same view as \`GET /api/v1/payouts/{id}\`.`,
    headers: SIGNATURE_HEADERS,
    payload: envelope(type, payoutData, id),
  };
}

export const webhookEvents: readonly WebhookSpec[] = [
  transactionEvent('transaction.completed', 'TransactionCompletedEvent', 'A payment completed'),
  transactionEvent('transaction.failed', 'TransactionFailedEvent', 'A payment failed'),
  transactionEvent('transaction.cancelled', 'TransactionCancelledEvent', 'The customer cancelled the prompt'),
  transactionEvent('transaction.expired', 'TransactionExpiredEvent', 'The prompt expired unanswered'),
  {
    ...transactionEvent(
      'transaction.received',
      'TransactionReceivedEvent',
      'A customer paid the till or PayBill',
    ),
    description:
      'A payment the customer started (C2B: the till or PayBill paid from the M-Pesa menu or a QR) that settled no open request of yours: new to you, already `completed`, `origin: "c2b"`, with `c2b` details. One whose bill reference named an open request completes that request instead (`transaction.completed`).',
  },
  payoutEvent(
    'payout.succeeded',
    'PayoutSucceededEvent',
    'A payout was paid',
    "Sent once Daraja's result (or Transaction Status) says the money reached the phone.",
  ),
  payoutEvent(
    'payout.failed',
    'PayoutFailedEvent',
    'A payout failed',
    'Sent once it failed for good: refused by Daraja, a failure result, or rejected by its approver; `data.payout.reason` says why.',
  ),
  payoutEvent(
    'payout.unknown',
    'PayoutUnknownEvent',
    "A payout's outcome is not known yet",
    'Sent when the answer or the result is missing. It is never sent again: Transaction Status is asked, and `payout.succeeded` or `payout.failed` follows.',
  ),
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
  {
    type: 'status_query.resolved',
    summary: 'M-Pesa answered a status query',
    description:
      'Sent once M-Pesa answered "did receipt X pay us?" (`POST /api/v1/transactions/status-queries`): `found`, `not_found` ' +
      '(2032), `failed`, or `timed_out` (and again if a Result follows the timeout). `data.statusQuery` is the same view as ' +
      '`GET /api/v1/transactions/status-queries/{id}`.',
    headers: SIGNATURE_HEADERS,
    payload: envelope(
      'status_query.resolved',
      z.object({ statusQuery: statusQuerySchema }),
      'StatusQueryResolvedEvent',
    ),
  },
];
