// Finds payments pending past RECONCILE_AFTER and reconciles them one at a time, at the
// pacer's rate. Each is taken with a compare-and-set on its reconcileAt, so several workers
// (or instances) share the work without asking Daraja twice about one payment.
import type { Config } from '../config';
import type { Database } from '../db/database';
import { dueForReconciliation } from '../payments/transaction.repository';
import type { Logger } from '../logger';
import { PacerStopped } from './reconcile.pacer';
import type { Pacer } from './reconcile.pacer';
import type { Reconciler } from './reconcile.service';

interface Deps {
  db: Database;
  reconciler: Reconciler;
  pacer: Pacer;
  config: Config['reconciliation'];
  logger: Logger;
}

export function createReconcileWorker({ db, reconciler, pacer, config, logger }: Deps) {
  // One tick's worth of queries at the configured rate (at least one).
  const batch = Math.max(1, Math.ceil((config.queriesPerSecond * config.intervalMs) / 1000));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function tick(): Promise<void> {
    const due = await dueForReconciliation(db, new Date(), batch);
    for (const row of due) {
      if (stopped) return;
      await reconciler.reconcile(row).catch((error: unknown) => {
        if (!(error instanceof PacerStopped))
          logger.error('reconciliation failed', { transactionId: row.id, error });
      });
    }
  }

  function run() {
    if (running || stopped) return;
    running = tick()
      .catch((error: unknown) => {
        logger.error('reconciliation tick failed', { error });
      })
      .finally(() => {
        running = undefined;
      });
  }

  return {
    start() {
      timer = setInterval(run, config.intervalMs);
      timer.unref();
      run();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      pacer.stop();
      await running;
    },
  };
}
