// The Socket.io adapter on PostgreSQL (no Redis) holds a LISTEN connection and takes a new one
// when it breaks. A shutdown must end it whatever it is doing: an instance stopped while its
// new LISTEN connection was still being opened kept that connection once it came, and its pool
// waited for it for good (the process never exited). The adapter reaches PostgreSQL through a
// link the test holds (tests/helpers/faulty-link.ts), so the test decides when the connection comes.
import { createServer } from 'node:http';
import pg from 'pg';
import { Server } from 'socket.io';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { chooseRealtimeAdapter } from '../../src/realtime/realtime.adapter';
import { freshDatabaseUrl, freshDataDir, usingPostgres } from '../helpers/database';
import { startFaultyLink, type FaultyLink } from '../helpers/faulty-link';
import { eventually } from '../helpers/realtime';

const describePostgres = usingPostgres() ? describe : describe.skip;
const ADAPTER_APPLICATION = 'mpesa-bridge-realtime';

describePostgres('the PostgreSQL adapter (no Redis)', () => {
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
    // Watches (and passes on) the adapter's asks for a connection of its own (pool.query asks
    // with a callback; the adapter's LISTEN without): the test acts once it asked again.
    let asks = 0;
    const openPool = db.postgres!.openPool.bind(db.postgres);
    const spy = jest.spyOn(db.postgres!, 'openPool').mockImplementation((max, name) => {
      const pool = openPool(max, name);
      const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
      pool.connect = ((...args: unknown[]) => {
        if (args.length === 0) asks += 1;
        return connect(...args);
      }) as typeof pool.connect;
      return pool;
    });
    const adapter = chooseRealtimeAdapter({ db, keyPrefix: 'test:', logger });
    spy.mockRestore();
    expect(adapter.kind).toBe('postgres');
    const httpServer = createServer();
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const io = new Server(httpServer);
    await adapter.install(io);
    expect(asks).toBe(1);

    // From here the adapter's new connections stall at the link; then its connections are ended,
    // as a restart of PostgreSQL ends them: the connection it asks for next to LISTEN again is a
    // new one, which cannot answer yet.
    link.hold((first) => first.includes(ADAPTER_APPLICATION), { newOnly: true });
    const ended = await admin.query<{ query: string }>(
      `SELECT query, pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = $1 AND client_port = ANY($2::int[])`,
      [ADAPTER_APPLICATION, link.upstreamPorts()],
    );
    expect(ended.rows.some((row) => /^(LISTEN |SELECT 1$)/.test(row.query))).toBe(true);
    // It asks again 1 to 3 s after it lost the connection.
    expect(
      await eventually(
        async () => asks,
        (count) => count > 1,
        10_000,
      ),
    ).toBe(2);

    const closed = (async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await adapter.close();
      return 'closed';
    })();
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
