// One query pace per Daraja app: Daraja throttles STK Query per app (Spike Arrest), so two
// accounts of two apps never slow each other, and two projects sharing one app share its pace.
// In-process: each instance paces its own queries (a deployment of N instances may query an
// app up to N times RECONCILE_QUERIES_PER_SECOND; see the README on several instances).
import { createPacer, type Pacer } from './reconcile.pacer';

export interface Pacers {
  take(appKey: string): Promise<void>;
  pauseFor(appKey: string, ms: number): void;
  /** Wakes every waiting caller with PacerStopped (shutdown must not wait out a pause). */
  stop(): void;
}

export function createPacers(perSecond: number): Pacers {
  const pacers = new Map<string, Pacer>();
  const of = (appKey: string) => {
    let pacer = pacers.get(appKey);
    if (!pacer) pacers.set(appKey, (pacer = createPacer(perSecond)));
    return pacer;
  };
  let stopped = false;
  return {
    take: (appKey) => {
      const pacer = of(appKey);
      if (stopped) pacer.stop();
      return pacer.take();
    },
    pauseFor: (appKey, ms) => of(appKey).pauseFor(ms),
    stop() {
      stopped = true;
      for (const pacer of pacers.values()) pacer.stop();
    },
  };
}
