// Every query about payment links, checkout sessions and their attempts, on both engines. An
// attempt's payment is the ledger's row whose Idempotency-Key is the attempt's id (the unique
// index (projectId, mode, idempotencyKey) finds it); nothing here writes the ledger.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Queryable } from '../db/database';
import type { CheckoutAttempt, CheckoutSession, PaymentLink } from '../db/database.types';
import type { Scope } from '../core/scope';
import type { TransactionRow } from '../payments/transaction.repository';

export type LinkRow = Selectable<PaymentLink>;
export type NewLink = Insertable<PaymentLink> & LinkRow;
export type LinkPatch = Omit<Updateable<PaymentLink>, 'id' | 'projectId' | 'mode'>;
export type SessionRow = Selectable<CheckoutSession>;
export type NewSession = SessionRow;
export type AttemptRow = Selectable<CheckoutAttempt>;

/** Statuses of a payment that hold a link's use: on the customer's phone, or paid (a `paidAs` link holds one too). */
const HOLDING = ['pending', 'completed'] as const;

export async function insertLink(q: Queryable, row: NewLink): Promise<void> {
  await q.run(q.qb.insertInto('PaymentLink').values(row));
}

export function findLink(q: Queryable, scope: Scope, id: string): Promise<LinkRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('PaymentLink')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

export function findLinkBySlug(q: Queryable, slug: string): Promise<LinkRow | undefined> {
  return q.first(q.qb.selectFrom('PaymentLink').selectAll().where('slug', '=', slug));
}

export function findLinkById(q: Queryable, id: string): Promise<LinkRow | undefined> {
  return q.first(q.qb.selectFrom('PaymentLink').selectAll().where('id', '=', id));
}

/** A page of a project's links, newest first (ids are time-ordered). */
export function listLinks(
  q: Queryable,
  scope: Scope,
  page: { before?: string; limit: number },
): Promise<LinkRow[]> {
  let query = q.qb
    .selectFrom('PaymentLink')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (page.before) query = query.where('id', '<', page.before);
  return q.all(query.orderBy('id', 'desc').limit(page.limit));
}

export async function updateLink(q: Queryable, id: string, patch: LinkPatch): Promise<void> {
  await q.run(q.qb.updateTable('PaymentLink').set(patch).where('id', '=', id));
}

/**
 * The link, read for deciding whether it takes one more checkout. On PostgreSQL the row stays
 * locked until the transaction commits, so two customers of a single-use link are decided one
 * after the other; SQLite has one writer (BEGIN IMMEDIATE).
 */
export function lockLink(tx: Queryable, id: string): Promise<LinkRow | undefined> {
  const query = tx.qb.selectFrom('PaymentLink').selectAll().where('id', '=', id);
  return tx.first(tx.engine === 'postgres' ? query.forUpdate() : query);
}

/** Takes the link's next reference number. */
export async function takeNumber(tx: Queryable, link: LinkRow, at: Date): Promise<number> {
  await tx.run(
    tx.qb
      .updateTable('PaymentLink')
      .set({ nextNumber: link.nextNumber + 1, updatedAt: at })
      .where('id', '=', link.id),
  );
  return link.nextNumber;
}

/**
 * Sessions of a link that hold a use: one of their attempts is paid or on a phone, or was
 * claimed after `claimedSince` and has no payment row yet (its push is being sent).
 */
export async function heldUses(q: Queryable, link: LinkRow, claimedSince: Date): Promise<number> {
  const row = await q.first(
    q.qb
      .selectFrom('CheckoutAttempt as a')
      .leftJoin('Transaction as t', (join) =>
        join
          .onRef('t.idempotencyKey', '=', 'a.id')
          .on('t.projectId', '=', link.projectId)
          .on('t.mode', '=', link.mode),
      )
      .where('a.linkId', '=', link.id)
      .where((eb) =>
        eb.or([
          eb('t.status', 'in', [...HOLDING]),
          eb('t.paidAs', 'is not', null),
          eb.and([eb('t.id', 'is', null), eb('a.createdAt', '>', claimedSince)]),
        ]),
      )
      .select((eb) => eb.fn.count<number | string | bigint>('a.sessionId').distinct().as('held')),
  );
  return Number(row?.held ?? 0);
}

/** Paid checkouts per link, for these links. */
export async function paidCounts(q: Queryable, links: readonly LinkRow[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (links.length === 0) return counts;
  const { projectId, mode } = links[0]!;
  const rows = await q.all(
    q.qb
      .selectFrom('CheckoutAttempt as a')
      .innerJoin('Transaction as t', (join) =>
        join.onRef('t.idempotencyKey', '=', 'a.id').on('t.projectId', '=', projectId).on('t.mode', '=', mode),
      )
      .where(
        'a.linkId',
        'in',
        links.map((link) => link.id),
      )
      // Paid as isPaid (payments/transaction.same-receipt.ts) reads it: completed, or linked to the payment holding its receipt.
      .where((eb) => eb.or([eb('t.status', '=', 'completed'), eb('t.paidAs', 'is not', null)]))
      .groupBy('a.linkId')
      .select((eb) => [
        'a.linkId',
        eb.fn.count<number | string | bigint>('a.sessionId').distinct().as('paid'),
      ]),
  );
  for (const row of rows) counts.set(row.linkId!, Number(row.paid));
  return counts;
}

/** A page of the payments made through a link, newest first. */
export function listLinkPayments(
  q: Queryable,
  link: LinkRow,
  page: { before?: string; limit: number },
): Promise<TransactionRow[]> {
  let query = q.qb
    .selectFrom('CheckoutAttempt as a')
    .innerJoin('Transaction as t', (join) =>
      join
        .onRef('t.idempotencyKey', '=', 'a.id')
        .on('t.projectId', '=', link.projectId)
        .on('t.mode', '=', link.mode),
    )
    .where('a.linkId', '=', link.id)
    .selectAll('t');
  if (page.before) query = query.where('t.id', '<', page.before);
  return q.all(query.orderBy('t.id', 'desc').limit(page.limit));
}

export async function insertSession(q: Queryable, row: NewSession): Promise<void> {
  await q.run(q.qb.insertInto('CheckoutSession').values(row));
}

export function findSession(q: Queryable, id: string): Promise<SessionRow | undefined> {
  return q.first(q.qb.selectFrom('CheckoutSession').selectAll().where('id', '=', id));
}

export function findProjectSession(q: Queryable, scope: Scope, id: string): Promise<SessionRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('CheckoutSession')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

/** The session, locked on PostgreSQL until commit: one attempt at a time is claimed for it. */
export function lockSession(tx: Queryable, id: string): Promise<SessionRow | undefined> {
  const query = tx.qb.selectFrom('CheckoutSession').selectAll().where('id', '=', id);
  return tx.first(tx.engine === 'postgres' ? query.forUpdate() : query);
}

export async function insertAttempt(q: Queryable, row: AttemptRow): Promise<void> {
  await q.run(q.qb.insertInto('CheckoutAttempt').values(row));
}

/** An attempt whose push never started (refused before the ledger row): it holds nothing. */
export async function deleteAttempt(q: Queryable, id: string): Promise<void> {
  await q.run(q.qb.deleteFrom('CheckoutAttempt').where('id', '=', id));
}

export interface AttemptWithPayment {
  attempt: AttemptRow;
  payment: TransactionRow | undefined;
}

/** A session's attempts, oldest first, each with its payment (none while its push is being sent). */
export async function sessionAttempts(q: Queryable, session: SessionRow): Promise<AttemptWithPayment[]> {
  const attempts = await q.all(
    q.qb
      .selectFrom('CheckoutAttempt')
      .selectAll()
      .where('sessionId', '=', session.id)
      .orderBy('createdAt')
      .orderBy('id'),
  );
  if (attempts.length === 0) return [];
  const payments = await q.all(
    q.qb
      .selectFrom('Transaction')
      .selectAll()
      .where('projectId', '=', session.projectId)
      .where('mode', '=', session.mode)
      .where(
        'idempotencyKey',
        'in',
        attempts.map((attempt) => attempt.id),
      ),
  );
  const byKey = new Map(payments.map((payment) => [payment.idempotencyKey, payment]));
  return attempts.map((attempt) => ({ attempt, payment: byKey.get(attempt.id) }));
}
