import { z } from 'zod';
import { endpointId, pageCursor, pageLimit } from './endpoint.schema';
import { expecting, text } from '../validation';
import { EVENT_TYPES } from '../payments/event.types';

const TRANSACTION_ID = 'a transaction id (txn_…, at most 64 characters)';
const EVENT_ID = 'an event id (evt_…)';

export const eventsQuery = z.strictObject({
  type: z.enum(EVENT_TYPES, expecting(`one of ${EVENT_TYPES.join(', ')}`)).optional(),
  transactionId: text(TRANSACTION_ID)
    .min(1, expecting(TRANSACTION_ID))
    .max(64, expecting(TRANSACTION_ID))
    .optional(),
  limit: pageLimit,
  cursor: pageCursor('evt').optional(),
});
export type EventsQuery = z.infer<typeof eventsQuery>;

export const eventIdParams = z.object({
  id: text(EVENT_ID)
    .max(64, expecting(EVENT_ID))
    .regex(/^evt_[0-9a-z]+$/, expecting(EVENT_ID))
    .meta({ examples: ['evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const redeliverEventBody = z
  .strictObject({
    endpointId: endpointId.optional(),
  })
  .default({});
