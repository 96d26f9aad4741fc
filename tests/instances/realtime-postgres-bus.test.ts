// Two instances without Redis: PostgreSQL's LISTEN/NOTIFY is the bus between them. A browser
// following a payment from instance B ends on its final state when the message that carried
// the change is lost:
// - the instance that took the callback (A) is SIGKILLed right after acknowledging it, its
//   NOTIFY not yet sent (held on A's link to PostgreSQL, then dropped with A): B's periodic
//   resync sends it;
// - B's LISTEN connection is terminated (pg_terminate_backend, what a PostgreSQL restart does)
//   and the change is committed before B listens again: B sends its rooms the current state
//   once it does.
// Each instance reaches PostgreSQL through a link of its own (tests/helpers/faulty-link.ts), so
// the test breaks only what belongs to the instance it is about.
import pg from 'pg';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { createKeyring } from '../../src/security/vault';
import { postCallback, successCallback } from '../helpers/callbacks';
import { freshDatabaseUrl, freshDataDir, usingPostgres } from '../helpers/database';
import { startDeployment, type Deployment } from '../helpers/instances';
import { startFaultyLink, type FaultyLink } from '../helpers/faulty-link';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { connectSubscriber, eventually, type Subscriber } from '../helpers/realtime';

const describePostgres = usingPostgres() ? describe : describe.skip;
/** The application_names of the bus's connections (src/bus/bus.postgres.ts): `mpesa-bridge-bus:<hash>` listens, `mpesa-bridge-bus-send` notifies. */
const BUS_APPLICATION = 'mpesa-bridge-bus';
const LISTENER_APPLICATION = 'mpesa-bridge-bus:%';

describePostgres('when the PostgreSQL bus between two instances loses a payment change (no Redis)', () => {
  let link: FaultyLink | undefined;
  let deployment: Deployment | undefined;
  let subscriber: Subscriber | undefined;
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(() => admin.end());
  afterEach(async () => {
    subscriber?.close();
    await deployment?.close();
    await link?.close();
  });

  /**
   * A and B on one fresh schema, instance `linked` through `link`; a payment started on A and
   * followed from B, pending.
   */
  async function start(linked: 0 | 1, resyncInterval: string) {
    const database = freshDatabaseUrl(freshDataDir());
    link = await startFaultyLink(Number(new URL(database).port));
    deployment = await startDeployment({
      instances: 2,
      redis: false,
      env: {
        DATABASE_URL: database,
        RECONCILE_AFTER: '1h',
        RECONCILE_EXPIRE_AFTER: '2h',
        REALTIME_RESYNC_INTERVAL: resyncInterval,
      },
      perInstance: { [linked]: { DATABASE_URL: link.through(database) } },
    });
    const [a, b] = deployment.instances as [Deployment['instances'][0], Deployment['instances'][0]];
    const merchant = merchantClient(a.url, await createProject(a.url, deployment.adminToken));
    // 0700000005: the simulator never calls back; the test posts the callback.
    const answer = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000005' }),
    });
    expect(answer.status).toBe(201);
    const payment = answer.data as {
      transaction: { id: string; checkoutRequestId: string };
      clientSecret: string;
    };
    subscriber = await connectSubscriber(b.url);
    expect((await subscriber.subscribe(payment.transaction.id, payment.clientSecret)).ok).toBe(true);
    await subscriber.waitForStatus('pending');
    const secrets = createTransactionSecrets(createKeyring(Buffer.from(deployment.masterKey, 'hex')));
    const settleOnA = async () => {
      const { id, checkoutRequestId } = payment.transaction;
      const callback = await postCallback(
        a.url,
        `${CALLBACK_PATH}/${id}/${secrets.callbackToken(id)}`,
        successCallback(checkoutRequestId, 10, 'UKM0PGBUS01'),
      );
      expect(callback.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    };
    return { a, b, settleOnA };
  }

  it('when the instance that took the callback is SIGKILLed right after acknowledging it, before its bus message left, then the browser on the other instance gets completed', async () => {
    const { a, settleOnA } = await start(0, '1s');
    // A's bus connections stall from here: the NOTIFY of the change never reaches PostgreSQL.
    link!.hold((first) => first.includes(BUS_APPLICATION));
    await settleOnA();
    const killed = new Promise((resolve) => a.child.once('exit', resolve));
    a.child.kill('SIGKILL');
    await killed;

    // Carried by B's periodic resync (with REALTIME_RESYNC_INTERVAL=1h this waits in vain).
    expect((await subscriber!.waitForStatus('completed', 20_000)).status).toBe('completed');
  }, 90_000);

  it("when the other instance's LISTEN connection is terminated and the change is committed before it listens again, then its browser gets completed once it does", async () => {
    // No periodic resync within the test: only the one on reconnect can carry the change.
    const { b, settleOnA } = await start(1, '1h');
    // What a restart of PostgreSQL does to B's LISTEN connection; and, for a while, B gets no new one.
    link!.refuseNew();
    const listening = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE application_name LIKE $1 AND client_port = ANY($2::int[])`,
      [LISTENER_APPLICATION, link!.upstreamPorts()],
    );
    expect(listening.rows).toHaveLength(1);
    const { pid } = listening.rows[0]!;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(
      async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount,
      (rows) => rows === 0,
    );

    // Committed and published by A while nobody on B listens: the NOTIFY reaches no one there.
    await settleOnA();
    expect(subscriber!.events.map((event) => event.status)).not.toContain('completed');
    expect(b.child.exitCode).toBeNull();

    link!.restore();
    expect((await subscriber!.waitForStatus('completed', 20_000)).status).toBe('completed');
    expect(b.output()).toContain('realtime bus reconnected');
  }, 90_000);
});
