// The hot-path stores for a database: raw SQLite through one shared connection on the
// embedded default, Prisma on PostgreSQL (why two: payment-store.ts).
import type { Database } from './db.client';
import type { PaymentStore } from './payment-store';
import { createPrismaPaymentStore } from './payment-store.prisma';
import { createSqlitePaymentStore } from './payment-store.sqlite';
import { createSqliteWriter } from './sqlite-writer';
import type { DeliveryStore } from '../webhooks/delivery.store';
import { createPrismaDeliveryStore } from '../webhooks/delivery.store.prisma';
import { createSqliteDeliveryStore } from '../webhooks/delivery.store.sqlite';

export interface Stores {
  payments: PaymentStore;
  deliveries: DeliveryStore;
  close(): void;
}

export function createStores(database: Database): Stores {
  if (database.provider === 'sqlite' && database.sqliteFile) {
    const writer = createSqliteWriter(database.sqliteFile);
    return { payments: createSqlitePaymentStore(writer), deliveries: createSqliteDeliveryStore(writer), close: () => writer.close() };
  }
  return { payments: createPrismaPaymentStore(database.prisma), deliveries: createPrismaDeliveryStore(database.prisma), close: () => undefined };
}
