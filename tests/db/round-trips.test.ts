// Round trips to PostgreSQL per operation, counted on the client side of the wire (the same
// counter the bench prints, bench/round-trips.ts), against the targets of docs/performance.md:
// a callback at 25 connections at most 1.5, a signed initiate at most 5, a signed status read
// at most 2. Counts, not rates: they do not move with the machine's load. One instance: the
// real-time bus has nobody to tell (src/realtime/realtime.bus.ts), so no NOTIFY is counted.
import { countRoundTrips, roundTrips, tripsBetween, type RoundTrips } from '../../bench/round-trips';
import { postCallback, successCallback } from '../helpers/callbacks';
import { usingPostgres } from '../helpers/database';
import { createProject, initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';

const SEQUENTIAL = 20;
const CALLBACKS = 200;
const CONNECTIONS = 25;

const describeOnPostgres = usingPostgres() ? describe : describe.skip;

/** Counts the trips `work` causes, per operation; the breakdown shows in a failure. */
async function tripsOf(operations: number, work: () => Promise<void>): Promise<RoundTrips> {
  const before = roundTrips();
  await work();
  return tripsBetween(before, roundTrips(), operations);
}

const atMost = (trips: RoundTrips, limit: number) => (trips.total <= limit ? 'within' : trips);

describeOnPostgres('round trips to PostgreSQL per operation, one instance', () => {
  let server: TestServer;
  let merchant: MerchantRequest;
  beforeAll(async () => {
    countRoundTrips();
    server = await startTestServer({
      // Nothing in the background while counting: no worker polls, no resync, no simulator callback.
      WEBHOOK_POLL_INTERVAL_MS: '60000',
      RECONCILE_INTERVAL_MS: '60000',
      REALTIME_RESYNC_INTERVAL: '1h',
      STREAM_RECHECK_INTERVAL: '1h',
      RATE_LIMIT_MAX: '1000000',
    });
    merchant = merchantClient(server.url, await createProject(server.url, server.adminToken));
  });
  afterAll(() => server?.close());

  const initiate = async (reference: string) => {
    // 0700000005: the simulator never calls back, so nothing lands while counting.
    const answer = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000005', accountReference: reference }),
    });
    expect(answer.status).toBe(201);
    return answer.data.transaction as { id: string; checkoutRequestId: string };
  };

  it('when payments are read one at a time with signed requests, then each read costs at most 2', async () => {
    const payment = await initiate('READ');
    await merchant({ method: 'GET', path: `/api/v1/transactions/${payment.id}` });
    const trips = await tripsOf(SEQUENTIAL, async () => {
      for (let i = 0; i < SEQUENTIAL; i += 1) {
        const answer = await merchant({ method: 'GET', path: `/api/v1/transactions/${payment.id}` });
        expect(answer.status).toBe(200);
      }
    });
    expect(atMost(trips, 2)).toBe('within');
  });

  it('when payments are initiated one at a time with signed requests, then each costs at most 5', async () => {
    await initiate('WARM');
    const trips = await tripsOf(SEQUENTIAL, async () => {
      for (let i = 0; i < SEQUENTIAL; i += 1) await initiate(`SEQ${i}`);
    });
    expect(atMost(trips, 5)).toBe('within');
  });

  it(`when ${CALLBACKS} callbacks arrive over ${CONNECTIONS} connections, then each costs at most 1.5`, async () => {
    const payments: Array<{ id: string; checkoutRequestId: string }> = [];
    for (let i = 0; i < CALLBACKS; i += 10)
      payments.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => initiate(`CB${i + j}`)))));
    let next = 0;
    const trips = await tripsOf(CALLBACKS, async () => {
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < payments.length) {
            const index = next++;
            const payment = payments[index]!;
            const answer = await postCallback(
              server.url,
              server.callbackPath(payment.id),
              successCallback(payment.checkoutRequestId, 10, `UKM${String(index).padStart(7, '0')}`),
            );
            expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
          }
        }),
      );
    });
    expect(atMost(trips, 1.5)).toBe('within');
  }, 120_000);
});
