// PaymentStore on raw better-sqlite3 (why: payment-store.ts). Every write is a synchronous
// unit of work: nothing here awaits while holding SQLite's write lock. Units that arrive
// together are committed together (group commit, see db/sqlite-writer.ts).
import { deliveriesFor } from '../events/event.build';
import type { NewEvent } from '../events/event.types';
import type { TransactionRow } from '../transactions/transaction.view';
import type { PaymentStore, SettleRequest, SettleResult, TransactionPatch } from './payment-store';
import { fromSql, toSql, type SqlRow, type SqliteWriter } from './sqlite-writer';

function isSqliteUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Inside a unit: the event, and one delivery per endpoint of its project that wants it. */
export function recordEventSqlite(writer: SqliteWriter, event: NewEvent): void {
  writer.insert('Event', event);
  const endpoints = writer
    .prepare('SELECT "id", "eventTypes" FROM "WebhookEndpoint" WHERE "projectId" = ? AND "enabled" = 1 AND "deletedAt" IS NULL')
    .all(event.projectId) as Array<{ id: string; eventTypes: string }>;
  for (const delivery of deliveriesFor(event, endpoints)) writer.insert('WebhookDelivery', delivery);
}

export function createSqlitePaymentStore(writer: SqliteWriter): PaymentStore {
  const { prepare, insert, update, commit } = writer;
  const findTransaction = (id: string) => fromSql<TransactionRow>(prepare('SELECT * FROM "Transaction" WHERE "id" = ?').get(id) as SqlRow | undefined);
  const transactionExists = (id: string | null) => id !== null && prepare('SELECT 1 FROM "Transaction" WHERE "id" = ?').get(id) !== undefined;

  const settleUnit = (request: SettleRequest<string>): SettleResult<string> => {
    const now = new Date();
    if (request.storedCallbackId !== undefined) {
      const claimed = prepare('UPDATE "CallbackRecord" SET "processedAt" = ? WHERE "id" = ? AND "processedAt" IS NULL').run(toSql(now), request.storedCallbackId);
      if (claimed.changes === 0) return { claimed: false };
    }
    const current = request.transactionId === null ? undefined : findTransaction(request.transactionId);
    const decision = request.decide(current);
    let row = current;
    let changed = false;
    if (current && decision.write && update('Transaction', current.id, decision.write.patch, decision.write.from) === 1) {
      insert('StatusChange', decision.write.change);
      if (decision.write.event) recordEventSqlite(writer, decision.write.event);
      row = { ...current, ...decision.write.patch } as TransactionRow;
      changed = true;
    }
    if (request.newCallback) {
      insert('CallbackRecord', { ...request.newCallback, transactionId: current ? request.newCallback.transactionId : null, outcome: decision.label, processedAt: now });
    }
    if (request.storedCallbackId !== undefined) {
      prepare('UPDATE "CallbackRecord" SET "outcome" = ? WHERE "id" = ?').run(decision.label, request.storedCallbackId);
    }
    return { claimed: true, label: decision.label, changed, row };
  };

  return {
    async findSigner(publicKey) {
      return prepare('SELECT "id" AS "projectId", "secretKeyEnc" FROM "Project" WHERE "publicKey" = ?').get(publicKey) as
        | { projectId: string; secretKeyEnc: string }
        | undefined;
    },
    async findTransaction(id) {
      return findTransaction(id);
    },
    async findByIdempotencyKey(projectId, idempotencyKey) {
      const raw = prepare('SELECT * FROM "Transaction" WHERE "projectId" = ? AND "idempotencyKey" = ?').get(projectId, idempotencyKey);
      return fromSql<TransactionRow>(raw as SqlRow | undefined);
    },
    async createTransaction(row, change) {
      try {
        await commit('process', () => {
          insert('Transaction', row);
          insert('StatusChange', change);
        });
        return true;
      } catch (error) {
        if (isSqliteUniqueViolation(error) && String((error as Error).message).includes('idempotencyKey')) return false;
        throw error;
      }
    },
    async updateTransaction(id: string, patch: TransactionPatch) {
      return commit('process', () => {
        update('Transaction', id, { ...patch, updatedAt: new Date() });
        const row = findTransaction(id);
        if (!row) throw new Error(`transaction ${id} vanished`);
        return row;
      });
    },
    async settle<Label extends string>(request: SettleRequest<Label>) {
      // The unit is not generic; the label passes through untouched.
      return commit('disk', () => settleUnit(request)) as Promise<SettleResult<Label>>;
    },
    async scheduleReconciliation(id, expected, next, queryAttempts) {
      const sql = `UPDATE "Transaction" SET "reconcileAt" = ?, "queryAttempts" = COALESCE(?, "queryAttempts")
        WHERE "id" = ? AND "status" = 'pending' AND ${expected === null ? '"reconcileAt" IS NULL' : '"reconcileAt" = ?'}`;
      const params = [toSql(next), queryAttempts ?? null, id, ...(expected === null ? [] : [toSql(expected)])];
      return commit('process', () => prepare(sql).run(...params).changes === 1);
    },
    async storeCallback(record) {
      await commit('disk', () =>
        insert('CallbackRecord', { ...record, transactionId: transactionExists(record.transactionId) ? record.transactionId : null }),
      );
    },
    // The writer is shared (webhook deliveries use it too); its owner closes it.
    close: () => undefined,
  };
}
