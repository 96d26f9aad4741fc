// GET /api/v1/stats: what the dashboard's overview shows, for one project and mode.
import { z } from 'zod';
import { expecting, filterDateTime } from '../validation';

const time = (description: string) =>
  filterDateTime()
    .optional()
    .meta({ description, examples: ['2025-01-01T00:00:00+03:00'] });

export const statsQuery = z.strictObject({
  from: time('Created at or after; the start of today in Nairobi (UTC+3) when left out.'),
  to: time('Created at or before; now when left out.'),
});

const count = z.number().int();

export const statsSchema = z
  .object({
    window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
    currency: z.literal('KES'),
    payments: z
      .object({
        total: count,
        pending: count,
        completed: count,
        failed: count,
        cancelled: count,
        expired: count,
        reversed: count.meta({ description: 'Paid, then given back in full by a refund.' }),
      })
      .meta({ description: 'Payments created in the window, by their status now.' }),
    successRate: z
      .number()
      .nullable()
      .meta({
        description:
          'Paid (completed, or completed and since reversed) out of those that ended (0..1); null when none ended.',
        examples: [0.985],
      }),
    amountCollected: z
      .number()
      .int()
      .meta({
        description: 'Whole KES of the completed payments (what M-Pesa reported paid, else what was asked).',
        examples: [2500],
      }),
    failureReasons: z
      .array(
        z.object({
          code: z.string().meta({ examples: ['cancelled_by_customer'] }),
          message: z.string(),
          count,
        }),
      )
      .meta({ description: 'Why payments did not complete, most frequent first.' }),
    promptToPayment: z
      .object({ averageMs: z.number().int().nullable(), maxMs: z.number().int().nullable() })
      .meta({ description: 'From the push to the settlement of completed payments that had a prompt.' }),
    settledByQuery: count.meta({
      description: 'Payments whose callback never came in time: STK Query settled them.',
    }),
    receivedByC2b: count.meta({
      description:
        'Payments the customer started (C2B: a till or PayBill paid from the M-Pesa menu), counted in `payments` and `amountCollected` too; `promptToPayment` leaves them out.',
    }),
    webhooks: z.object({
      endpoints: count,
      enabled: count,
      failing: count.meta({
        description:
          'Enabled endpoints whose attempts fail now, or with any delivery failing and retrying (a retry counts as a failure until it succeeds).',
      }),
      retrying: count.meta({
        description:
          'Deliveries failing and retrying now (whenever they were created): failed at least once, next attempt to come.',
      }),
      nextRetryAt: z.iso
        .datetime()
        .nullable()
        .meta({ description: 'When the soonest of those is attempted again; null when none waits.' }),
      deliveries: z
        .object({
          succeeded: count,
          failed: count,
          pending: count,
          retrying: count.meta({
            description:
              'Of `pending`: those that failed at least once and wait for a retry. Delivered rates count them as failures.',
          }),
        })
        .meta({ description: 'Deliveries created in the window, by status.' }),
    }),
  })
  .meta({
    id: 'ProjectStats',
    description: "One project's payments and webhooks in one mode over a time window.",
  });
export type StatsView = z.output<typeof statsSchema>;

export const statsSeriesQuery = z.strictObject({
  from: time(
    'Created at or after; the start of the day six days before today in Nairobi (the last 7 days) when left out.',
  ),
  to: time('Created at or before; now when left out.'),
  bucket: z
    .enum(['hour', 'day'], expecting('hour or day'))
    .optional()
    .meta({
      description:
        'Hours or days of East Africa Time (UTC+3); when left out, hours for a window of up to 48 hours, else days. At most 744 buckets.',
      examples: ['day'],
    }),
});

const point = z
  .object({
    start: z.iso
      .datetime()
      .meta({ description: 'When the bucket starts (a Nairobi hour or midnight), as UTC.' }),
    payments: count.meta({ description: 'Payments created in the bucket.' }),
    completed: count,
    pending: count,
    reversed: count.meta({ description: 'Paid, then given back in full by a refund.' }),
    notCompleted: count.meta({ description: 'Failed, cancelled or expired.' }),
    successRate: z.number().nullable().meta({
      description:
        'Paid (completed, or completed and since reversed) out of those that ended (0..1); null when none ended.',
    }),
    amountCollected: z.number().int().meta({ description: 'Whole KES of the completed payments.' }),
  })
  .meta({ id: 'StatsPoint' });

export const statsSeriesSchema = z
  .object({
    window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
    bucket: z.enum(['hour', 'day']),
    timeZone: z.literal('Africa/Nairobi'),
    currency: z.literal('KES'),
    points: z
      .array(point)
      .meta({ description: 'Every bucket of the window, oldest first, empty ones included.' }),
  })
  .meta({
    id: 'ProjectStatsSeries',
    description: "One project's payments in one mode per hour or per day of East Africa Time.",
  });
export type StatsSeriesView = z.output<typeof statsSeriesSchema>;
