// Both replay guards keep the same contract: the first use of a key wins, once, even when
// many ask at the same moment; later uses learn the first one's tag; the key is forgotten
// after it expires. The Redis one runs against the real Redis of this machine, the database one
// on the suite's engine.
import { randomBytes } from 'node:crypto';
import { createDatabaseReplayGuard } from '../../src/auth/replay-guard.database';
import { createRedisReplayGuard } from '../../src/auth/replay-guard.redis';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { freshDataDir, freshDatabaseUrl } from '../helpers/database';
import type { ReplayGuard } from '../../src/auth/replay-guard';
import { closeRedis, connectRedis, type Redis } from '../../src/redis';
import { createLogger } from '../../src/logger';
import { eventually } from '../helpers/realtime';

const REDIS_URL = 'redis://127.0.0.1:6379';
let redis: Redis;
let db: Database;
beforeAll(async () => {
  redis = await connectRedis(
    REDIS_URL,
    `test:${randomBytes(4).toString('hex')}:`,
    createLogger({ log: { level: 'error', format: 'json' } }, true),
  );
  db = await openDatabase(freshDatabaseUrl(freshDataDir()));
  await applyMigrations(db, { legacyMode: 'test' });
});
afterAll(async () => {
  await closeRedis(redis);
  await db.close();
});

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** Each guard with a way to let a key's expiry pass: a clock for memory, Redis's own TTL. */
interface Subject {
  guard: ReplayGuard;
  afterExpiryOf(key: string, expiresAt: Date): Promise<void>;
}

const inDatabase = (): Subject => {
  let now = Date.now();
  return {
    guard: createDatabaseReplayGuard(db, () => new Date(now)),
    afterExpiryOf: async (_key, expiresAt) => {
      now = expiresAt.getTime() + 1;
    },
  };
};

const onRedis = (): Subject => ({
  guard: createRedisReplayGuard(redis),
  afterExpiryOf: async (key) => {
    await eventually(
      () => redis.pttl(`replay:${key}`),
      (ttl) => ttl === -2,
    );
  },
});

describe.each([
  ['in the database', inDatabase],
  ['on Redis', onRedis],
] as const)('the replay guard %s', (_name, subject: () => Subject) => {
  const create = () => subject().guard;
  it('when a key is used twice, then the first use wins and the second learns its tag', async () => {
    const guard = create();
    const key = randomBytes(8).toString('hex');
    await expect(guard.firstUse(key, inSeconds(60), 'order-1')).resolves.toEqual({ first: true });
    await expect(guard.firstUse(key, inSeconds(60), '')).resolves.toEqual({
      first: false,
      firstTag: 'order-1',
    });
  });

  it('when 20 uses of one key arrive at once, then exactly one is first', async () => {
    const guard = create();
    const key = randomBytes(8).toString('hex');
    const uses = await Promise.all(Array.from({ length: 20 }, () => guard.firstUse(key, inSeconds(60), '')));
    expect(uses.filter((use) => use.first)).toHaveLength(1);
  });

  it('when a key has expired, then it is forgotten', async () => {
    const { guard, afterExpiryOf } = subject();
    const key = randomBytes(8).toString('hex');
    const expiresAt = new Date(Date.now() + 50);
    await guard.firstUse(key, expiresAt, '');
    await afterExpiryOf(key, expiresAt);
    await expect(guard.firstUse(key, inSeconds(60), '')).resolves.toEqual({ first: true });
  });
});
