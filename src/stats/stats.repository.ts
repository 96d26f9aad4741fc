// A project's numbers for one mode and time window, counted by the database on both engines.
// The window is an id range as well as a createdAt range (ids start with their createdAt,
// src/ids.ts), so every count here is a range scan of (projectId, mode, id).
import { sql } from 'kysely';
import type { Queryable } from '../db/database';
import { idTimePart } from '../ids';
import type { Scope } from '../core/scope';

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

export interface PaymentGroup {
  status: string;
  resultCode: string | null;
  settledBy: string | null;
  count: number;
  /** What M-Pesa reported paid, else what was asked (STK Query answers carry no amount). */
  collected: number;
  /** Of the group's settled payments: how many, and their prompt-to-settlement times. */
  settled: number;
  settleMsSum: number;
  settleMsMax: number | null;
}

/**
 * Every payment of the window counted once, grouped by what the overview splits on (status,
 * Daraja's ResultCode, who settled it): one scan of the window, however many numbers are shown.
 */
export async function paymentGroups(
  q: Queryable,
  scope: Scope,
  window: StatsWindow,
): Promise<PaymentGroup[]> {
  const rows = await q.all(
    inWindow(q, scope, window)
      .select((eb) => [
        'status',
        'resultCode',
        'settledBy',
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>(eb.fn.coalesce('amountPaid', 'amount')).as('collected'),
        eb.fn.count<number>('settledAt').as('settled'),
        eb.fn.sum<number>(settleMs(q)).as('settleMsSum'),
        eb.fn.max<number>(settleMs(q)).as('settleMsMax'),
      ])
      .groupBy(['status', 'resultCode', 'settledBy']),
  );
  return rows.map((row) => ({
    status: row.status,
    resultCode: row.resultCode,
    settledBy: row.settledBy,
    count: Number(row.count),
    collected: Number(row.collected ?? 0),
    settled: Number(row.settled),
    settleMsSum: Number(row.settleMsSum ?? 0),
    settleMsMax: row.settleMsMax == null ? null : Number(row.settleMsMax),
  }));
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
  return {
    endpoints,
    deliveries: deliveries.map((row) => ({ status: row.status, count: Number(row.count) })),
  };
}
