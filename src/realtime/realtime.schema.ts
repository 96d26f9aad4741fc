// Socket.io payloads. `subscribeRequest` validates what browsers send; the OpenAPI document
// shows all three (realtime.openapi.ts), so the reference cannot drift from the server.
import { z } from 'zod';
import { expecting, text } from '../validation';

const TRANSACTION_ID = 'a transaction id (txn_…, at most 64 characters)';
const CLIENT_SECRET = 'the clientSecret from initiate (at most 128 characters)';

export const subscribeRequest = z
  .object({
    transactionId: text(TRANSACTION_ID)
      .min(1, expecting(TRANSACTION_ID))
      .max(64, expecting(TRANSACTION_ID))
      .meta({ examples: ['txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    clientSecret: text(CLIENT_SECRET)
      .min(1, expecting(CLIENT_SECRET))
      .max(128, expecting(CLIENT_SECRET))
      .meta({ description: 'The `clientSecret` from initiate.', examples: ['cs_3q2…'] }),
  })
  .meta({ id: 'SubscribeRequest', description: "Payload of the client's `subscribe` event." });

export const unsubscribeRequest = z.object({ transactionId: text(TRANSACTION_ID) }).meta({
  id: 'UnsubscribeRequest',
  description: "Payload of the client's `unsubscribe` event: leaves the transaction's room.",
});

export const subscribeAck = z
  .union([
    z.object({ ok: z.literal(true) }),
    z.object({
      ok: z.literal(false),
      error: z.object({ code: z.literal('subscription_refused'), message: z.string() }),
    }),
    z.object({
      ok: z.literal(false),
      error: z.object({
        code: z.literal('rate_limited'),
        message: z.string(),
        retryAfterSeconds: z
          .number()
          .int()
          .meta({ description: 'Seconds until this socket and address may try again.' }),
      }),
    }),
  ])
  .meta({
    id: 'SubscribeAck',
    description:
      'Acknowledgement of `subscribe`. Unknown ids and wrong secrets get the same refusal, so ids cannot be probed; too many refusals on one socket or from one address are answered `rate_limited` for a while.',
  });

export type SubscribeAck = z.output<typeof subscribeAck>;
