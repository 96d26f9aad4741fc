// Every query about Transaction Status queries and the Results posted about them, on both engines.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Queryable } from '../db/database';
import type { StatusQuery, StatusQueryResult } from '../db/database.types';
import type { Scope } from '../core/scope';

export type StatusQueryRow = Selectable<StatusQuery>;
export type StatusQueryPatch = Omit<Updateable<StatusQuery>, 'id' | 'projectId' | 'mode'>;
export type NewStatusQueryResult = Omit<Insertable<StatusQueryResult>, 'outcome' | 'processedAt'> & {
  rawBody: Buffer;
};

export async function insertStatusQuery(q: Queryable, row: Insertable<StatusQuery>): Promise<StatusQueryRow> {
  return (await q.first(q.qb.insertInto('StatusQuery').values(row).returningAll()))!;
}

export function findStatusQuery(q: Queryable, id: string): Promise<StatusQueryRow | undefined> {
  return q.first(q.qb.selectFrom('StatusQuery').selectAll().where('id', '=', id));
}

export function findProjectStatusQuery(q: Queryable, scope: Scope, id: string) {
  return q.first(
    q.qb
      .selectFrom('StatusQuery')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

export function findStatusQueryByIdempotencyKey(q: Queryable, scope: Scope, idempotencyKey: string) {
  return q.first(
    q.qb
      .selectFrom('StatusQuery')
      .selectAll()
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('idempotencyKey', '=', idempotencyKey),
  );
}

/** The query, locked until the transaction ends (PostgreSQL; SQLite has one writer anyway). */
export function lockStatusQuery(tx: Queryable, id: string): Promise<StatusQueryRow | undefined> {
  const query = tx.qb.selectFrom('StatusQuery').selectAll().where('id', '=', id);
  return tx.first(tx.engine === 'postgres' ? query.forUpdate() : query);
}

/** Writes `patch` whatever the status (ids Daraja gave): never a move. */
export async function updateStatusQuery(q: Queryable, id: string, patch: StatusQueryPatch) {
  return (await q.first(q.qb.updateTable('StatusQuery').set(patch).where('id', '=', id).returningAll()))!;
}

/** Applies `patch` if the status is still `expected`; the row after, or undefined when it moved meanwhile. */
export function compareAndSetStatusQuery(
  q: Queryable,
  id: string,
  expected: string,
  patch: StatusQueryPatch,
): Promise<StatusQueryRow | undefined> {
  return q.first(
    q.qb
      .updateTable('StatusQuery')
      .set(patch)
      .where('id', '=', id)
      .where('status', '=', expected)
      .returningAll(),
  );
}

export async function insertStatusQueryResult(
  q: Queryable,
  record: NewStatusQueryResult & { outcome: string | null; processedAt: Date | null },
): Promise<void> {
  await q.run(q.qb.insertInto('StatusQueryResult').values(record));
}

/** Stores a Result unprocessed (applying it failed), for the sweep; its query may not exist. */
export async function storeUnprocessedResult(q: Queryable, record: NewStatusQueryResult): Promise<void> {
  const known =
    record.statusQueryId != null &&
    (await q.first(q.qb.selectFrom('StatusQuery').select('id').where('id', '=', record.statusQueryId)));
  await insertStatusQueryResult(q, {
    ...record,
    statusQueryId: known ? record.statusQueryId : null,
    outcome: null,
    processedAt: null,
  });
}

/** Takes a stored Result still unprocessed (so two sweeps apply it once); false when another took it. */
export async function claimStoredResult(tx: Queryable, id: string, now: Date): Promise<boolean> {
  const claimed = await tx.run(
    tx.qb
      .updateTable('StatusQueryResult')
      .set({ processedAt: now })
      .where('id', '=', id)
      .where('processedAt', 'is', null),
  );
  return claimed === 1;
}

export async function setResultOutcome(tx: Queryable, id: string, outcome: string): Promise<void> {
  await tx.run(tx.qb.updateTable('StatusQueryResult').set({ outcome }).where('id', '=', id));
}

/** Oldest first, through the partial index on unprocessed rows (migration 0013). */
export function listUnprocessedResults(q: Queryable, limit: number) {
  return q.all(
    q.qb
      .selectFrom('StatusQueryResult')
      .selectAll()
      .where('processedAt', 'is', null)
      .orderBy('id')
      .limit(limit),
  );
}

export function listStatusQueryResults(q: Queryable, statusQueryId: string) {
  return q.all(
    q.qb.selectFrom('StatusQueryResult').selectAll().where('statusQueryId', '=', statusQueryId).orderBy('id'),
  );
}
