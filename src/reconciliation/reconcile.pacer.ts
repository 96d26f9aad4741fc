// Paces STK Queries: Daraja rate-limits them per app (one consumer key on one environment:
// Spike Arrest, with no published number), so each app's queries are spaced evenly at
// `perSecond`, and a throttling answer pauses that app's queries. The pace belongs to the
// deployment, not the process: with PostgreSQL every instance takes its slots from one row
// per app (reconcile.pace-store.ts), so three instances ask at `perSecond` in all. SQLite is
// one instance: the slots live in its memory.
export interface Pacer {
  /** Resolves when the caller may send one query for `appKey`; rejects with PacerStopped after stop(). */
  take(appKey: string): Promise<void>;
  /** No query for `appKey` before `ms` from now, on any instance (Daraja said slow down). */
  pauseFor(appKey: string, ms: number): Promise<void>;
  /** Wakes every waiting caller with PacerStopped (shutdown must not wait out a pause). */
  stop(): void;
}

/** Where the slots are kept: this process, or the database every instance shares. */
export interface PaceStore {
  /** Takes `appKey`'s next free slot (none before a pause ends); answers the ms until it. */
  reserve(appKey: string, intervalMs: number): Promise<number>;
  pause(appKey: string, ms: number): Promise<void>;
  /** Ms until `appKey`'s pause ends; 0 when it is not paused. */
  pausedFor(appKey: string): Promise<number>;
}

export class PacerStopped extends Error {
  constructor() {
    super('the query pacer was stopped');
  }
}

export function memoryPaceStore(now: () => number = Date.now): PaceStore {
  const apps = new Map<string, { nextSlot: number; pausedUntil: number }>();
  const app = (key: string) => {
    let state = apps.get(key);
    if (!state) apps.set(key, (state = { nextSlot: 0, pausedUntil: 0 }));
    return state;
  };
  return {
    async reserve(key, intervalMs) {
      const state = app(key);
      const at = now();
      const slot = Math.max(at, state.nextSlot, state.pausedUntil);
      state.nextSlot = slot + intervalMs;
      return slot - at;
    },
    async pause(key, ms) {
      const state = app(key);
      state.pausedUntil = Math.max(state.pausedUntil, now() + ms);
    },
    async pausedFor(key) {
      return Math.max(0, app(key).pausedUntil - now());
    },
  };
}

export function createPacer(perSecond: number, store: PaceStore = memoryPaceStore()): Pacer {
  const intervalMs = 1000 / perSecond;
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
    async take(appKey) {
      for (;;) {
        if (stopped) throw new PacerStopped();
        const waitMs = await store.reserve(appKey, intervalMs);
        if (waitMs > 0) await sleep(waitMs);
        if (stopped) throw new PacerStopped();
        // A pause that began while we slept (here or on another instance) moves us behind it.
        if (waitMs <= 0 || (await store.pausedFor(appKey)) === 0) return;
      }
    },
    pauseFor: (appKey, ms) => store.pause(appKey, ms),
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
