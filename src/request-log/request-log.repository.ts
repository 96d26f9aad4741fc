// The request log's rows, on both engines: written many per statement by the writer
// (request-log.writer.ts), read newest first a page at a time (ids are time-ordered,
// src/ids.ts), and pruned by id range, which is a range of the primary key.
import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { ApiRequestLog } from '../db/database.types';
import { idTimePart } from '../ids';
import type { Scope } from '../core/scope';

export type RequestLogRow = Selectable<ApiRequestLog>;

export async function insertRequestLogRows(q: Queryable, rows: Insertable<ApiRequestLog>[]): Promise<void> {
  if (rows.length > 0) await q.run(q.qb.insertInto('ApiRequestLog').values(rows));
}

/** Which answers: `2xx`, `4xx` or `5xx` (a 3xx is never answered by the API). */
export type StatusClass = '2xx' | '4xx' | '5xx';

export interface RequestLogFilters {
  statusClass?: StatusClass;
  errorCode?: string;
  /** Ids below this one (the previous page's last). */
  before?: string;
  limit: number;
}

export function listRequestLog(
  q: Queryable,
  scope: Scope,
  filters: RequestLogFilters,
): Promise<RequestLogRow[]> {
  let query = q.qb
    .selectFrom('ApiRequestLog')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (filters.statusClass) {
    const low = Number(filters.statusClass[0]) * 100;
    query = query.where('status', '>=', low).where('status', '<', low + 100);
  }
  if (filters.errorCode) query = query.where('errorCode', '=', filters.errorCode);
  if (filters.before) query = query.where('id', '<', filters.before);
  return q.all(query.orderBy('id', 'desc').limit(filters.limit));
}

/** Deletes at most `limit` rows logged before `before`; answers how many went. */
export async function pruneRequestLog(q: Queryable, before: Date, limit: number): Promise<number> {
  const old = await q.all(
    q.qb.selectFrom('ApiRequestLog').select('id').where('id', '<', idTimePart('rql', before)).limit(limit),
  );
  if (old.length === 0) return 0;
  return q.run(
    q.qb.deleteFrom('ApiRequestLog').where(
      'id',
      'in',
      old.map((row) => row.id),
    ),
  );
}
