// A project's numbers for one mode and time window, counted by the database on both engines.
// The window is an id range as well as a createdAt range (ids start with their createdAt,
// src/ids.ts), so every count here is a range scan of (projectId, mode, id).
import { sql } from 'kysely';
import type { Queryable } from '../db/database';
import { idTimePart } from '../ids';
import type { Scope } from '../projects/project.modes';

/** Rows written before ids and createdAt came from one clock reading (transaction.repository.ts). */
const ID_CLOCK_SLACK_MS = 1000;

export interface StatsWindow {
  from: Date;
  to: Date;
}

function inWindow(q: Queryable, scope: Scope, window: StatsWindow) {
  return q.qb
    .selectFrom('Transaction')
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode)
    .where('id', '>=', idTimePart('txn', new Date(window.from.getTime() - ID_CLOCK_SLACK_MS)))
    .where('id', '<', idTimePart('txn', new Date(window.to.getTime() + ID_CLOCK_SLACK_MS)))
    .where('createdAt', '>=', window.from)
    .where('createdAt', '<=', window.to);
}

/** Milliseconds from the push to settlement, in each engine's date arithmetic (SQLite keeps ISO text). */
function settleMs(q: Queryable) {
  return q.engine === 'postgres'
    ? sql<number>`EXTRACT(EPOCH FROM ("settledAt" - "createdAt")) * 1000`
    : sql<number>`(julianday("settledAt") - julianday("createdAt")) * 86400000`;
}

export async function countByStatus(q: Queryable, scope: Scope, window: StatsWindow) {
  const rows = await q.all(
    inWindow(q, scope, window)
      .select((eb) => ['status', eb.fn.countAll<number>().as('count'), eb.fn.sum<number>(eb.fn.coalesce('amountPaid', 'amount')).as('collected')])
      .groupBy('status'),
  );
  return rows.map((row) => ({ status: row.status, count: Number(row.count), collected: Number(row.collected ?? 0) }));
}

/** Why payments did not complete: Daraja's ResultCode, or who ended them when there is none. */
export async function failureCounts(q: Queryable, scope: Scope, window: StatsWindow) {
  const rows = await q.all(
    inWindow(q, scope, window)
      .select((eb) => ['status', 'resultCode', 'settledBy', eb.fn.countAll<number>().as('count')])
      .where('status', 'in', ['failed', 'cancelled', 'expired'])
      .groupBy(['status', 'resultCode', 'settledBy']),
  );
  return rows.map((row) => ({ status: row.status, resultCode: row.resultCode, settledBy: row.settledBy, count: Number(row.count) }));
}

/** Completed payments: how long the customer took, from the push to the money. */
export async function completedTimings(q: Queryable, scope: Scope, window: StatsWindow) {
  const row = await q.first(
    inWindow(q, scope, window)
      .where('status', '=', 'completed')
      .where('settledAt', 'is not', null)
      .select((eb) => [
        eb.fn.countAll<number>().as('count'),
        eb.fn.avg<number>(settleMs(q)).as('averageMs'),
        eb.fn.max<number>(settleMs(q)).as('maxMs'),
      ]),
  );
  return { count: Number(row?.count ?? 0), averageMs: row?.averageMs == null ? null : Math.round(Number(row.averageMs)), maxMs: row?.maxMs == null ? null : Math.round(Number(row.maxMs)) };
}

/** Every final payment settled by STK Query: its callback never came (in time). */
export async function settledByQuery(q: Queryable, scope: Scope, window: StatsWindow): Promise<number> {
  const row = await q.first(inWindow(q, scope, window).where('settledBy', '=', 'stk_query').select((eb) => eb.fn.countAll<number>().as('count')));
  return Number(row?.count ?? 0);
}

export async function webhookHealth(q: Queryable, scope: Scope, window: StatsWindow) {
  const endpoints = await q.all(
    q.qb
      .selectFrom('WebhookEndpoint')
      .select(['id', 'url', 'enabled', 'failingSince', 'disabledReason'])
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('deletedAt', 'is', null),
  );
  const deliveries = await q.all(
    q.qb
      .selectFrom('WebhookDelivery')
      .innerJoin('WebhookEndpoint', 'WebhookEndpoint.id', 'WebhookDelivery.endpointId')
      .select((eb) => ['WebhookDelivery.status', eb.fn.countAll<number>().as('count')])
      .where('WebhookEndpoint.projectId', '=', scope.projectId)
      .where('WebhookEndpoint.mode', '=', scope.mode)
      .where('WebhookDelivery.createdAt', '>=', window.from)
      .where('WebhookDelivery.createdAt', '<=', window.to)
      .groupBy('WebhookDelivery.status'),
  );
  return { endpoints, deliveries: deliveries.map((row) => ({ status: row.status, count: Number(row.count) })) };
}
