// The audit trail of operator actions: written by the HTTP edge for every operation that
// declares `audit` (src/http/audit-trail.ts), read by operators (never members), exported as CSV.
// Kept without a retention limit: it is what an operator looks back at months later.
import type { Database } from '../db/database';
import type { AuditRecord } from '../core/audit';
import { csvField } from '../core/csv';
import { newId } from '../ids';
import { insertAuditEntry, listAuditEntries, type AuditRow } from './audit.repository';
import {
  AUDIT_CSV_COLUMNS,
  type AuditEntryView,
  type AuditExportQuery,
  type AuditQuery,
} from './audit.schema';

const EXPORT_PAGE = 500;

export type AuditService = ReturnType<typeof createAuditService>;

function toView(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    at: row.createdAt.toISOString(),
    actor: { kind: row.actorKind as AuditEntryView['actor']['kind'], id: row.actorId, label: row.actorLabel },
    action: row.action,
    projectId: row.projectId,
    mode: row.mode,
    targetId: row.targetId,
    details: JSON.parse(row.details) as Record<string, unknown>,
    sourceIp: row.sourceIp,
    requestId: row.requestId,
  };
}

function csvRow(view: AuditEntryView): string {
  const values: Record<(typeof AUDIT_CSV_COLUMNS)[number], string | null> = {
    id: view.id,
    at: view.at,
    actorKind: view.actor.kind,
    actor: view.actor.label,
    action: view.action,
    projectId: view.projectId,
    mode: view.mode,
    targetId: view.targetId,
    details: JSON.stringify(view.details),
    sourceIp: view.sourceIp,
    requestId: view.requestId,
  };
  return `${AUDIT_CSV_COLUMNS.map((column) => csvField(values[column])).join(',')}\r\n`;
}

export function createAuditService({ db }: { db: Database }) {
  return {
    async record(entry: AuditRecord): Promise<void> {
      await insertAuditEntry(db, {
        id: newId('aud', entry.at),
        createdAt: entry.at,
        actorKind: entry.actor.kind,
        actorId: entry.actor.id,
        actorLabel: entry.actor.label,
        action: entry.action,
        projectId: entry.projectId,
        mode: entry.mode,
        targetId: entry.targetId,
        details: JSON.stringify(entry.details),
        sourceIp: entry.sourceIp,
        requestId: entry.requestId,
      });
    },

    async list(query: AuditQuery) {
      const rows = await listAuditEntries(db, {
        projectId: query.projectId,
        action: query.action,
        before: query.cursor,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return {
        data: page.map(toView),
        nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
      };
    },

    /** The CSV, a keyset page at a time: the header line, then every matching entry, newest first. */
    async *csv(query: AuditExportQuery): AsyncGenerator<string> {
      yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
      let before: string | undefined;
      for (;;) {
        const rows = await listAuditEntries(db, { ...query, before, limit: EXPORT_PAGE });
        if (rows.length > 0) yield rows.map((row) => csvRow(toView(row))).join('');
        if (rows.length < EXPORT_PAGE) return;
        before = rows[rows.length - 1]!.id;
      }
    },
  };
}
