import { z } from 'zod';
import { pageLimit } from '../webhooks/endpoint.schema';
import { EVENT_TYPES } from './event.types';

export const eventsQuery = z.strictObject({
  type: z.enum(EVENT_TYPES).optional(),
  transactionId: z.string().min(1).max(64).optional(),
  limit: pageLimit,
  cursor: z.string().regex(/^evt_[0-9a-z]+$/, 'must be a nextCursor value from a previous page').optional(),
});
export type EventsQuery = z.infer<typeof eventsQuery>;

export const eventIdParams = z.object({ id: z.string().regex(/^evt_[0-9a-z]+$/, 'must be an event id') });

export const redeliverEventBody = z
  .strictObject({
    endpointId: z.string().regex(/^we_[0-9a-z]+$/, 'must be a webhook endpoint id').optional(),
  })
  .default({});
