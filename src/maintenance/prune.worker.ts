// Keeps the tables that grow with traffic bounded: processed callbacks older than
// CALLBACK_RETENTION, succeeded webhook deliveries (with their attempts) older than
// WEBHOOK_RETENTION, the request log older than REQUEST_LOG_RETENTION, and replay-guard entries
// past their window. Payments, their status history
// and events are never pruned. Deletes go in small batches, each its own short transaction,
// with a pause after each nine times as long as it took: pruning takes at most a tenth of the
// database (on SQLite, of the event loop too), however large the backlog, so the hot paths
// barely notice it. A year-old backlog of a million rows still goes in minutes.
// Several instances may prune at once: each batch deletes what is still there.
import type { Config } from '../config';
import type { Database, Queryable } from '../db/database';
import type { Logger } from '../logger';
import { pruneProcessedCallbacks } from '../payments/callback.repository';

const BATCH = 200;
/** The pause after a batch, as a multiple of the batch's own time: a tenth of the time pruning. */
const PAUSE_FACTOR = 9;
const MIN_PAUSE_MS = 5;

/** Prunes rows older than `before`, at most `limit` of them; answers how many went. */
type PruneBatch = (q: Queryable, before: Date, limit: number) => Promise<number>;

/**
 * The other folders' old rows, passed in by composition (service.ts): maintenance knows when
 * and how fast to prune, each feature what its rows are.
 */
export interface PrunedTables {
  succeededDeliveries: PruneBatch;
  expiredNonces: PruneBatch;
  requestLog: PruneBatch;
  sessions: (q: Queryable, before: Date) => Promise<number>;
}

interface Deps {
  db: Database;
  tables: PrunedTables;
  config: Config['retention'];
  logger: Logger;
  now?: () => Date;
}

export function createPruneWorker({ db, tables, config, logger, now = () => new Date() }: Deps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  /** Deletes batch after batch until a batch comes back short; returns the rows deleted. */
  async function drain(pruneBatch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const started = performance.now();
      const deleted = await pruneBatch();
      total += deleted;
      if (deleted < BATCH || stopped) return total;
      const pauseMs = Math.max(MIN_PAUSE_MS, PAUSE_FACTOR * (performance.now() - started));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  async function pruneOnce(): Promise<{
    callbacks: number;
    deliveries: number;
    nonces: number;
    requestLog: number;
  }> {
    const at = now().getTime();
    const callbacks = await drain(() =>
      pruneProcessedCallbacks(db, new Date(at - config.callbacksMs), BATCH),
    );
    const deliveries = await drain(() =>
      db.transaction(
        (tx) => tables.succeededDeliveries(tx, new Date(at - config.webhookDeliveriesMs), BATCH),
        {
          durability: 'process',
        },
      ),
    );
    const nonces = await drain(() => tables.expiredNonces(db, new Date(at), BATCH));
    const requestLog = await drain(() =>
      db.transaction((tx) => tables.requestLog(tx, new Date(at - config.requestLogMs), BATCH), {
        durability: 'process',
      }),
    );
    // Expired dashboard sessions open nothing already (the expiry is checked on every use); few rows, one statement.
    const sessions = await tables.sessions(db, new Date(at));
    if (callbacks + deliveries + nonces + sessions + requestLog > 0)
      logger.info('pruned old rows', { callbacks, deliveries, nonces, sessions, requestLog });
    return { callbacks, deliveries, nonces, requestLog };
  }

  function run() {
    if (running || stopped) return;
    running = pruneOnce()
      .then(
        () => undefined,
        (error: unknown) => {
          logger.error('pruning failed; it runs again later', { error });
        },
      )
      .finally(() => {
        running = undefined;
      });
  }

  return {
    pruneOnce,
    start() {
      timer = setInterval(run, config.intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
