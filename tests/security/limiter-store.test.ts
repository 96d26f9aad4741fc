// Where limits count (src/security/limiter-store.ts): an instance alone on the bus counts in
// memory, a signed request costing no round trip for it; when a second instance appears, what
// it counted goes into the shared store (PostgreSQL's rate_limits table here) before the store
// is used, and when it is alone again the shared count carries on in memory. PostgreSQL only
// (SQLite is one instance and always counts in memory).
import { countRoundTrips, roundTrips, tripsBetween } from '../../bench/round-trips';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { createLimiterStore } from '../../src/security/limiter-store';
import { freshDataDir, freshDatabaseUrl, usingPostgres } from '../helpers/database';

/** The presence the bus would report, set by the test. */
function presence() {
  let peers = 0;
  const listeners: Array<(count: number) => void> = [];
  return {
    peerCount: () => peers,
    onPeersChanged: (listener: (count: number) => void) => void listeners.push(listener),
    set(count: number) {
      peers = count;
      listeners.forEach((listener) => listener(count));
    },
  };
}

const describeOnPostgres = usingPostgres() ? describe : describe.skip;

describeOnPostgres('when the request limit counts on PostgreSQL', () => {
  let db: Database;
  beforeAll(async () => {
    countRoundTrips();
    db = await openDatabase(freshDatabaseUrl(freshDataDir()));
    await applyMigrations(db, { legacyMode: 'test' });
  });
  afterAll(() => db.close());

  const sharedCount = async (key: string) =>
    (
      await db.postgres!.pool.query<{ points: number }>('SELECT points FROM rate_limits WHERE key = $1', [
        key,
      ])
    ).rows[0]?.points;

  it('then, alone, requests are counted in memory without a round trip; with a peer, the counts move to the table and go on there; alone again, they come back', async () => {
    const bus = presence();
    const limiter = createLimiterStore({ postgres: db.postgres, bus })({
      keyPrefix: 'test-limit',
      points: 100,
      durationSeconds: 60,
    });
    const before = roundTrips();
    for (let i = 0; i < 3; i += 1) await limiter.penalty('prj_a:test', 1);
    expect((await limiter.get('prj_a:test'))?.consumedPoints).toBe(3);
    expect(tripsBetween(before, roundTrips()).total).toBe(0);

    bus.set(1);
    expect((await limiter.penalty('prj_a:test', 1)).consumedPoints).toBe(4);
    expect(await sharedCount('test-limit:prj_a:test')).toBe(4);
    // Another instance counts in the same row.
    await createLimiterStore({ postgres: db.postgres })({
      keyPrefix: 'test-limit',
      points: 100,
      durationSeconds: 60,
    }).penalty('prj_a:test', 2);

    bus.set(0);
    const alone = roundTrips();
    expect((await limiter.penalty('prj_a:test', 1)).consumedPoints).toBe(7);
    expect(tripsBetween(alone, roundTrips()).byKind['INSERT rate_limits'] ?? 0).toBe(0);
  });
});
