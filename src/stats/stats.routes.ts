// GET /api/v1/stats: the overview's numbers. Counting happens in the database
// (stats.repository.ts); here they are named and the failure codes given their reasons.
import { Router } from 'express';
import { scopeOf } from '../auth/merchant-auth';
import type { Queryable } from '../db/database';
import { interpretResultCode } from '../transactions/transaction.states';
import { parseOrThrow } from '../validation';
import { completedTimings, countByStatus, failureCounts, settledByQuery, webhookHealth } from './stats.repository';
import { statsQuery, type StatsView } from './stats.schema';

/** Kenya has one time zone and no daylight saving: East Africa Time, UTC+3. */
const NAIROBI_OFFSET_MS = 3 * 3_600_000;

export function startOfNairobiDay(now: Date): Date {
  const local = new Date(now.getTime() + NAIROBI_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - NAIROBI_OFFSET_MS);
}

/** The reason a failed payment is shown under (the codes of transaction.view.ts). */
function reasonOf(row: { status: string; resultCode: string | null; settledBy: string | null }): { code: string; message: string } {
  if (row.resultCode) return interpretResultCode(row.resultCode);
  if (row.settledBy === 'push_refused') return { code: 'push_refused', message: 'M-Pesa refused the push itself' };
  return { code: 'no_answer', message: 'M-Pesa gave no final answer in time' };
}

export function createStatsRoutes(db: Queryable): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseOrThrow(statsQuery, req.query, 'query');
    const now = new Date();
    const window = { from: query.from ?? startOfNairobiDay(now), to: query.to ?? now };
    const scope = scopeOf(req);
    const [statuses, failures, timings, byQuery, webhooks] = await Promise.all([
      countByStatus(db, scope, window),
      failureCounts(db, scope, window),
      completedTimings(db, scope, window),
      settledByQuery(db, scope, window),
      webhookHealth(db, scope, window),
    ]);
    const payments = { total: 0, pending: 0, completed: 0, failed: 0, cancelled: 0, expired: 0 };
    for (const row of statuses) {
      if (row.status in payments) payments[row.status as keyof typeof payments] += row.count;
      payments.total += row.count;
    }
    const completed = statuses.find((row) => row.status === 'completed');
    const reasons = new Map<string, { code: string; message: string; count: number }>();
    for (const row of failures) {
      const reason = reasonOf(row);
      const entry = reasons.get(reason.code) ?? { code: reason.code, message: reason.message, count: 0 };
      entry.count += row.count;
      reasons.set(reason.code, entry);
    }
    const ended = payments.total - payments.pending;
    const delivery = (status: string) => webhooks.deliveries.find((row) => row.status === status)?.count ?? 0;
    const view: StatsView = {
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
      currency: 'KES',
      payments,
      successRate: ended === 0 ? null : payments.completed / ended,
      // What M-Pesa reported paid; the amount asked while unknown (STK Query answers carry none).
      amountCollected: completed?.collected ?? 0,
      failureReasons: [...reasons.values()].sort((a, b) => b.count - a.count),
      promptToPayment: { averageMs: timings.averageMs, maxMs: timings.maxMs },
      settledByQuery: byQuery,
      webhooks: {
        endpoints: webhooks.endpoints.length,
        enabled: webhooks.endpoints.filter((endpoint) => Boolean(endpoint.enabled)).length,
        failing: webhooks.endpoints.filter((endpoint) => Boolean(endpoint.enabled) && endpoint.failingSince !== null).length,
        deliveries: { succeeded: delivery('succeeded'), failed: delivery('failed'), pending: delivery('pending') },
      },
    };
    res.json(view);
  });
  return router;
}
