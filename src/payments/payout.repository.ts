// Every query about payouts, their status history and their stored results, on both engines.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Queryable } from '../db/database';
import type { Payout, PayoutResult, PayoutStatusChange } from '../db/database.types';
import type { Scope } from '../core/scope';
import type { PayoutStatus } from './payout.states';

export type PayoutRow = Selectable<Payout>;
export type NewPayout = Insertable<Payout> & PayoutRow;
export type PayoutPatch = Omit<Updateable<Payout>, 'id' | 'projectId' | 'mode'>;
export type PayoutChangeRow = Selectable<PayoutStatusChange>;
export type PayoutResultRow = Selectable<PayoutResult>;
export type NewPayoutResult = Omit<PayoutResultRow, 'outcome' | 'processedAt'>;

export async function insertPayout(tx: Queryable, row: NewPayout): Promise<void> {
  await tx.run(tx.qb.insertInto('Payout').values(row));
}

export async function insertPayoutChanges(tx: Queryable, changes: readonly PayoutChangeRow[]): Promise<void> {
  if (changes.length > 0) await tx.run(tx.qb.insertInto('PayoutStatusChange').values([...changes]));
}

export function findPayout(q: Queryable, id: string): Promise<PayoutRow | undefined> {
  return q.first(q.qb.selectFrom('Payout').selectAll().where('id', '=', id));
}

export function findProjectPayout(q: Queryable, scope: Scope, id: string): Promise<PayoutRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('Payout')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

export function findPayoutByIdempotencyKey(
  q: Queryable,
  scope: Scope,
  idempotencyKey: string,
): Promise<PayoutRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('Payout')
      .selectAll()
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('idempotencyKey', '=', idempotencyKey),
  );
}

/** The payout, locked until the transaction ends on PostgreSQL (SQLite has one writer). */
export function lockPayout(tx: Queryable, id: string): Promise<PayoutRow | undefined> {
  const query = tx.qb.selectFrom('Payout').selectAll().where('id', '=', id);
  return tx.first(tx.engine === 'postgres' ? query.forUpdate() : query);
}

/** Applies `patch` if the status is still `expected`; resolves with whether it did. */
export async function compareAndSetPayout(
  tx: Queryable,
  id: string,
  expected: PayoutStatus,
  patch: PayoutPatch,
): Promise<boolean> {
  return (
    (await tx.run(
      tx.qb.updateTable('Payout').set(patch).where('id', '=', id).where('status', '=', expected),
    )) === 1
  );
}

/** A write that is not a move (Daraja's ids on an accepted send); the row after it. */
export function updatePayout(q: Queryable, id: string, patch: PayoutPatch): Promise<PayoutRow | undefined> {
  return q.first(q.qb.updateTable('Payout').set(patch).where('id', '=', id).returningAll());
}

export interface PayoutFilters {
  status?: PayoutStatus;
  phone?: string;
  channel?: string;
  before?: string;
  limit: number;
}

/** A page of a project's payouts, newest first (ids are time-ordered, src/ids.ts). */
export function listPayouts(q: Queryable, scope: Scope, filters: PayoutFilters): Promise<PayoutRow[]> {
  let query = q.qb
    .selectFrom('Payout')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.phone) query = query.where('phone', '=', filters.phone);
  if (filters.channel) query = query.where('channel', '=', filters.channel);
  if (filters.before) query = query.where('id', '<', filters.before);
  return q.all(query.orderBy('id', 'desc').limit(filters.limit));
}

/**
 * What a project and mode has asked to pay out since `since` and not seen fail: the daily cap
 * counts every payout that may yet move money (requested, awaiting approval, submitted,
 * unknown, succeeded).
 */
export async function committedSince(tx: Queryable, scope: Scope, since: Date): Promise<number> {
  const row = await tx.first(
    tx.qb
      .selectFrom('Payout')
      .select((eb) => eb.fn.sum<number | string | null>('amount').as('total'))
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('createdAt', '>=', since)
      .where('status', '!=', 'failed'),
  );
  return Number(row?.total ?? 0);
}

/** Payouts whose Transaction Status is due: submitted ones whose result is late, unknown ones. */
export function dueForStatusCheck(q: Queryable, now: Date, limit: number): Promise<PayoutRow[]> {
  return q.all(
    q.qb
      .selectFrom('Payout')
      .selectAll()
      .where('status', 'in', ['submitted', 'unknown'])
      .where('statusCheckAt', '<=', now)
      .orderBy('statusCheckAt')
      .limit(limit),
  );
}

/** Payouts asked for alone and never claimed for sending (a crash between the row and the send). */
export function requestedBefore(q: Queryable, before: Date, limit: number): Promise<PayoutRow[]> {
  return q.all(
    q.qb
      .selectFrom('Payout')
      .selectAll()
      .where('status', '=', 'requested')
      // A batch's rows wait their turn at the batch's pace (src/payouts/payout-batch.worker.ts).
      .where('batchId', 'is', null)
      .where('createdAt', '<', before)
      .orderBy('id')
      .limit(limit),
  );
}

/**
 * Moves a payout's next status check to `next`, if it is still checkable and still due at
 * `expected` (a compare-and-set: two workers never ask about one payout at once).
 */
export async function scheduleStatusCheck(
  q: Queryable,
  id: string,
  expected: Date | null,
  next: Date | null,
  statusChecks: number,
): Promise<boolean> {
  const query = q.qb
    .updateTable('Payout')
    .set({ statusCheckAt: next, statusChecks })
    .where('id', '=', id)
    .where('status', 'in', ['submitted', 'unknown'])
    .where('statusCheckAt', expected === null ? 'is' : '=', expected);
  return (await q.run(query)) === 1;
}

export function listPayoutChanges(q: Queryable, payoutId: string): Promise<PayoutChangeRow[]> {
  return q.all(
    q.qb
      .selectFrom('PayoutStatusChange')
      .selectAll()
      .where('payoutId', '=', payoutId)
      .orderBy('createdAt')
      .orderBy('id'),
  );
}

export async function insertPayoutResult(
  tx: Queryable,
  record: NewPayoutResult & { outcome: string | null; processedAt: Date | null },
): Promise<void> {
  await tx.run(tx.qb.insertInto('PayoutResult').values(record));
}

/** Claims a stored result still unprocessed (two sweeps apply it once); whether this one did. */
export async function claimPayoutResult(tx: Queryable, id: string, now: Date): Promise<boolean> {
  return (
    (await tx.run(
      tx.qb
        .updateTable('PayoutResult')
        .set({ processedAt: now })
        .where('id', '=', id)
        .where('processedAt', 'is', null),
    )) === 1
  );
}

export async function setPayoutResultOutcome(tx: Queryable, id: string, outcome: string): Promise<void> {
  await tx.run(tx.qb.updateTable('PayoutResult').set({ outcome }).where('id', '=', id));
}

export function listUnprocessedPayoutResults(q: Queryable, limit: number): Promise<PayoutResultRow[]> {
  return q.all(
    q.qb.selectFrom('PayoutResult').selectAll().where('processedAt', 'is', null).orderBy('id').limit(limit),
  );
}

export function listPayoutResults(q: Queryable, payoutId: string): Promise<PayoutResultRow[]> {
  return q.all(q.qb.selectFrom('PayoutResult').selectAll().where('payoutId', '=', payoutId).orderBy('id'));
}
