// A worker's pass run one at a time: a pass asked for while one runs waits for that one instead
// of starting a second beside it; a pass that fails is logged, never thrown at the timer.
import type { Logger } from '../logger';

export interface OnePass {
  /** Runs a pass, or joins the one running. */
  run(): Promise<void>;
  /** Resolves when no pass runs (at once when none does): for a stop. */
  settled(): Promise<void>;
}

export function onePassAtATime(pass: () => Promise<void>, logger: Logger, failure: string): OnePass {
  let running: Promise<void> | undefined;
  return {
    run() {
      running ??= pass()
        .catch((error: unknown) => {
          logger.error(failure, { error });
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    settled: async () => {
      await running;
    },
  };
}
