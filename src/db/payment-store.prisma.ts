// PaymentStore on Prisma (PostgreSQL, or SQLite without the fast path). Same contract as
// payment-store.sqlite.ts; see payment-store.ts for why there are two.
import type { Db } from './db.client';
import type { PaymentStore } from './payment-store';
import { deliveriesFor } from '../events/event.build';
import type { NewEvent } from '../events/event.types';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** Inside a transaction: the event, and one delivery per endpoint of its project that wants it. */
export async function recordEventPrisma(tx: Tx, event: NewEvent): Promise<void> {
  await tx.event.create({ data: event });
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { projectId: event.projectId, enabled: true, deletedAt: null },
    select: { id: true, eventTypes: true },
  });
  const deliveries = deliveriesFor(event, endpoints);
  if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries });
}

const isUniqueViolationOn = (error: unknown, field: string) => {
  const known = error as { code?: unknown; meta?: { target?: unknown } } | null;
  return known?.code === 'P2002' && JSON.stringify(known.meta?.target ?? field).includes(field);
};

export function createPrismaPaymentStore(db: Db): PaymentStore {
  return {
    async findSigner(publicKey) {
      const row = await db.project.findUnique({ where: { publicKey }, select: { id: true, secretKeyEnc: true } });
      return row ? { projectId: row.id, secretKeyEnc: row.secretKeyEnc } : undefined;
    },
    async findTransaction(id) {
      return (await db.transaction.findUnique({ where: { id } })) ?? undefined;
    },
    async findByIdempotencyKey(projectId, idempotencyKey) {
      return (await db.transaction.findUnique({ where: { projectId_idempotencyKey: { projectId, idempotencyKey } } })) ?? undefined;
    },
    async createTransaction(row, change) {
      try {
        await db.$transaction([db.transaction.create({ data: row }), db.statusChange.create({ data: change })]);
        return true;
      } catch (error) {
        if (isUniqueViolationOn(error, 'idempotencyKey')) return false;
        throw error;
      }
    },
    async updateTransaction(id, patch) {
      return db.transaction.update({ where: { id }, data: patch });
    },
    async settle(request) {
      return db.$transaction(async (tx) => {
        const now = new Date();
        if (request.storedCallbackId !== undefined) {
          const { count } = await tx.callbackRecord.updateMany({ where: { id: request.storedCallbackId, processedAt: null }, data: { processedAt: now } });
          if (count === 0) return { claimed: false as const };
        }
        const read = async () =>
          request.transactionId === null ? undefined : ((await tx.transaction.findUnique({ where: { id: request.transactionId } })) ?? undefined);
        let current = await read();
        let decision = request.decide(current);
        let row = current;
        let changed = false;
        // Compare-and-set on the status. Under PostgreSQL's READ COMMITTED a concurrent
        // settlement may commit between our read and our write; then we read again and
        // decide again (now typically "duplicate"), so the label always matches the data.
        for (let attempt = 0; current && decision.write && !changed && attempt < 3; attempt += 1) {
          const { count } = await tx.transaction.updateMany({ where: { id: current.id, status: decision.write.from }, data: decision.write.patch });
          if (count === 1) {
            await tx.statusChange.create({ data: decision.write.change });
            if (decision.write.event) await recordEventPrisma(tx, decision.write.event);
            row = { ...current, ...decision.write.patch };
            changed = true;
          } else {
            current = row = await read();
            decision = request.decide(current);
          }
        }
        if (request.newCallback) {
          await tx.callbackRecord.create({
            data: { ...request.newCallback, transactionId: current ? request.newCallback.transactionId : null, outcome: decision.label, processedAt: now },
          });
        }
        if (request.storedCallbackId !== undefined) {
          await tx.callbackRecord.update({ where: { id: request.storedCallbackId }, data: { outcome: decision.label } });
        }
        return { claimed: true as const, label: decision.label, changed, row };
      });
    },
    async scheduleReconciliation(id, expected, next, queryAttempts) {
      const { count } = await db.transaction.updateMany({
        where: { id, status: 'pending', reconcileAt: expected },
        data: { reconcileAt: next, queryAttempts },
      });
      return count === 1;
    },
    async storeCallback(record) {
      const exists = record.transactionId !== null && (await db.transaction.count({ where: { id: record.transactionId } })) > 0;
      await db.callbackRecord.create({ data: { ...record, transactionId: exists ? record.transactionId : null } });
    },
    close: () => undefined,
  };
}
