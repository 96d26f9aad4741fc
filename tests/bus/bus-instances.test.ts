// The bus as two instances of the service meet it (both in this process, one PostgreSQL schema,
// no Redis): alone, the first sends no NOTIFY at all; once a second instance has started, a
// browser on the second gets the first's next change at once (no resync involved), and the
// emits of each settlement batch the first commits travel as one NOTIFY, not one per emit.
import { countRoundTrips, roundTrips, tripsBetween } from '../../bench/round-trips';
import { postCallback, successCallback } from '../helpers/callbacks';
import { usingPostgres } from '../helpers/database';
import {
  createProject,
  initiateBody,
  merchantClient,
  type MerchantRequest,
  type ProjectKeys,
} from '../helpers/merchant';
import { connectSubscriber, type Subscriber } from '../helpers/realtime';
import { sameDatabase, startTestServer, type TestServer } from '../helpers/server';
import { connectProjectStream, type ProjectStream } from '../helpers/project-stream';

const CALLBACKS = 100;
const CONNECTIONS = 25;
/** No periodic resync, worker poll or recheck while counting: only what the changes cause. */
const QUIET = {
  REALTIME_RESYNC_INTERVAL: '1h',
  WEBHOOK_POLL_INTERVAL_MS: '60000',
  RECONCILE_INTERVAL_MS: '60000',
  STREAM_RECHECK_INTERVAL: '1h',
  RATE_LIMIT_MAX: '1000000',
};

const describeOnPostgres = usingPostgres() ? describe : describe.skip;

describeOnPostgres('when a second instance joins one that was alone (PostgreSQL, no Redis)', () => {
  let first: TestServer;
  let second: TestServer | undefined;
  let merchant: MerchantRequest;
  let keys: ProjectKeys;
  const closing: Array<{ close(): void }> = [];
  beforeAll(async () => {
    countRoundTrips();
    first = await startTestServer(QUIET);
    keys = await createProject(first.url, first.adminToken);
    merchant = merchantClient(first.url, keys);
  });
  afterAll(async () => {
    closing.forEach((socket) => socket.close());
    await second?.close();
    await first?.close();
  });

  const pending = async (reference: string) => {
    // 0700000005: the simulator never calls back; the test posts every callback.
    const answer = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000005', accountReference: reference }),
    });
    expect(answer.status).toBe(201);
    return {
      id: answer.data.transaction.id as string,
      checkoutRequestId: answer.data.transaction.checkoutRequestId as string,
      clientSecret: answer.data.clientSecret as string,
    };
  };
  const settle = (payment: { id: string; checkoutRequestId: string }, receipt: string) =>
    postCallback(
      first.url,
      first.callbackPath(payment.id),
      successCallback(payment.checkoutRequestId, 10, receipt),
    );

  it('then, alone, the first sends no NOTIFY for what it does', async () => {
    const payment = await pending('ALONE');
    const subscriber = await connectSubscriber(first.url);
    closing.push(subscriber);
    expect((await subscriber.subscribe(payment.id, payment.clientSecret)).ok).toBe(true);
    const before = roundTrips();
    await settle(payment, 'UKMALONE01');
    await subscriber.waitForStatus('completed');
    expect(tripsBetween(before, roundTrips()).byKind['SELECT pg_notify'] ?? 0).toBe(0);
  });

  it("then a browser and a stream on the second get the first's next change at once", async () => {
    const payment = await pending('JOIN');
    second = await startTestServer({ ...sameDatabase(first), ...QUIET });
    // At once: the second's start resolved only after the first had it among its peers.
    const subscriber = await connectSubscriber(second.url);
    closing.push(subscriber);
    const stream: ProjectStream = await connectProjectStream(second.url, keys);
    closing.push(stream);
    expect((await subscriber.subscribe(payment.id, payment.clientSecret)).ok).toBe(true);
    await subscriber.waitForStatus('pending');
    const answer = await settle(payment, 'UKMJOIN001');
    expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    expect((await subscriber.waitForStatus('completed', 3000)).status).toBe('completed');
    await stream.waitFor(
      (m) => m.kind === 'event' && m.body.transactionId === payment.id,
      "the first instance's event",
      3000,
    );
  });

  it(`then ${CALLBACKS} callbacks over ${CONNECTIONS} connections send at most one NOTIFY per committed batch`, async () => {
    const payments: Array<Awaited<ReturnType<typeof pending>>> = [];
    for (let i = 0; i < CALLBACKS; i += 10)
      payments.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => pending(`BATCH${i + j}`)))));
    const subscriber: Subscriber = await connectSubscriber(second!.url);
    closing.push(subscriber);
    for (const payment of payments)
      expect((await subscriber.subscribe(payment.id, payment.clientSecret)).ok).toBe(true);
    const before = roundTrips();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < payments.length) {
          const index = next++;
          const answer = await settle(payments[index]!, `UKMB${String(index).padStart(6, '0')}`);
          expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
        }
      }),
    );
    const completed = () =>
      new Set(subscriber.events.filter((e) => e.status === 'completed').map((e) => e.id));
    const deadline = Date.now() + 10_000;
    while (completed().size < CALLBACKS && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const trips = tripsBetween(before, roundTrips());
    expect(completed().size).toBe(CALLBACKS);
    // Each batch emits a room update, a stream update, an event and a callback per payment:
    // before the bus, 4 NOTIFYs per callback; now one per commit (or fewer: commits that end
    // while a NOTIFY is on its way share the next one).
    const notifies = trips.byKind['SELECT pg_notify'] ?? 0;
    expect(notifies).toBeGreaterThan(0);
    expect(notifies).toBeLessThanOrEqual(trips.byKind.COMMIT ?? 0);
  }, 120_000);
});
