// The service survives its PostgreSQL database, without Redis (so the Socket.io adapter holds a
// LISTEN connection of its own): backends terminated under it (what a PostgreSQL restart does)
// and a stalled link (a partition) become 503s a merchant may retry, /ready says so, and the
// service recovers by itself when the database is back. The shared PostgreSQL server is never
// stopped: the service reaches it through a link the test breaks (tests/helpers/faulty-link.ts).
import axios from 'axios';
import pg from 'pg';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { createKeyring } from '../../src/security/vault';
import { postCallback, successCallback } from '../helpers/callbacks';
import { freshDatabaseUrl, freshDataDir, usingPostgres } from '../helpers/database';
import { startDeployment, type Deployment } from '../helpers/instances';
import { startFaultyLink, type FaultyLink } from '../helpers/faulty-link';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';

const describePostgres = usingPostgres() ? describe : describe.skip;

describePostgres('when the PostgreSQL database fails under a service without Redis', () => {
  let link: FaultyLink;
  let deployment: Deployment;
  let admin: pg.Client;
  const ready = () => axios.get(`${deployment.instances[0]!.url}/ready`, { validateStatus: () => true });
  const alive = () => {
    const { child } = deployment.instances[0]!;
    return child.exitCode === null && child.signalCode === null;
  };

  beforeEach(async () => {
    const database = freshDatabaseUrl(freshDataDir());
    link = await startFaultyLink(Number(new URL(database).port));
    deployment = await startDeployment({
      instances: 1,
      redis: false,
      env: {
        DATABASE_URL: link.through(database),
        DATABASE_STATEMENT_TIMEOUT: '1s',
        DATABASE_CONNECT_TIMEOUT: '1s',
        READY_TIMEOUT: '500ms',
        RECONCILE_AFTER: '1h',
        RECONCILE_EXPIRE_AFTER: '2h',
      },
    });
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  }, 60_000);
  afterEach(async () => {
    await deployment?.close();
    await link?.close();
    await admin?.end();
  });

  async function startPayment(merchant: ReturnType<typeof merchantClient>) {
    // 0700000005: the simulator never calls back; the test posts the callback.
    const answer = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000005' }),
    });
    expect(answer.status).toBe(201);
    return answer.data as { transaction: { id: string; checkoutRequestId: string } };
  }

  async function payAndRead(merchant: ReturnType<typeof merchantClient>) {
    const url = deployment.instances[0]!.url;
    const { transaction } = await startPayment(merchant);
    const secrets = createTransactionSecrets(createKeyring(Buffer.from(deployment.masterKey, 'hex')));
    const callback = await postCallback(
      url,
      `${CALLBACK_PATH}/${transaction.id}/${secrets.callbackToken(transaction.id)}`,
      successCallback(transaction.checkoutRequestId, 10, 'UKM0OUTAGE1'),
    );
    expect(callback.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    const read = await merchant({ method: 'GET', path: `/api/v1/transactions/${transaction.id}` });
    expect(read.data.transaction.status).toBe('completed');
  }

  it('when all its backends are terminated (the LISTEN one included), then it stays up, answers 503 database_unreachable, and recovers by itself', async () => {
    const url = deployment.instances[0]!.url;
    const merchant = merchantClient(url, await createProject(url, deployment.adminToken));
    const { transaction } = await startPayment(merchant);

    // What a restart of PostgreSQL does to every connection: terminated; and, for a while, none accepted.
    link.refuseNew();
    const terminated = await admin.query<{ query: string }>(
      `SELECT query, pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_port = ANY($1::int[])`,
      [link.upstreamPorts()],
    );
    link.cut();
    expect(terminated.rows.some((row) => /^LISTEN /.test(row.query))).toBe(true);

    expect((await eventually(ready, (answer) => answer.status === 503)).data).toEqual({
      status: 'database_unreachable',
    });
    const read = await merchant({ method: 'GET', path: `/api/v1/transactions/${transaction.id}` });
    expect(read.status).toBe(503);
    expect(read.data.error.code).toBe('service_unavailable');
    expect(Number(read.headers['retry-after'])).toBeGreaterThan(0);
    expect(alive()).toBe(true);

    link.restore();
    expect((await eventually(ready, (answer) => answer.status === 200, 15_000)).status).toBe(200);
    expect(alive()).toBe(true);
    await payAndRead(merchant);
  }, 60_000);

  it('when the link stalls, then /ready and requests answer 503 within their deadlines while it is still stalled, and all works once it flows again', async () => {
    const url = deployment.instances[0]!.url;
    const merchant = merchantClient(url, await createProject(url, deployment.adminToken));
    const { transaction } = await startPayment(merchant);

    link.pause();
    // Answered while the link is still paused: nothing here waits for the stall to end.
    expect(await ready()).toMatchObject({ status: 503, data: { status: 'database_unreachable' } });
    const read = await merchant({ method: 'GET', path: `/api/v1/transactions/${transaction.id}` });
    expect(read.status).toBe(503);
    expect(read.data.error.code).toBe('service_unavailable');
    expect(read.headers['retry-after']).toBeDefined();
    expect((await axios.get(`${url}/health`)).status).toBe(200);
    expect(alive()).toBe(true);

    link.resume();
    expect((await eventually(ready, (answer) => answer.status === 200, 15_000)).status).toBe(200);
    await payAndRead(merchant);
  }, 60_000);
});
