// Posting asynchronous results (B2C, Transaction Status) to the merchant's ResultURL or
// QueueTimeOutURL the way Safaricom does: once per delay, no retry, no signature, JSON. Only
// to targets the simulator may post to (simulator.callback-targets.ts), and only the origin
// is logged: these URLs carry a token in their path.
import type { Logger } from '../logger';
import { CALLBACK_TIMEOUT_MS, originOf } from './simulator.callbacks';

export interface ResultPoster {
  /** Posts `body` to `url` after each delay (ms from now). */
  schedule(
    url: string,
    body: () => object,
    delaysMs: readonly number[],
    fields: Record<string, unknown>,
  ): void;
  /** Cancels what is scheduled and aborts what is being posted. */
  stop(): void;
}

export function createResultPoster(deps: { logger: Logger; onPost: () => void }): ResultPoster {
  const { logger } = deps;
  const timers = new Set<NodeJS.Timeout>();
  const stopping = new AbortController();

  async function post(url: string, body: object, fields: Record<string, unknown>): Promise<void> {
    const logged = { ...fields, resultOrigin: originOf(url) };
    deps.onPost();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(CALLBACK_TIMEOUT_MS), stopping.signal]),
      });
      await response.arrayBuffer();
      if (response.ok) logger.info('simulator result delivered', { ...logged, status: response.status });
      else
        logger.warn('simulator result refused by receiver; Safaricom does not retry', {
          ...logged,
          status: response.status,
        });
    } catch (error) {
      logger.warn('simulator result not delivered; Safaricom does not retry', {
        ...logged,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  return {
    schedule(url, body, delaysMs, fields) {
      if (stopping.signal.aborted) return;
      for (const delayMs of delaysMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          void post(url, body(), fields);
        }, delayMs);
        timer.unref();
        timers.add(timer);
      }
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      stopping.abort();
    },
  };
}
