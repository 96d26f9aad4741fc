// Group commit for a hot write path. Items that arrive while the database is busy (or in the
// same turn of the event loop) are written together: one transaction, one commit and fsync,
// and set-based statements (multi-row inserts) written by the caller's `write`. Each caller
// resolves only after the commit its item was part of.
//
// A batch that fails is retried one item at a time, so one bad item fails alone and the others
// are still written (the common case pays nothing for this).
//
// In-process only: two instances each batch their own callers; the rows they write are still
// coordinated by the database (row locks, compare-and-set), so nothing depends on batching.
import type { Database, Durability, Queryable } from './database';

export interface BatcherOptions<I, O> {
  durability: Durability;
  /** Writes the items in one transaction; returns one result per item, in order. */
  write(tx: Queryable, items: readonly I[]): Promise<O[]>;
  /** Most items per transaction (keeps statements and lock times bounded). */
  maxBatch?: number;
  /** `write` sends one statement per item: a batch of one needs no explicit transaction (Database.single). */
  oneStatementPerItem?: boolean;
  /**
   * `write` sends one statement for the whole batch, whatever its size: it needs no explicit
   * transaction (on PostgreSQL, BEGIN and COMMIT would be two more round trips).
   */
  oneStatement?: boolean;
}

const DEFAULT_MAX_BATCH = 200;
const MAX_BATCHES_IN_FLIGHT = 2;

export function createBatcher<I, O>(db: Database, options: BatcherOptions<I, O>): (item: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  // Two batches at a time: one committing while the next fills. More would make smaller
  // batches (more commits, more statements per item) and hold more pooled connections.
  const maxInFlight = Math.min(MAX_BATCHES_IN_FLIGHT, db.writeConcurrency);
  let queue: Array<{ item: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  let inFlight = 0;
  let scheduled = false;

  const inTransaction = (items: readonly I[]) =>
    options.oneStatement || (items.length === 1 && options.oneStatementPerItem)
      ? db.single((q) => options.write(q, items), { durability: options.durability })
      : db.transaction((tx) => options.write(tx, items), { durability: options.durability });
  const writeAlone = (entry: (typeof queue)[number]) =>
    inTransaction([entry.item]).then(
      ([result]) => entry.resolve(result as O),
      (error: unknown) => entry.reject(error),
    );

  async function flush(): Promise<void> {
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    inFlight += 1;
    try {
      const results = await inTransaction(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => entry.resolve(results[index] as O));
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const entry of batch) await writeAlone(entry);
    } finally {
      inFlight -= 1;
      pump();
    }
  }

  function pump() {
    while (queue.length > 0 && inFlight < maxInFlight) void flush();
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // Wait for the rest of this turn's callers before starting a batch.
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      }
    });
}
