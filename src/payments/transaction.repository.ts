// Every query about payments and their status history, on both engines.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Queryable } from '../db/database';
import { compilable } from '../db/query-builder';
import { postgresJsonRows } from '../db/sql-values';
import { recordNonce } from '../security/nonce.repository';
import type { StatusChange, Transaction } from '../db/database.types';
import { idTimePart } from '../ids';
import type { Scope } from '../core/scope';
import type { Status } from './transaction.states';

export type TransactionRow = Selectable<Transaction>;
export type NewTransaction = Insertable<Transaction> & TransactionRow;
export type TransactionPatch = Omit<Updateable<Transaction>, 'id' | 'projectId'>;
export type StatusChangeRow = Selectable<StatusChange>;
export type NewStatusChange = StatusChangeRow;

/**
 * Rows written before ids and createdAt came from one clock reading may differ by a moment;
 * the id range is widened by this and createdAt decides exactly.
 */
const ID_CLOCK_SLACK_MS = 1000;

export interface TransactionFilters {
  status?: Status;
  phone?: string;
  accountReference?: string;
  mpesaReceiptNumber?: string;
  from?: Date;
  to?: Date;
  /** Ids below this one (the previous page's last id). */
  before?: string;
  limit: number;
}

export async function insertTransactions(tx: Queryable, rows: readonly NewTransaction[]): Promise<void> {
  if (rows.length > 0) await tx.run(tx.qb.insertInto('Transaction').values([...rows]));
}

/** A new payment, its first status change, and the replay nonce of the signed request that asked for it. */
export interface PendingInsert {
  row: NewTransaction;
  change: NewStatusChange;
  nonce?: { key: string; tag: string; expiresAt: Date };
}

/**
 * Stores new payments with their first change, each only if its request's nonce is new (or
 * expired): a payment whose nonce was seen is not stored, and neither is the nonce. Resolves
 * with the ids stored. On PostgreSQL one statement (data-modifying CTEs over typed row sets),
 * so a batch of any size, nonces included, is one round trip; on SQLite, in the caller's
 * transaction, a statement each.
 */
export async function insertPendingPayments(
  tx: Queryable,
  items: readonly PendingInsert[],
  now: Date,
): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  if (tx.engine !== 'postgres') {
    const fresh: PendingInsert[] = [];
    for (const item of items) {
      const { nonce } = item;
      if (!nonce || !(await recordNonce(tx, nonce.key, nonce.tag, nonce.expiresAt, now))) fresh.push(item);
    }
    await insertTransactions(
      tx,
      fresh.map((item) => item.row),
    );
    await insertStatusChanges(
      tx,
      fresh.map((item) => item.change),
    );
    return new Set(fresh.map((item) => item.row.id));
  }
  const columns = (rows: readonly object[]) => [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const list = (names: readonly string[], table?: string) =>
    sql.join(names.map((name) => sql.ref(table ? `${table}.${name}` : name)));
  const rows = items.map((item) => item.row);
  const changes = items.map((item) => item.change);
  const input = items.map((item) => ({ transactionId: item.row.id, ...item.nonce }));
  const stored = await tx.all(
    compilable(
      tx.qb,
      sql<{ transactionId: string }>`WITH input AS (
        SELECT * FROM json_to_recordset(${postgresJsonRows(input)}::json)
          AS n("transactionId" text, "key" text, "tag" text, "expiresAt" timestamp(3))
      ), nonce AS (
        INSERT INTO "RequestNonce" ("key", "tag", "expiresAt")
        SELECT "key", "tag", "expiresAt" FROM input WHERE "key" IS NOT NULL
        ON CONFLICT ("key") DO UPDATE SET "tag" = excluded."tag", "expiresAt" = excluded."expiresAt"
          WHERE "RequestNonce"."expiresAt" <= ${now}
        RETURNING "key"
      ), stored AS (
        INSERT INTO "Transaction" (${list(columns(rows))})
        SELECT ${list(columns(rows), 't')}
        FROM json_populate_recordset(NULL::"Transaction", ${postgresJsonRows(rows)}::json) AS t
        JOIN input ON input."transactionId" = t.id
        WHERE input."key" IS NULL OR input."key" IN (SELECT "key" FROM nonce)
        RETURNING id
      )
      INSERT INTO "StatusChange" (${list(columns(changes))})
      SELECT ${list(columns(changes), 'c')}
      FROM json_populate_recordset(NULL::"StatusChange", ${postgresJsonRows(changes)}::json) AS c
      WHERE c."transactionId" IN (SELECT id FROM stored)
      RETURNING "transactionId"`,
    ),
  );
  return new Set(stored.map((row) => row.transactionId));
}

export async function insertStatusChanges(tx: Queryable, changes: readonly NewStatusChange[]): Promise<void> {
  if (changes.length > 0) await tx.run(tx.qb.insertInto('StatusChange').values([...changes]));
}

export function findTransaction(q: Queryable, id: string): Promise<TransactionRow | undefined> {
  return q.first(q.qb.selectFrom('Transaction').selectAll().where('id', '=', id));
}

/** These payments (all, or those changed at or after `since`): what browsers following them may have missed. */
export function listTransactionsByIds(
  q: Queryable,
  ids: readonly string[],
  since?: Date,
): Promise<TransactionRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  let query = q.qb.selectFrom('Transaction').selectAll().where('id', 'in', ids);
  if (since) query = query.where('updatedAt', '>=', since);
  return q.all(query);
}

export function findProjectTransaction(
  q: Queryable,
  scope: Scope,
  id: string,
): Promise<TransactionRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('Transaction')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

export function findByIdempotencyKey(
  q: Queryable,
  scope: Scope,
  idempotencyKey: string,
): Promise<TransactionRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('Transaction')
      .selectAll()
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('idempotencyKey', '=', idempotencyKey),
  );
}

/**
 * A page of a project's payments, newest first. Ids begin with their createdAt (src/ids.ts),
 * so a date window is also an id range: every filter combination is one range scan on
 * (projectId, mode, [status | phone | accountReference], id), or a receipt's few rows, never a walk through newer rows.
 */
export function listTransactions(
  q: Queryable,
  scope: Scope,
  filters: TransactionFilters,
): Promise<TransactionRow[]> {
  let query = q.qb
    .selectFrom('Transaction')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.phone) query = query.where('phone', '=', filters.phone);
  if (filters.accountReference) query = query.where('accountReference', '=', filters.accountReference);
  if (filters.mpesaReceiptNumber) query = query.where('mpesaReceiptNumber', '=', filters.mpesaReceiptNumber);
  if (filters.from) {
    const idFrom = idTimePart('txn', new Date(filters.from.getTime() - ID_CLOCK_SLACK_MS));
    query = query.where('id', '>=', idFrom).where('createdAt', '>=', filters.from);
  }
  if (filters.to) {
    const idTo = idTimePart('txn', new Date(filters.to.getTime() + ID_CLOCK_SLACK_MS));
    query = query.where('id', '<', idTo).where('createdAt', '<=', filters.to);
  }
  if (filters.before) query = query.where('id', '<', filters.before);
  return q.all(query.orderBy('id', 'desc').limit(filters.limit));
}

/**
 * The payments a settlement batch is about, read for deciding. On PostgreSQL the rows stay
 * locked until the batch commits (in id order, so two batches never deadlock), so the
 * compare-and-set that follows cannot lose to another instance; SQLite has one writer.
 */
export function lockTransactions(tx: Queryable, ids: readonly string[]): Promise<TransactionRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  const query = tx.qb
    .selectFrom('Transaction')
    .selectAll()
    .where('id', 'in', [...ids])
    .orderBy('id');
  return tx.all(tx.engine === 'postgres' ? query.forUpdate() : query);
}

/** Applies `patch` if the status is still `expectedStatus`; resolves with whether it did. */
export async function compareAndSetStatus(
  tx: Queryable,
  id: string,
  expectedStatus: string,
  patch: TransactionPatch,
): Promise<boolean> {
  return (
    (await tx.run(
      tx.qb.updateTable('Transaction').set(patch).where('id', '=', id).where('status', '=', expectedStatus),
    )) === 1
  );
}

/** One payment's move in a settlement batch: `patch` applies if its status is still `from`. */
export interface StatusWrite {
  id: string;
  from: string;
  patch: TransactionPatch;
  /** The row as read (locked) for deciding: what the columns another write of the batch sets are now. */
  current: TransactionRow;
}

/**
 * Applies every write whose payment is still in its `from` status; resolves with the ids it
 * applied. On PostgreSQL, where each statement is a round trip, the batch is one compare-and-set
 * statement: UPDATE … FROM a typed row set (json_populate_recordset over the table's own row
 * type: a VALUES list whose columns keep their types) … RETURNING. Each row sets the columns any
 * write of the batch changes, the others to the value it holds (read under the batch's lock: the
 * same value, so no index sees a change). SQLite runs in process, a statement per payment.
 */
export async function compareAndSetStatuses(
  tx: Queryable,
  writes: readonly StatusWrite[],
): Promise<Set<string>> {
  const applied = new Set<string>();
  if (writes.length === 0) return applied;
  if (tx.engine !== 'postgres') {
    for (const { id, from, patch } of writes)
      if (await compareAndSetStatus(tx, id, from, patch)) applied.add(id);
    return applied;
  }
  const columns = [...new Set(writes.flatMap((write) => Object.keys(write.patch)))] as Array<
    keyof TransactionRow
  >;
  const rows = writes.map((write) => ({
    ...Object.fromEntries(columns.map((column) => [column, write.current[column]])),
    ...write.patch,
    id: write.id,
  }));
  const expected = writes.map((write) => ({ id: write.id, status: write.from }));
  const updated = await tx.all(
    compilable(
      tx.qb,
      sql<{ id: string }>`UPDATE "Transaction" AS t SET ${sql.join(
        columns.map((column) => sql`${sql.ref(column)} = ${sql.ref(`v.${column}`)}`),
      )}
      FROM json_populate_recordset(NULL::"Transaction", ${postgresJsonRows(rows)}::json) AS v
      JOIN json_to_recordset(${postgresJsonRows(expected)}::json) AS e(id text, status text) ON e.id = v.id
      WHERE t.id = v.id AND t.status = e.status
      RETURNING t.id`,
    ),
  );
  for (const { id } of updated) applied.add(id);
  return applied;
}

/** A plain update (no status change); the row after it, or undefined when there is none. */
export function updateTransaction(
  q: Queryable,
  id: string,
  patch: TransactionPatch,
): Promise<TransactionRow | undefined> {
  return q.first(q.qb.updateTable('Transaction').set(patch).where('id', '=', id).returningAll());
}

export function dueForReconciliation(q: Queryable, now: Date, limit: number): Promise<TransactionRow[]> {
  return q.all(
    q.qb
      .selectFrom('Transaction')
      .selectAll()
      .where('status', '=', 'pending')
      .where('reconcileAt', '<=', now)
      .orderBy('reconcileAt')
      .limit(limit),
  );
}

/**
 * Moves a pending payment's next reconciliation to `next` if it is still pending and still due
 * at `expected` (a compare-and-set, so two workers never query it at once). Bookkeeping, not a
 * change the merchant sees: updatedAt is left alone (tests/db/repository-contract.test.ts).
 */
export async function scheduleReconciliation(
  q: Queryable,
  id: string,
  expected: Date | null,
  next: Date,
  queryAttempts?: number,
): Promise<boolean> {
  const query = q.qb
    .updateTable('Transaction')
    .set({ reconcileAt: next, ...(queryAttempts === undefined ? {} : { queryAttempts }) })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('reconcileAt', expected === null ? 'is' : '=', expected);
  return (await q.run(query)) === 1;
}

export function listStatusChanges(q: Queryable, transactionId: string): Promise<StatusChangeRow[]> {
  return q.all(
    q.qb
      .selectFrom('StatusChange')
      .selectAll()
      .where('transactionId', '=', transactionId)
      .orderBy('createdAt')
      .orderBy('id'),
  );
}
