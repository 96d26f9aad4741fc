import { z } from 'zod';
import { ALL_EVENTS, EVENT_TYPES } from '../events/event.types';

const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

const eventTypes = z
  .array(z.enum([ALL_EVENTS, ...EVENT_TYPES]))
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .transform((types) => [...new Set(types)]);

export const createEndpointBody = z.strictObject({
  url: z.string().min(1).max(2048),
  description: z.string().trim().max(256).optional(),
  eventTypes: eventTypes.default([ALL_EVENTS]),
  enabled: z.boolean().default(true),
});
export type CreateEndpointInput = z.infer<typeof createEndpointBody>;

export const updateEndpointBody = z
  .strictObject({
    url: z.string().min(1).max(2048).optional(),
    description: z.string().trim().max(256).nullable().optional(),
    eventTypes: eventTypes.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateEndpointInput = z.infer<typeof updateEndpointBody>;

export const rotateSecretBody = z
  .strictObject({
    // How long the old secret keeps signing beside the new one; default WEBHOOK_SECRET_OVERLAP.
    overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).optional(),
  })
  .default({});

export const endpointIdParams = z.object({ id: z.string().regex(/^we_[0-9a-z]+$/, 'must be a webhook endpoint id') });

export const pageLimit = z.coerce.number().int().min(1).max(100).default(20);

export const deliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  limit: pageLimit,
  cursor: z.string().regex(/^whd_[0-9a-z]+$/, 'must be a nextCursor value from a previous page').optional(),
});
export type DeliveriesQuery = z.infer<typeof deliveriesQuery>;

export const redeliverFailedBody = z.strictObject({
  since: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
});
