// Socket.io payloads. `subscribeRequest` validates what browsers send; the OpenAPI document
// shows all three (realtime.openapi.ts), so the reference cannot drift from the server.
import { z } from 'zod';

export const subscribeRequest = z
  .object({
    transactionId: z.string().min(1).max(64).meta({ examples: ['txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    clientSecret: z.string().min(1).max(128).meta({ description: 'The `clientSecret` from initiate.', examples: ['cs_3q2…'] }),
  })
  .meta({ id: 'SubscribeRequest', description: "Payload of the client's `subscribe` event." });

export const unsubscribeRequest = z
  .object({ transactionId: z.string() })
  .meta({ id: 'UnsubscribeRequest', description: "Payload of the client's `unsubscribe` event: leaves the transaction's room." });

export const subscribeAck = z
  .union([
    z.object({ ok: z.literal(true) }),
    z.object({
      ok: z.literal(false),
      error: z.object({ code: z.literal('subscription_refused'), message: z.string() }),
    }),
  ])
  .meta({
    id: 'SubscribeAck',
    description: 'Acknowledgement of `subscribe`. Unknown ids and wrong secrets get the same refusal, so ids cannot be probed.',
  });

export type SubscribeAck = z.output<typeof subscribeAck>;
