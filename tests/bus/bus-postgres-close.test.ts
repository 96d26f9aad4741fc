// The bus on PostgreSQL (no Redis) holds a LISTEN connection and takes a new one when it breaks.
// A shutdown must end it whatever it is doing: an instance stopped while its new LISTEN
// connection was still being opened must not keep that connection once it comes (its pool would
// wait for it for good, and the process never exit). The bus reaches PostgreSQL through a link
// the test holds (tests/helpers/faulty-link.ts), so the test decides when the connection comes.
import pg from 'pg';
import { createBus } from '../../src/bus/bus';
import { postgresTransport } from '../../src/bus/bus.postgres';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { freshDatabaseUrl, freshDataDir, usingPostgres } from '../helpers/database';
import { startFaultyLink, type FaultyLink } from '../helpers/faulty-link';
import { eventually } from '../helpers/realtime';

const describePostgres = usingPostgres() ? describe : describe.skip;
/** Every listening connection of the bus carries it (src/bus/bus.postgres.ts). */
const LISTENER_APPLICATION = 'mpesa-bridge-bus:';

describePostgres('the bus on PostgreSQL (no Redis)', () => {
  let link: FaultyLink;
  let db: Database;
  let admin: pg.Client;
  beforeAll(async () => {
    const url = freshDatabaseUrl(freshDataDir());
    link = await startFaultyLink(Number(new URL(url).port));
    db = await openDatabase(link.through(url), { poolSize: 2 });
    await applyMigrations(db, { legacyMode: 'test' });
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await db?.close();
    await admin?.end();
    await link?.close();
  });

  it('when it is closed while its LISTEN connection is being opened again, then the close ends, the late connection included', async () => {
    const logger = createLogger({ log: { level: 'error', format: 'json' } }, true);
    // Watches (and passes on) the listener pool's asks for a connection: the test acts once it asked again.
    let asks = 0;
    const openPool = db.postgres!.openPool.bind(db.postgres);
    const spy = jest.spyOn(db.postgres!, 'openPool').mockImplementation((max, name) => {
      const pool = openPool(max, name);
      if (!name.startsWith(LISTENER_APPLICATION)) return pool;
      const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
      pool.connect = ((...args: unknown[]) => {
        asks += 1;
        return connect(...args);
      }) as typeof pool.connect;
      return pool;
    });
    const bus = await createBus(postgresTransport(db.postgres!, logger), { logger });
    spy.mockRestore();
    expect(asks).toBe(1);

    // From here new listening connections stall at the link; then its connection is ended, as a
    // restart of PostgreSQL ends it: the connection it asks for next to LISTEN again is a new
    // one, which cannot answer yet.
    link.hold((first) => first.includes(LISTENER_APPLICATION), { newOnly: true });
    const ended = await admin.query<{ query: string }>(
      `SELECT query, pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name LIKE $1 AND client_port = ANY($2::int[])`,
      [`${LISTENER_APPLICATION}%`, link.upstreamPorts()],
    );
    expect(ended.rows.some((row) => /^LISTEN /.test(row.query))).toBe(true);
    // It asks again 1 to 2 s after it lost the connection.
    expect(
      await eventually(
        async () => asks,
        (count) => count > 1,
        10_000,
      ),
    ).toBe(2);
    expect(bus.listening()).toBe(false);

    const closed = bus.close().then(() => 'closed');
    // What it asked for before closing answers after.
    link.resume();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise(
      (resolve) => (timer = setTimeout(() => resolve('still open after 10 s'), 10_000)),
    );
    try {
      expect(await Promise.race([closed, late])).toBe('closed');
    } finally {
      clearTimeout(timer);
    }
  }, 60_000);
});
