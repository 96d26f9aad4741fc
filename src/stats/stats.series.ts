// The overview's numbers over time: payments of one project and mode counted per hour or per
// day of East Africa Time, by the database on both engines, with every bucket of the window
// present (zeros included) so a chart's axis is the window itself.
//
// Kenya has one time zone and no daylight saving (UTC+3), so a Nairobi day is a fixed 24 h
// span starting at 21:00 UTC, and an hour is the UTC hour. A row's bucket is
// floor((unix seconds + 3 h) / bucket seconds), computed from whole seconds on both engines
// (SQLite's strftime('%s'), PostgreSQL's EXTRACT(EPOCH)), never from floating julian days, so a
// payment at 00:00:00.000 EAT falls in its own day on both, exactly.
import { sql } from 'kysely';
import type { Queryable } from '../db/database';
import type { Scope } from '../core/scope';
import { defaultSlice, inIds, inSlices, windowIds, type IdRange, type StatsWindow } from './stats.repository';

export const NAIROBI_OFFSET_SECONDS = 3 * 3600;
export const BUCKET_SECONDS = { hour: 3600, day: 86_400 } as const;
export type Bucket = keyof typeof BUCKET_SECONDS;

/** The bucket number of a row's createdAt, in each engine's date functions (see above). */
function bucketOf(q: Queryable, seconds: number) {
  const offset = NAIROBI_OFFSET_SECONDS;
  return q.engine === 'postgres'
    ? sql<number>`FLOOR((FLOOR(EXTRACT(EPOCH FROM "createdAt")) + ${sql.lit(offset)}) / ${sql.lit(seconds)})`
    : sql<number>`((CAST(strftime('%s', "createdAt") AS INTEGER) + ${sql.lit(offset)}) / ${sql.lit(seconds)})`;
}

/** The bucket an instant falls in: the same arithmetic in JavaScript. */
export function bucketNumber(at: Date, bucket: Bucket): number {
  return Math.floor((Math.floor(at.getTime() / 1000) + NAIROBI_OFFSET_SECONDS) / BUCKET_SECONDS[bucket]);
}

/** When bucket `n` starts (Nairobi midnight of its day, or its hour). */
export function bucketStart(n: number, bucket: Bucket): Date {
  return new Date((n * BUCKET_SECONDS[bucket] - NAIROBI_OFFSET_SECONDS) * 1000);
}

export interface SeriesGroup {
  bucket: number;
  status: string;
  count: number;
  /** What M-Pesa reported paid, else what was asked: whole KES. */
  collected: number;
}

async function seriesOf(q: Queryable, scope: Scope, window: StatsWindow, bucket: Bucket, ids: IdRange) {
  const rows = await q.all(
    inIds(q, scope, ids)
      .where('createdAt', '>=', window.from)
      .where('createdAt', '<=', window.to)
      .select((eb) => [
        bucketOf(q, BUCKET_SECONDS[bucket]).as('bucket'),
        'status',
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>(eb.fn.coalesce('amountPaid', 'amount')).as('collected'),
      ])
      .groupBy([bucketOf(q, BUCKET_SECONDS[bucket]), 'status']),
  );
  return rows.map((row): SeriesGroup => ({
    bucket: Number(row.bucket),
    status: row.status,
    count: Number(row.count),
    collected: Number(row.collected ?? 0),
  }));
}

/**
 * The window's payments per bucket and status. `sliceRows` null: one scan (PostgreSQL's
 * default); otherwise keyset slices of the (projectId, mode, id) index with a turn of the event
 * loop between them (SQLite's default), as the totals are counted (stats.repository.ts).
 */
export async function paymentSeries(
  q: Queryable,
  scope: Scope,
  window: StatsWindow,
  bucket: Bucket,
  sliceRows: number | null = defaultSlice(q),
): Promise<SeriesGroup[]> {
  const ids = windowIds('txn', window);
  const groups =
    sliceRows === null
      ? await seriesOf(q, scope, window, bucket, ids)
      : await inSlices(
          ids,
          sliceRows,
          (range, offset) =>
            q.first(inIds(q, scope, range).select('id').orderBy('id').limit(1).offset(offset)),
          (range) => seriesOf(q, scope, window, bucket, range),
        );
  // Slices cut buckets in two: their counts and sums add.
  const merged = new Map<string, SeriesGroup>();
  for (const group of groups) {
    const key = `${group.bucket}:${group.status}`;
    const into = merged.get(key);
    if (into) {
      into.count += group.count;
      into.collected += group.collected;
    } else merged.set(key, { ...group });
  }
  return [...merged.values()];
}
