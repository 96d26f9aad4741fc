// Signatures seen by any instance sharing this Redis. SET NX is the atomic "first use": of two
// instances receiving the same request at once, exactly one gets OK.
import type { Redis } from '../redis';
import type { FirstUse, ReplayGuard } from './replay-guard';

const KEY_PREFIX = 'replay:';

export function createRedisReplayGuard(redis: Redis): ReplayGuard {
  return {
    store: 'redis',
    async firstUse(key, expiresAt, tag): Promise<FirstUse> {
      const ttlMs = Math.max(1, expiresAt.getTime() - Date.now());
      const stored = await redis.set(KEY_PREFIX + key, tag, 'PX', ttlMs, 'NX');
      if (stored === 'OK') return { first: true };
      // Expired between the two calls: the window is over, and a replay it stays.
      return { first: false, firstTag: (await redis.get(KEY_PREFIX + key)) ?? '' };
    },
  };
}
