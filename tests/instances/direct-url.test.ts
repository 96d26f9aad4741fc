// DATABASE_DIRECT_URL: what needs one server connection throughout (the migrations' session
// lock, the real-time bus's LISTEN) connects there, everything else through DATABASE_URL, the
// way a deployment behind PgBouncer in transaction mode needs it (docs/instances.md). The direct
// URL here logs in as a role of its own, so PostgreSQL itself says which connection came which way.
import axios from 'axios';
import { createHash } from 'node:crypto';
import { openDatabase } from '../../src/db/database';
import { childEnv, startServiceProcess, type ServiceProcess } from '../helpers/child-service';
import { describeDeployment } from '../helpers/instances';

const DIRECT_ROLE = 'mpesa_bridge_direct_test';

describeDeployment('DATABASE_DIRECT_URL', () => {
  let instance: ServiceProcess | undefined;
  afterEach(async () => {
    if (!instance) return;
    const exited = new Promise((resolve) => instance!.child.once('exit', resolve));
    instance.child.kill('SIGTERM');
    await exited;
    instance = undefined;
  });

  /** The same database and schema as `databaseUrl`, logged in as `role`, or on another port. */
  function directUrl(databaseUrl: string, change: { role?: string; port?: string }): string {
    const url = new URL(databaseUrl);
    if (change.role) url.username = change.role;
    if (change.port) url.port = change.port;
    url.searchParams.delete('schema');
    return url.toString();
  }

  it('when it is set, the migrations and the bus LISTEN connect there and queries through DATABASE_URL', async () => {
    const env = childEnv({ REALTIME_BUS: 'postgres', METRICS_PORT: '0' });
    const admin = await openDatabase(env.DATABASE_URL, { poolSize: 1 });
    try {
      await admin.postgres!.pool.query(
        `DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${DIRECT_ROLE}') THEN
             CREATE ROLE ${DIRECT_ROLE} LOGIN SUPERUSER;
           END IF;
         END $$`,
      );
      instance = await startServiceProcess({
        ...env,
        DATABASE_DIRECT_URL: directUrl(env.DATABASE_URL, { role: DIRECT_ROLE }),
      });
      expect((await axios.get(`${instance.url}/ready`, { validateStatus: () => true })).status).toBe(200);

      const schema = new URL(env.DATABASE_URL).searchParams.get('schema')!;
      // The migrations ran as the direct role: it owns the tables they created.
      const { rows: owners } = await admin.postgres!.pool.query<{ owner: string }>(
        `SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = $1`,
        [schema],
      );
      expect(owners.map((row) => row.owner)).toEqual([DIRECT_ROLE]);

      // This instance's listener (named for its schema, src/bus/bus.postgres.ts) came in directly;
      // no query pool did (other test files' services share the server, none as this role).
      const listenerName = `mpesa-bridge-bus:${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
      const { rows: sessions } = await admin.postgres!.pool.query<{ name: string; role: string }>(
        `SELECT application_name AS name, usename AS role FROM pg_stat_activity
          WHERE application_name = $1 OR (application_name = 'mpesa-bridge' AND usename = $2)`,
        [listenerName, DIRECT_ROLE],
      );
      expect(sessions).toEqual([{ name: listenerName, role: DIRECT_ROLE }]);
    } finally {
      await admin.close();
    }
  }, 60_000);

  it('when it does not answer, the service does not start (the migrations need it)', async () => {
    const env = childEnv({ METRICS_PORT: '0', DATABASE_CONNECT_TIMEOUT: '2s' });
    await expect(
      startServiceProcess({ ...env, DATABASE_DIRECT_URL: directUrl(env.DATABASE_URL, { port: '1' }) }),
    ).rejects.toThrow(/ECONNREFUSED|connect/);
  }, 60_000);

  it('with a SQLite DATABASE_URL it is refused at start, by name', async () => {
    const env = childEnv({
      DATABASE_URL: 'file:/tmp/never-opened.db',
      DATABASE_DIRECT_URL: 'postgresql://postgres@127.0.0.1:5432/test',
    });
    await expect(startServiceProcess(env)).rejects.toThrow(
      /DATABASE_DIRECT_URL: only with a PostgreSQL DATABASE_URL/,
    );
  }, 60_000);
});
