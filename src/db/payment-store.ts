// The hot paths of a payment (signature lookup, initiate, callback, settlement) go through
// this small store instead of the Prisma client. Why two implementations:
// - On SQLite (the embedded default) Prisma costs ~0.3–1.3 ms per statement and holds the
//   single connection across awaits; the benchmark showed callbacks at 0.05 of a bare echo.
//   payment-store.sqlite.ts runs each unit of work as ONE synchronous better-sqlite3
//   transaction on prepared statements (~0.1 ms), which also means it never holds the write
//   lock across an await, so it cannot stall against Prisma's own connection.
// - On PostgreSQL, payment-store.prisma.ts does the same work with Prisma.
// The decisions (which state may move where, what an outcome means) are pure functions the
// callers pass in (`decide`), so both implementations run the same rules; the whole test
// suite runs against both.
import type { NewEvent } from '../events/event.types';
import type { TransactionRow } from '../transactions/transaction.view';

export type NewTransaction = Omit<TransactionRow, 'amountMismatch'> & { amountMismatch?: boolean };
export type TransactionPatch = Partial<Omit<TransactionRow, 'id' | 'projectId'>>;

export interface NewStatusChange {
  id: string;
  transactionId: string;
  fromStatus: string | null;
  toStatus: string;
  source: string;
  resultCode: string | null;
  createdAt: Date;
}

export interface NewCallbackRecord {
  id: string;
  transactionId: string | null;
  checkoutRequestId: string | null;
  sourceIp: string;
  rawBody: string;
  receivedAt: Date;
}

/** What `decide` wants done with the transaction it was shown. */
export interface Decision<Label extends string> {
  label: Label;
  /**
   * Compare-and-set: applied only if the status is still `from`. With it, in the same
   * database transaction: the StatusChange row, and the event with its deliveries (outbox).
   */
  write?: { from: string; patch: TransactionPatch; change: NewStatusChange; event?: NewEvent };
}

export interface SettleRequest<Label extends string> {
  /** The transaction to read and maybe change; null when there is none (an orphan callback). */
  transactionId: string | null;
  decide(current: TransactionRow | undefined): Decision<Label>;
  /** A callback to store in the same transaction, with the label as its outcome. */
  newCallback?: NewCallbackRecord;
  /** A stored callback to claim (processedAt still null) and mark with the label. */
  storedCallbackId?: string;
}

export type SettleResult<Label extends string> =
  | { claimed: false }
  | { claimed: true; label: Label; changed: boolean; row: TransactionRow | undefined };

export interface PaymentStore {
  findSigner(publicKey: string): Promise<{ projectId: string; secretKeyEnc: string } | undefined>;
  findTransaction(id: string): Promise<TransactionRow | undefined>;
  findByIdempotencyKey(projectId: string, idempotencyKey: string): Promise<TransactionRow | undefined>;
  /** Inserts the transaction and its first StatusChange atomically. Returns false on a duplicate Idempotency-Key. */
  createTransaction(row: NewTransaction, change: NewStatusChange): Promise<boolean>;
  /** A plain update (no status change); returns the row after it. */
  updateTransaction(id: string, patch: TransactionPatch): Promise<TransactionRow>;
  /** Read, decide, compare-and-set, record: one database transaction. */
  settle<Label extends string>(request: SettleRequest<Label>): Promise<SettleResult<Label>>;
  /**
   * Moves a pending payment's next reconciliation to `next` if it is still pending and still
   * due at `expected` (a compare-and-set, so two workers never query it at once). Does not
   * touch updatedAt: this is bookkeeping, not a change the merchant sees.
   */
  scheduleReconciliation(id: string, expected: Date | null, next: Date, queryAttempts?: number): Promise<boolean>;
  /** Stores a callback unprocessed (when applying it failed), for the sweep to apply later. */
  storeCallback(record: NewCallbackRecord): Promise<void>;
  close(): void;
}
