// Payouts end to end over real HTTP: the signed API, the service's own simulator playing Daraja's
// B2C (v3), its results posted back to the tokenised ResultURL, the events that follow. Each
// documented result code becomes its clear reason. SQLite by default; PostgreSQL with
// TEST_DATABASE_URL.
import { startTestServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/realtime';
import { webhookReceivers } from '../helpers/webhook-receiver';
import { connectProjectStream } from '../helpers/project-stream';
import { phoneForB2cOutcome, type B2cOutcomeName } from '../../src/simulator/simulator.b2c-outcomes';
import {
  payoutBody,
  payoutProject,
  setSimulatorBalance,
  simulatorStats,
  type PayoutProject,
} from '../helpers/payouts';

let server: TestServer;
const receivers = webhookReceivers();

beforeAll(async () => {
  server = await startTestServer({
    PAYOUT_RESULT_WAIT: '500ms',
    PAYOUT_STATUS_RETRY_SCHEDULE: '200ms,300ms,500ms,1s',
  });
});
afterAll(async () => {
  await receivers.closeAll();
  await server.close();
});

async function settled(shop: PayoutProject, id: string, until = ['succeeded', 'failed']) {
  const response = await eventually(
    () => shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}` }),
    (read) => until.includes(read.data.payout?.status),
    10_000,
  );
  return response.data.payout;
}

describe('POST /api/v1/payouts', () => {
  it('when a payout is made to a registered phone, then it is submitted once, succeeds with its receipt, and payout.succeeded is delivered signed and live on the project stream', async () => {
    const shop = await payoutProject(server);
    const stream = await connectProjectStream(server.url, shop.keys);
    const hooks = await receivers.start();
    const endpoint = await shop.merchant({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: hooks.url, eventTypes: ['payout.succeeded', 'payout.failed', 'payout.unknown'] },
    });
    expect(endpoint.status).toBe(201);
    const before = await simulatorStats(server.url);

    const created = await shop.merchant({ method: 'POST', path: '/api/v1/payouts', body: payoutBody() });
    expect(created.status).toBe(201);
    expect(created.data.payout).toMatchObject({
      status: 'submitted',
      amount: 1500,
      phone: '254708374149',
      purpose: 'BusinessPayment',
      shortcode: shop.shortcode,
      requestedBy: `key:${shop.publicKey}`,
      approval: null,
    });
    expect(created.data.payout.conversationId).toMatch(/^AG_\d{8}_[0-9a-f]{20}$/);

    const payout = await settled(shop, created.data.payout.id);
    expect(payout).toMatchObject({ status: 'succeeded', reason: null });
    expect(payout.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
    expect(payout.receiverName).toContain('SIMULATED CUSTOMER');
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(1);

    const delivered = [...(await hooks.waitForAccepted(1)).values()];
    const event = JSON.parse(delivered[0]!.body);
    expect(event).toMatchObject({
      type: 'payout.succeeded',
      data: { payout: { id: payout.id, status: 'succeeded' } },
    });
    expect(delivered[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    const live = await stream.waitFor(
      (message) => message.kind === 'event' && message.body.type === 'payout.succeeded',
      'payout.succeeded on the stream',
    );
    expect(JSON.parse(live.body.payload as string)).toEqual(event);
    stream.close();

    const history = await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${payout.id}/history` });
    expect(history.data.statusChanges.map((change: { toStatus: string }) => change.toStatus)).toEqual([
      'requested',
      'submitted',
      'succeeded',
    ]);
    expect(history.data.results).toEqual([expect.objectContaining({ kind: 'result', outcome: 'applied' })]);
  });

  const failures: Array<[B2cOutcomeName, string, string]> = [
    ['payout-insufficient-balance', '1', 'insufficient_balance'],
    ['payout-unregistered', '2040', 'recipient_unregistered'],
    ['payout-unknown-number', 'SFC_IC0003', 'recipient_unknown'],
    ['payout-shortcode-inactive', '11', 'shortcode_inactive'],
    ['payout-initiator-not-allowed', '21', 'initiator_not_permitted'],
    ['payout-initiator-invalid', '2001', 'initiator_invalid'],
    ['payout-credential-locked', '8006', 'initiator_locked'],
  ];
  it.each(failures)(
    'when the simulator answers %s, then the payout fails with result code %s as the reason %s',
    async (outcome, resultCode, reason) => {
      const shop = await payoutProject(server);
      const created = await shop.merchant({
        method: 'POST',
        path: '/api/v1/payouts',
        body: payoutBody({ phone: phoneForB2cOutcome(outcome) }),
      });
      expect(created.status).toBe(201);
      const payout = await settled(shop, created.data.payout.id);
      expect(payout.status).toBe('failed');
      expect(payout.reason).toMatchObject({ code: reason, resultCode });
      expect(payout.reason.message.length).toBeGreaterThan(10);
      // A failure's TransactionID is a placeholder, never a receipt.
      expect(payout.mpesaReceiptNumber).toBeNull();
    },
  );

  it("when the shortcode's Utility account holds less than the payout, then the simulator's balance model fails it with result code 1", async () => {
    const shop = await payoutProject(server);
    await setSimulatorBalance(server.url, shop.shortcode, 100);
    const created = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ amount: 500 }),
    });
    const payout = await settled(shop, created.data.payout.id);
    expect(payout.reason).toMatchObject({ code: 'insufficient_balance', resultCode: '1' });
    const paid = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ amount: 100 }),
    });
    expect((await settled(shop, paid.data.payout.id)).status).toBe('succeeded');
  });

  it('when the result arrives with ResultCode and ResultType as strings and one ResultParameter object, then the payout succeeds with its receipt', async () => {
    const shop = await payoutProject(server);
    const created = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ phone: phoneForB2cOutcome('payout-result-drift') }),
    });
    const payout = await settled(shop, created.data.payout.id);
    expect(payout.status).toBe('succeeded');
    expect(payout.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
  });

  it('when the result is posted twice, then the payout succeeds once and one payout.succeeded is recorded', async () => {
    const shop = await payoutProject(server);
    const created = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ phone: phoneForB2cOutcome('payout-result-twice') }),
    });
    const id = created.data.payout.id;
    await settled(shop, id);
    const history = await eventually(
      () => shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}/history` }),
      (read) => read.data.results.length === 2,
    );
    expect(history.data.results.map((result: { outcome: string }) => result.outcome).sort()).toEqual([
      'applied',
      'duplicate',
    ]);
    const events = await shop.merchant({ method: 'GET', path: '/api/v1/events?type=payout.succeeded' });
    expect(
      events.data.data.filter((event: { data: { payout: { id: string } } }) => event.data.payout.id === id),
    ).toHaveLength(1);
  });
});
