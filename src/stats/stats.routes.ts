// GET /api/v1/stats: the overview's numbers. Counting happens in the database
// (stats.repository.ts); here they are named and the failure codes given their reasons.
import type { z } from 'zod';
import { scopeOf } from '../core/scope';
import type { Queryable } from '../db/database';
import { defineOperation, type FeatureApi } from '../core/operation';
import type { Scope } from '../core/scope';
import { interpretResultCode } from '../payments/transaction.states';
import { paymentGroups, webhookHealth } from './stats.repository';
import {
  statsQuery,
  statsSchema,
  statsSeriesQuery,
  statsSeriesSchema,
  type StatsSeriesView,
  type StatsView,
} from './stats.schema';
import { AppError } from '../errors';
import { bucketNumber, bucketStart, paymentSeries, type Bucket } from './stats.series';

/** Kenya has one time zone and no daylight saving: East Africa Time, UTC+3. */
const NAIROBI_OFFSET_MS = 3 * 3_600_000;

export function startOfNairobiDay(now: Date): Date {
  const local = new Date(now.getTime() + NAIROBI_OFFSET_MS);
  return new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - NAIROBI_OFFSET_MS,
  );
}

/** The reason a failed payment is shown under (the codes of transaction.view.ts). */
function reasonOf(row: { status: string; resultCode: string | null; settledBy: string | null }): {
  code: string;
  message: string;
} {
  if (row.resultCode) return interpretResultCode(row.resultCode);
  if (row.settledBy === 'push_refused')
    return { code: 'push_refused', message: 'M-Pesa refused the push itself' };
  return { code: 'no_answer', message: 'M-Pesa gave no final answer in time' };
}

export interface StatsDeps {
  database: Queryable;
}

const operation = defineOperation<StatsDeps>();
type StatsQuery = z.output<typeof statsQuery>;
type SeriesQuery = z.output<typeof statsSeriesQuery>;

/** A month of hours, or two years of days: enough for a chart, bounded for the database. */
const MAX_BUCKETS = 744;
/** Up to two days are shown by the hour when the caller does not choose. */
const HOURLY_UP_TO_MS = 48 * 3_600_000;
const DAY_MS = 86_400_000;

export const statsApi: FeatureApi<StatsDeps> = {
  tags: [
    { name: 'Stats', description: "A project's numbers for one mode: what the dashboard's overview shows." },
  ],
  operations: [
    operation({
      method: 'get',
      path: '/api/v1/stats',
      operationId: 'getStats',
      tag: 'Stats',
      summary: 'Payments and webhooks over a time window',
      description:
        'Counts, success rate, amount collected, failure reasons, time from prompt to payment, payments settled by STK Query and webhook health.',
      auth: 'signature',
      rateLimit: 'perProject',
      query: statsQuery,
      responses: { 200: { description: 'The numbers.', schema: statsSchema } },
      handler: async ({ deps, req, res, query }) => {
        res.json(await statsOf(deps.database, scopeOf(req), query));
      },
    }),
    operation({
      method: 'get',
      path: '/api/v1/stats/series',
      operationId: 'getStatsSeries',
      tag: 'Stats',
      summary: 'Payments per hour or per day',
      description:
        'Payments, completed, success rate and amount collected in each hour or day (East Africa Time) of a window: what the overview charts.',
      auth: 'signature',
      rateLimit: 'perProject',
      query: statsSeriesQuery,
      responses: {
        200: { description: 'Every bucket of the window, oldest first.', schema: statsSeriesSchema },
      },
      sample: { query: { bucket: 'day' } },
      handler: async ({ deps, req, res, query }) => {
        res.json(await seriesOfWindow(deps.database, scopeOf(req), query));
      },
    }),
  ],
};

async function statsOf(db: Queryable, scope: Scope, query: StatsQuery): Promise<StatsView> {
  const now = new Date();
  const window = { from: query.from ?? startOfNairobiDay(now), to: query.to ?? now };
  const [groups, webhooks] = await Promise.all([
    paymentGroups(db, scope, window),
    webhookHealth(db, scope, window),
  ]);
  const payments = { total: 0, pending: 0, completed: 0, failed: 0, cancelled: 0, expired: 0, reversed: 0 };
  const reasons = new Map<string, { code: string; message: string; count: number }>();
  let collected = 0;
  let settled = 0;
  let settleMsSum = 0;
  let settleMsMax: number | null = null;
  let byQuery = 0;
  let walkIn = 0;
  for (const group of groups) {
    if (group.status in payments) payments[group.status as keyof typeof payments] += group.count;
    payments.total += group.count;
    if (group.settledBy === 'stk_query') byQuery += group.count;
    if (group.origin === 'c2b') walkIn += group.count;
    if (group.status === 'completed') {
      collected += group.collected;
      // A walk-in payment had no prompt: its zero would only pull the prompt's timing down.
      if (group.origin !== 'c2b') {
        settled += group.settled;
        settleMsSum += group.settleMsSum;
        if (group.settleMsMax !== null) settleMsMax = Math.max(settleMsMax ?? 0, group.settleMsMax);
      }
    } else if (group.status !== 'pending' && group.status !== 'reversed') {
      const reason = reasonOf(group);
      const entry = reasons.get(reason.code) ?? { code: reason.code, message: reason.message, count: 0 };
      entry.count += group.count;
      reasons.set(reason.code, entry);
    }
  }
  const ended = payments.total - payments.pending;
  const delivery = (status: string) => webhooks.deliveries.find((row) => row.status === status)?.count ?? 0;
  const retryingNow = new Map(webhooks.retrying.map((row) => [row.endpointId, row]));
  const nextRetry = webhooks.retrying
    .map((row) => row.nextRetryAt)
    .filter((at): at is Date => at !== null)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  const view: StatsView = {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    currency: 'KES',
    payments,
    // A reversed payment was paid (a refund gave it back later): a success of the prompt, no money now.
    successRate: ended === 0 ? null : (payments.completed + payments.reversed) / ended,
    amountCollected: collected,
    failureReasons: [...reasons.values()].sort((a, b) => b.count - a.count),
    promptToPayment: {
      averageMs: settled === 0 ? null : Math.round(settleMsSum / settled),
      maxMs: settleMsMax === null ? null : Math.round(settleMsMax),
    },
    settledByQuery: byQuery,
    receivedByC2b: walkIn,
    webhooks: {
      endpoints: webhooks.endpoints.length,
      enabled: webhooks.endpoints.filter((endpoint) => Boolean(endpoint.enabled)).length,
      // Honest: an endpoint with a delivery failing and retrying is failing, whatever its last attempt did.
      failing: webhooks.endpoints.filter(
        (endpoint) =>
          Boolean(endpoint.enabled) && (endpoint.failingSince !== null || retryingNow.has(endpoint.id)),
      ).length,
      retrying: webhooks.retrying.reduce((sum, row) => sum + row.count, 0),
      nextRetryAt: nextRetry?.toISOString() ?? null,
      deliveries: {
        succeeded: delivery('succeeded'),
        failed: delivery('failed'),
        pending: delivery('pending'),
        retrying: webhooks.retrying.reduce((sum, row) => sum + row.inWindow, 0),
      },
    },
  };
  return view;
}

function tooWide(message: string): AppError {
  return new AppError('validation_failed', message, {
    fields: [{ field: 'from', in: 'query', message }],
  });
}

async function seriesOfWindow(db: Queryable, scope: Scope, query: SeriesQuery): Promise<StatsSeriesView> {
  const now = new Date();
  const window = {
    from: query.from ?? new Date(startOfNairobiDay(now).getTime() - 6 * DAY_MS),
    to: query.to ?? now,
  };
  if (window.from > window.to) throw tooWide('from must not be after to');
  const bucket: Bucket =
    query.bucket ?? (window.to.getTime() - window.from.getTime() <= HOURLY_UP_TO_MS ? 'hour' : 'day');
  const first = bucketNumber(window.from, bucket);
  const last = bucketNumber(window.to, bucket);
  if (last - first + 1 > MAX_BUCKETS)
    throw tooWide(`at most ${MAX_BUCKETS} buckets: choose a shorter window or bucket=day`);
  const points = Array.from({ length: last - first + 1 }, (_, index) => ({
    start: bucketStart(first + index, bucket).toISOString(),
    payments: 0,
    completed: 0,
    pending: 0,
    reversed: 0,
    notCompleted: 0,
    successRate: null as number | null,
    amountCollected: 0,
  }));
  for (const group of await paymentSeries(db, scope, window, bucket)) {
    const point = points[group.bucket - first];
    if (!point) continue;
    point.payments += group.count;
    if (group.status === 'completed') {
      point.completed += group.count;
      point.amountCollected += group.collected;
    } else if (group.status === 'pending') point.pending += group.count;
    else if (group.status === 'reversed') point.reversed += group.count;
    else point.notCompleted += group.count;
  }
  for (const point of points) {
    const ended = point.completed + point.reversed + point.notCompleted;
    point.successRate = ended === 0 ? null : (point.completed + point.reversed) / ended;
  }
  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    bucket,
    timeZone: 'Africa/Nairobi',
    currency: 'KES',
    points,
  };
}
