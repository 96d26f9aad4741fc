// A project's numbers for one mode and time window, counted by the database on both engines.
// The window is an id range as well as a createdAt range (ids start with their createdAt,
// src/ids.ts), so every count here is a range scan of (projectId, mode, id) for payments and of
// (endpointId, id) for webhook deliveries.
import { setImmediate } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Queryable } from '../db/database';
import { idTimePart, type IdPrefix } from '../ids';
import type { Scope } from '../core/scope';

/** Rows written before ids and createdAt came from one clock reading (transaction.repository.ts). */
const ID_CLOCK_SLACK_MS = 1000;

/**
 * Rows one SQLite statement of the stats reads at most. better-sqlite3 runs a query
 * synchronously on the event loop, so one grouped scan of a year held /health and every tenant
 * for its whole length (a 1 M-row project: ~0.9 s). In keyset slices of this many rows, with a
 * turn of the event loop between them, each holds it for ~2 ms (~0.9 µs a row) however long or
 * dense the window is. PostgreSQL runs its one scan on its own server, asynchronously.
 */
export const STATS_SLICE_ROWS = 2000;

/** SQLite's default: slices; PostgreSQL's: one scan (null). */
export const defaultSlice = (q: Queryable) => (q.engine === 'sqlite' ? STATS_SLICE_ROWS : null);

export interface StatsWindow {
  from: Date;
  to: Date;
}

export interface IdRange {
  after: { op: '>=' | '>'; id: string };
  upTo: { op: '<' | '<='; id: string };
}

export function windowIds(prefix: IdPrefix, window: StatsWindow): IdRange {
  return {
    after: { op: '>=', id: idTimePart(prefix, new Date(window.from.getTime() - ID_CLOCK_SLACK_MS)) },
    upTo: { op: '<', id: idTimePart(prefix, new Date(window.to.getTime() + ID_CLOCK_SLACK_MS)) },
  };
}

/**
 * Reads `ids` in consecutive ranges of at most `sliceRows` rows, one after another with a turn
 * of the event loop between them. `lastOf(range)` finds the id `sliceRows` rows into a range
 * (undefined when it holds fewer), `read(range)` counts a range. A row's id never changes, so it
 * falls in exactly one slice and is counted once, in the state it has when its slice is read
 * (a row changing meanwhile is counted before or after the change, as with one scan).
 */
export async function inSlices<T>(
  ids: IdRange,
  sliceRows: number,
  lastOf: (range: IdRange, offset: number) => Promise<{ id: string } | undefined>,
  read: (range: IdRange) => Promise<T[]>,
): Promise<T[]> {
  const found: T[] = [];
  let after = ids.after;
  for (;;) {
    const last = await lastOf({ after, upTo: ids.upTo }, sliceRows - 1);
    const upTo = last ? { op: '<=' as const, id: last.id } : ids.upTo;
    found.push(...(await read({ after, upTo })));
    if (!last) return found;
    after = { op: '>', id: last.id };
    await setImmediate();
  }
}

export function inIds(q: Queryable, scope: Scope, ids: IdRange) {
  return q.qb
    .selectFrom('Transaction')
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode)
    .where('id', ids.after.op, ids.after.id)
    .where('id', ids.upTo.op, ids.upTo.id);
}

/**
 * Milliseconds from the push to settlement, in each engine's date arithmetic (SQLite keeps ISO
 * text), rounded per row: the stored times have millisecond precision, and whole numbers add up
 * exactly in any grouping, so slices sum to what one scan sums.
 */
function settleMs(q: Queryable) {
  return q.engine === 'postgres'
    ? sql<number>`ROUND(EXTRACT(EPOCH FROM ("settledAt" - "createdAt")) * 1000)`
    : sql<number>`ROUND((julianday("settledAt") - julianday("createdAt")) * 86400000)`;
}

export interface PaymentGroup {
  status: string;
  resultCode: string | null;
  settledBy: string | null;
  /** `stk_push` or `c2b` (a walk-in payment: no prompt to time). */
  origin: string;
  count: number;
  /** What M-Pesa reported paid, else what was asked (STK Query answers carry no amount). */
  collected: number;
  /** Of the group's settled payments: how many, and their prompt-to-settlement times. */
  settled: number;
  settleMsSum: number;
  settleMsMax: number | null;
}

async function groupsOf(q: Queryable, scope: Scope, window: StatsWindow, ids: IdRange) {
  const rows = await q.all(
    inIds(q, scope, ids)
      .where('createdAt', '>=', window.from)
      .where('createdAt', '<=', window.to)
      .select((eb) => [
        'status',
        'resultCode',
        'settledBy',
        'origin',
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>(eb.fn.coalesce('amountPaid', 'amount')).as('collected'),
        eb.fn.count<number>('settledAt').as('settled'),
        eb.fn.sum<number>(settleMs(q)).as('settleMsSum'),
        eb.fn.max<number>(settleMs(q)).as('settleMsMax'),
      ])
      .groupBy(['status', 'resultCode', 'settledBy', 'origin']),
  );
  return rows.map((row): PaymentGroup => ({
    status: row.status,
    resultCode: row.resultCode,
    settledBy: row.settledBy,
    origin: row.origin,
    count: Number(row.count),
    collected: Number(row.collected ?? 0),
    settled: Number(row.settled),
    settleMsSum: Number(row.settleMsSum ?? 0),
    settleMsMax: row.settleMsMax == null ? null : Number(row.settleMsMax),
  }));
}

/**
 * Groups of several slices as one scan gives them: counts and sums add, maxima take the larger.
 * In key order, so that equal counts list their reasons in the same order on both engines.
 */
function mergeGroups(groups: PaymentGroup[]): PaymentGroup[] {
  const merged = new Map<string, PaymentGroup>();
  for (const group of groups) {
    const key = JSON.stringify([group.status, group.resultCode, group.settledBy, group.origin]);
    const into = merged.get(key);
    if (!into) {
      merged.set(key, { ...group });
      continue;
    }
    into.count += group.count;
    into.collected += group.collected;
    into.settled += group.settled;
    into.settleMsSum += group.settleMsSum;
    if (group.settleMsMax !== null)
      into.settleMsMax = Math.max(into.settleMsMax ?? group.settleMsMax, group.settleMsMax);
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

/**
 * Every payment of the window counted once, grouped by what the overview splits on (status,
 * Daraja's ResultCode, who settled it, how it started). `sliceRows` null: one scan (PostgreSQL's
 * default); otherwise slices of the (projectId, mode, id) index (SQLite's default, STATS_SLICE_ROWS).
 */
export async function paymentGroups(
  q: Queryable,
  scope: Scope,
  window: StatsWindow,
  sliceRows: number | null = defaultSlice(q),
): Promise<PaymentGroup[]> {
  const ids = windowIds('txn', window);
  if (sliceRows === null) return mergeGroups(await groupsOf(q, scope, window, ids));
  return mergeGroups(
    await inSlices(
      ids,
      sliceRows,
      // The slice's last id: a walk of sliceRows entries of the (projectId, mode, id) index.
      (range, offset) => q.first(inIds(q, scope, range).select('id').orderBy('id').limit(1).offset(offset)),
      (range) => groupsOf(q, scope, window, range),
    ),
  );
}

export interface DeliveryCount {
  status: string;
  count: number;
}

function inDeliveryIds(q: Queryable, endpointId: string, ids: IdRange) {
  return q.qb
    .selectFrom('WebhookDelivery')
    .where('endpointId', '=', endpointId)
    .where('id', ids.after.op, ids.after.id)
    .where('id', ids.upTo.op, ids.upTo.id);
}

async function deliveryCountsOf(q: Queryable, endpointId: string, window: StatsWindow, ids: IdRange) {
  const rows = await q.all(
    inDeliveryIds(q, endpointId, ids)
      .where('createdAt', '>=', window.from)
      .where('createdAt', '<=', window.to)
      .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
      .groupBy('status'),
  );
  return rows.map((row): DeliveryCount => ({ status: row.status, count: Number(row.count) }));
}

/** Counts per status, summed over slices and endpoints, in status order. */
function mergeDeliveryCounts(counts: DeliveryCount[]): DeliveryCount[] {
  const merged = new Map<string, number>();
  for (const { status, count } of counts) merged.set(status, (merged.get(status) ?? 0) + count);
  return [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([status, count]) => ({ status, count }));
}

/**
 * The window's webhook deliveries of the project and mode, counted per status: those of its
 * deleted endpoints too (they were sent). `sliceRows` null: one scan joined to the endpoints
 * (PostgreSQL's default); otherwise, endpoint by endpoint, slices of the (endpointId, id)
 * index, as for payments (SQLite's default: a year of deliveries is as many rows as a year of
 * payments, times the endpoints).
 */
export async function deliveryCounts(
  q: Queryable,
  scope: Scope,
  window: StatsWindow,
  sliceRows: number | null = defaultSlice(q),
): Promise<DeliveryCount[]> {
  const ids = windowIds('whd', window);
  if (sliceRows === null) {
    const rows = await q.all(
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
    return mergeDeliveryCounts(rows.map((row) => ({ status: row.status, count: Number(row.count) })));
  }
  const endpoints = await q.all(
    q.qb
      .selectFrom('WebhookEndpoint')
      .select('id')
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .orderBy('id'),
  );
  const counts: DeliveryCount[] = [];
  for (const { id: endpointId } of endpoints) {
    counts.push(
      ...(await inSlices(
        ids,
        sliceRows,
        (range, offset) =>
          q.first(inDeliveryIds(q, endpointId, range).select('id').orderBy('id').limit(1).offset(offset)),
        (range) => deliveryCountsOf(q, endpointId, window, range),
      )),
    );
    await setImmediate();
  }
  return mergeDeliveryCounts(counts);
}

export async function webhookHealth(
  q: Queryable,
  scope: Scope,
  window: StatsWindow,
  sliceRows: number | null = defaultSlice(q),
) {
  const endpoints = await q.all(
    q.qb
      .selectFrom('WebhookEndpoint')
      .select(['id', 'url', 'enabled', 'failingSince', 'disabledReason'])
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('deletedAt', 'is', null),
  );
  // Failing and retrying now, whenever they were created: a retry is a failure not given up yet.
  const retrying = await q.all(
    q.qb
      .selectFrom('WebhookDelivery')
      .innerJoin('WebhookEndpoint', 'WebhookEndpoint.id', 'WebhookDelivery.endpointId')
      .select((eb) => [
        'WebhookDelivery.endpointId',
        eb.fn.countAll<number>().as('count'),
        eb.fn.min('WebhookDelivery.nextAttemptAt').as('nextRetryAt'),
        eb.fn
          .sum<number>(eb.case().when('WebhookDelivery.createdAt', '>=', window.from).then(1).else(0).end())
          .as('sinceFrom'),
      ])
      .where('WebhookEndpoint.projectId', '=', scope.projectId)
      .where('WebhookEndpoint.mode', '=', scope.mode)
      .where('WebhookDelivery.status', '=', 'pending')
      // Its last attempt failed (src/webhooks/delivery.repository.ts, lastAttemptFailed).
      .where((eb) =>
        eb.or([
          eb('WebhookDelivery.lastError', 'is not', null),
          eb('WebhookDelivery.lastStatusCode', '<', 200),
          eb('WebhookDelivery.lastStatusCode', '>=', 300),
        ]),
      )
      .groupBy('WebhookDelivery.endpointId'),
  );
  return {
    endpoints,
    deliveries: await deliveryCounts(q, scope, window, sliceRows),
    retrying: retrying.map((row) => ({
      endpointId: row.endpointId,
      count: Number(row.count),
      inWindow: Number(row.sinceFrom ?? 0),
      // An aggregate is not converted by column name on SQLite: ISO text there, a Date on PostgreSQL.
      nextRetryAt: row.nextRetryAt === null ? null : new Date(row.nextRetryAt as unknown as string),
    })),
  };
}
