import { z } from 'zod';
import { ALL_EVENTS, EVENT_TYPES } from '../payments/event.types';
import { expecting, text } from '../validation';

const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
const URL = 'an https URL of at most 2048 characters';
const DESCRIPTION = 'text of at most 256 characters';
const EVENT_TYPE_LIST = `a list of 1 to ${EVENT_TYPES.length + 1} of ${[ALL_EVENTS, ...EVENT_TYPES].join(', ')}`;
const ENABLED = 'true or false';
const OVERLAP = `a whole number of seconds from 0 to ${MAX_OVERLAP_SECONDS}`;
const ENDPOINT_ID = 'a webhook endpoint id (we_…)';
const CURSOR = 'a nextCursor value from a previous page';

const url = text(URL).min(1, expecting(URL)).max(2048, expecting(URL));
const description = text(DESCRIPTION).trim().max(256, expecting(DESCRIPTION));

const eventTypes = z
  .array(z.enum([ALL_EVENTS, ...EVENT_TYPES], expecting(EVENT_TYPE_LIST)), expecting(EVENT_TYPE_LIST))
  .min(1, expecting(EVENT_TYPE_LIST))
  .max(EVENT_TYPES.length + 1, expecting(EVENT_TYPE_LIST))
  .transform((types) => [...new Set(types)]);

export const createEndpointBody = z.strictObject({
  url,
  description: description.optional(),
  eventTypes: eventTypes.default([ALL_EVENTS]),
  enabled: z.boolean(expecting(ENABLED)).default(true),
});
export type CreateEndpointInput = z.infer<typeof createEndpointBody>;

export const updateEndpointBody = z
  .strictObject({
    url: url.optional(),
    description: description.nullable().optional(),
    eventTypes: eventTypes.optional(),
    enabled: z.boolean(expecting(ENABLED)).optional(),
  })
  .refine(
    (body) => Object.keys(body).length > 0,
    'must change at least one of url, description, eventTypes, enabled',
  );
export type UpdateEndpointInput = z.infer<typeof updateEndpointBody>;

export const rotateSecretBody = z
  .strictObject({
    // How long the old secret keeps signing beside the new one; default WEBHOOK_SECRET_OVERLAP.
    overlapSeconds: z
      .int(expecting(OVERLAP))
      .min(0, expecting(OVERLAP))
      .max(MAX_OVERLAP_SECONDS, expecting(OVERLAP))
      .optional(),
  })
  .default({});

export const endpointId = text(ENDPOINT_ID)
  .max(64, expecting(ENDPOINT_ID))
  .regex(/^we_[0-9a-z]+$/, expecting(ENDPOINT_ID));
export const endpointIdParams = z.object({
  id: endpointId.meta({ examples: ['we_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

const LIMIT = 'a whole number from 1 to 100';
export const pageLimit = z.coerce
  .number(expecting(LIMIT))
  .int(expecting(LIMIT))
  .min(1, expecting(LIMIT))
  .max(100, expecting(LIMIT))
  .default(20);

export function pageCursor(prefix: string) {
  return text(CURSOR)
    .max(64, expecting(CURSOR))
    .regex(new RegExp(`^${prefix}_[0-9a-z]+$`), expecting(CURSOR));
}

export const deliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'succeeded', 'failed'], expecting('pending, succeeded or failed')).optional(),
  limit: pageLimit,
  cursor: pageCursor('whd').optional(),
});
export type DeliveriesQuery = z.infer<typeof deliveriesQuery>;

const SINCE = 'an ISO 8601 date-time with a time zone, e.g. 2025-01-31T23:59:59+03:00';
export const redeliverFailedBody = z.strictObject({
  since: z.iso.datetime({ offset: true, ...expecting(SINCE) }).transform((value) => new Date(value)),
});
