// Paces STK Queries: Daraja rate-limits them (Spike Arrest, with no published number), so
// queries are spaced evenly at `perSecond`, and a throttling answer pauses everyone.
export interface Pacer {
  /** Resolves when the caller may send one query; rejects with PacerStopped after stop(). */
  take(): Promise<void>;
  /** No query before `ms` from now (Daraja said slow down). */
  pauseFor(ms: number): void;
  /** Wakes every waiting caller with PacerStopped (shutdown must not wait out a pause). */
  stop(): void;
}

export class PacerStopped extends Error {
  constructor() {
    super('the query pacer was stopped');
  }
}

export function createPacer(perSecond: number): Pacer {
  const intervalMs = 1000 / perSecond;
  let nextSlot = 0;
  let pausedUntil = 0;
  let stopped = false;
  const sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      sleepers.add(sleeper);
    });

  return {
    async take() {
      for (;;) {
        if (stopped) throw new PacerStopped();
        const now = Date.now();
        const slot = Math.max(now, nextSlot, pausedUntil);
        nextSlot = slot + intervalMs;
        if (slot > now) await sleep(slot - now);
        if (stopped) throw new PacerStopped();
        // A pause that began while we slept moves us behind it.
        if (Date.now() >= pausedUntil) return;
      }
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, Date.now() + ms);
    },
    stop() {
      stopped = true;
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.wake();
      }
      sleepers.clear();
    },
  };
}
