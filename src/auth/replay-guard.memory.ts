// Signatures seen by this process. With two instances each remembers only what it saw itself:
// a replay sent to the other instance is accepted. Run several instances with REDIS_URL (or,
// once it exists, the database-backed guard). Memory is bounded by the window: an entry lives
// at most 2 x SIGNATURE_TOLERANCE_SECONDS, and expired ones are swept as new ones arrive.
import type { FirstUse, ReplayGuard } from './replay-guard';

const SWEEP_EVERY_MS = 10_000;

export function createMemoryReplayGuard(now: () => number = Date.now): ReplayGuard {
  const seen = new Map<string, { tag: string; expiresAt: number }>();
  let nextSweepAt = 0;

  return {
    async firstUse(key, expiresAt, tag): Promise<FirstUse> {
      const at = now();
      if (at >= nextSweepAt) {
        for (const [seenKey, entry] of seen) if (entry.expiresAt <= at) seen.delete(seenKey);
        nextSweepAt = at + SWEEP_EVERY_MS;
      }
      const earlier = seen.get(key);
      if (earlier && earlier.expiresAt > at) return { first: false, firstTag: earlier.tag };
      seen.set(key, { tag, expiresAt: expiresAt.getTime() });
      return { first: true };
    },
  };
}
