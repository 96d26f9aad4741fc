// The payouts audit trail: every payout asked for, every refusal (before anything is sent),
// every approval and rejection, every change of the safety settings, with who did it. Written
// in the same database transaction as what it records, when there is one; never updated.
import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { PayoutAudit } from '../db/database.types';
import { newId } from '../ids';
import type { Scope } from '../core/scope';

export type AuditRow = Selectable<PayoutAudit>;

export const AUDIT_ACTIONS = [
  'payout.requested',
  'payout.refused',
  'payout.approved',
  'payout.rejected',
  'payout.approval_refused',
  'settings.changed',
  // Refunds (src/refunds): the refund's id is in `detail.refundId`.
  'refund.requested',
  'refund.approved',
  'refund.rejected',
  'refund.approval_refused',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  scope: Scope;
  action: AuditAction;
  /** `key:<public key>`, `user:<dashboard user id>`, `admin` (the operator's bearer token). */
  actor: string;
  outcome: 'allowed' | 'refused';
  payoutId?: string | null;
  /** The refusal's error code. */
  code?: string | null;
  /** A few facts worth keeping (amount, the cap hit, the settings after): no secret, no phone. */
  detail?: Record<string, unknown>;
}

export function auditRow(entry: AuditEntry, at: Date): AuditRow {
  return {
    id: newId('pau', at),
    projectId: entry.scope.projectId,
    mode: entry.scope.mode,
    payoutId: entry.payoutId ?? null,
    action: entry.action,
    actor: entry.actor,
    outcome: entry.outcome,
    code: entry.code ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
    createdAt: at,
  };
}

export async function recordAudit(q: Queryable, entry: AuditEntry, at: Date = new Date()): Promise<void> {
  await q.run(q.qb.insertInto('PayoutAudit').values(auditRow(entry, at)));
}

export function listAudit(
  q: Queryable,
  scope: Scope,
  filters: { payoutId?: string; before?: string; limit: number },
): Promise<AuditRow[]> {
  let query = q.qb
    .selectFrom('PayoutAudit')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (filters.payoutId) query = query.where('payoutId', '=', filters.payoutId);
  if (filters.before) query = query.where('id', '<', filters.before);
  return q.all(query.orderBy('id', 'desc').limit(filters.limit));
}
