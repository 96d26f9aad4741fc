// The STK Query pace of the whole deployment, in PostgreSQL: one `QueryPace` row per Daraja app
// (prisma/postgres/instances.prisma). Taking a slot is one upsert, atomic under the row lock, so
// instances asking at once get successive slots; times are the database's own clock, so the
// instances' clocks may disagree without two of them taking one slot.
import { sql } from 'kysely';
import type { Database } from '../db/database';
import type { PaceStore } from './reconcile.pacer';

/** Now on the database's clock, as our timestamp columns hold it (UTC, without a zone). */
const NOW = sql<Date>`(now() AT TIME ZONE 'UTC')`;
const millis = (ms: number) => sql<string>`make_interval(secs => ${ms / 1000})`;
const msUntil = (column: string) =>
  sql<number>`(EXTRACT(EPOCH FROM (${sql.ref(column)} - ${NOW})) * 1000)::float8`;

export function postgresPaceStore(db: Database): PaceStore {
  if (db.engine !== 'postgres') throw new Error('the shared query pace needs PostgreSQL');
  return {
    async reserve(appKey, intervalMs) {
      const interval = millis(intervalMs);
      // The slot taken is max(now, next free slot, end of a pause); the next one follows it.
      const row = await db.first(
        db.qb
          .insertInto('QueryPace')
          .values({ appKey, nextSlotAt: sql<Date>`${NOW} + ${interval}`, pausedUntil: NOW })
          .onConflict((oc) =>
            oc.column('appKey').doUpdateSet({
              nextSlotAt: sql<Date>`GREATEST(${NOW}, "QueryPace"."nextSlotAt", "QueryPace"."pausedUntil") + ${interval}`,
            }),
          )
          .returning(
            sql<number>`(EXTRACT(EPOCH FROM ("QueryPace"."nextSlotAt" - ${interval} - ${NOW})) * 1000)::float8`.as(
              'waitMs',
            ),
          ),
      );
      return Math.max(0, row?.waitMs ?? 0);
    },
    async pause(appKey, ms) {
      const until = sql<Date>`${NOW} + ${millis(ms)}`;
      await db.run(
        db.qb
          .insertInto('QueryPace')
          .values({ appKey, nextSlotAt: NOW, pausedUntil: until })
          .onConflict((oc) =>
            oc
              .column('appKey')
              .doUpdateSet({ pausedUntil: sql<Date>`GREATEST("QueryPace"."pausedUntil", ${until})` }),
          ),
      );
    },
    async pausedFor(appKey) {
      const row = await db.first(
        db.qb
          .selectFrom('QueryPace')
          .select(msUntil('pausedUntil').as('pausedMs'))
          .where('appKey', '=', appKey),
      );
      return Math.max(0, row?.pausedMs ?? 0);
    },
  };
}
