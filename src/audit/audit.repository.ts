// The audit trail's rows, on both engines: written one per audited operation, read newest
// first a page at a time (ids are time-ordered, src/ids.ts).
import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { AuditEntry } from '../db/database.types';

export type AuditRow = Selectable<AuditEntry>;

export async function insertAuditEntry(q: Queryable, row: Insertable<AuditEntry>): Promise<void> {
  await q.run(q.qb.insertInto('AuditEntry').values(row));
}

export interface AuditFilters {
  projectId?: string;
  action?: string;
  /** Ids below this one (the previous page's last). */
  before?: string;
  limit: number;
}

export function listAuditEntries(q: Queryable, filters: AuditFilters): Promise<AuditRow[]> {
  let query = q.qb.selectFrom('AuditEntry').selectAll();
  if (filters.projectId) query = query.where('projectId', '=', filters.projectId);
  if (filters.action) query = query.where('action', '=', filters.action);
  if (filters.before) query = query.where('id', '<', filters.before);
  return q.all(query.orderBy('id', 'desc').limit(filters.limit));
}
