// Supplier payments (B2B) end to end over real HTTP: the signed payouts API with a PayBill and
// account number or a till instead of a phone, the service's own simulator playing Daraja's
// Business Pay Bill / Buy Goods (`/mpesa/b2b/v1/paymentrequest`), its results posted back to the
// payout's tokenised ResultURL, the events that follow. One ledger with B2C: the same states,
// caps, approvals and audit. SQLite by default; PostgreSQL with TEST_DATABASE_URL.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { webhookReceivers } from '../helpers/webhook-receiver';
import { browserFor, createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { shortcodeForB2bOutcome } from '../../src/simulator/simulator.b2b-outcomes';
import { payoutProject, type PayoutProject } from '../helpers/payouts';

let server: TestServer;
const receivers = webhookReceivers();

beforeAll(async () => {
  server = await startTestServer({
    MPESA_TIMEOUT_MS: '1500',
    PAYOUT_RESULT_WAIT: '300ms',
    PAYOUT_STATUS_RETRY_SCHEDULE: '200ms,300ms,500ms,1s,2s',
    PAYOUT_RECOVERY_INTERVAL: '100ms',
  });
});
afterAll(async () => {
  await receivers.closeAll();
  await server.close();
});

const paybillBody = (overrides: Record<string, unknown> = {}) => ({
  paybill: '888880',
  accountNumber: 'INV-88',
  amount: 2500,
  remarks: 'Supplier invoice 88',
  ...overrides,
});
const tillBody = (overrides: Record<string, unknown> = {}) => ({
  till: '5123456',
  amount: 700,
  remarks: 'Stock top-up',
  ...overrides,
});

const create = (shop: PayoutProject, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  shop.merchant({ method: 'POST', path: '/api/v1/payouts', body, headers });

async function counters() {
  const response = await axios.get(`${server.url}/simulator/__simulator/stats`);
  return response.data as { b2bRequests: number; b2cRequests: number; transactionStatusQueries: number };
}

/** Reads the payout five times a second (under the project's rate limit on a slow machine) until it settles. */
async function settled(shop: PayoutProject, id: string, until = ['succeeded', 'failed']) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const read = await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}` });
    if (until.includes(read.data.payout?.status) || Date.now() > deadline) return read.data.payout;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const historyOf = async (shop: PayoutProject, id: string) =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}/history` })).data as {
    statusChanges: Array<{ toStatus: string; source: string }>;
    results: Array<{ kind: string; outcome: string }>;
  };

describe('POST /api/v1/payouts to a PayBill or till (B2B)', () => {
  it('when a PayBill is paid with an account number, then Daraja is asked once (BusinessPayBill), the payout succeeds with its receipt, and payout.succeeded is delivered signed', async () => {
    const shop = await payoutProject(server);
    const hooks = await receivers.start();
    const endpoint = await shop.merchant({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: hooks.url, eventTypes: ['payout.succeeded', 'payout.failed', 'payout.unknown'] },
    });
    expect(endpoint.status).toBe(201);
    const before = await counters();

    const created = await create(shop, paybillBody());
    expect(created.status).toBe(201);
    expect(created.data.payout).toMatchObject({
      status: 'submitted',
      channel: 'b2b_paybill',
      phone: null,
      paybill: '888880',
      accountNumber: 'INV-88',
      till: null,
      purpose: 'BusinessPayBill',
      amount: 2500,
      shortcode: shop.shortcode,
      approval: null,
    });
    // B2B takes no OriginatorConversationID: Daraja's answer gives one, kept to ask Transaction Status by.
    expect(created.data.payout.originatorConversationId).toMatch(/^\d{5}-\d{8}-1$/);
    expect(created.data.payout.conversationId).toMatch(/^AG_\d{8}_[0-9a-f]{20}$/);

    const payout = await settled(shop, created.data.payout.id);
    expect(payout).toMatchObject({ status: 'succeeded', reason: null });
    expect(payout.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
    expect(payout.receiverName).toContain('SIMULATED BUSINESS');
    const after = await counters();
    expect(after.b2bRequests - before.b2bRequests).toBe(1);
    expect(after.b2cRequests - before.b2cRequests).toBe(0);

    const delivered = [...(await hooks.waitForAccepted(1)).values()];
    const event = JSON.parse(delivered[0]!.body);
    expect(event).toMatchObject({
      type: 'payout.succeeded',
      data: { payout: { id: payout.id, channel: 'b2b_paybill', paybill: '888880', accountNumber: 'INV-88' } },
    });
    expect(delivered[0]!.headers['webhook-signature']).toMatch(/^v1,/);

    const history = await historyOf(shop, payout.id);
    expect(history.statusChanges.map((change) => change.toStatus)).toEqual([
      'requested',
      'submitted',
      'succeeded',
    ]);
    expect(history.results).toEqual([expect.objectContaining({ kind: 'result', outcome: 'applied' })]);

    const listed = await shop.merchant({ method: 'GET', path: '/api/v1/payouts?channel=b2b_paybill' });
    expect(listed.data.data.map((row: { id: string }) => row.id)).toEqual([payout.id]);
  });

  it('when a till is paid, then Daraja is asked with BusinessBuyGoods and the payout succeeds', async () => {
    const shop = await payoutProject(server);
    const created = await create(shop, tillBody());
    expect(created.status).toBe(201);
    expect(created.data.payout).toMatchObject({
      channel: 'b2b_till',
      till: '5123456',
      paybill: null,
      accountNumber: null,
      purpose: 'BusinessBuyGoods',
    });
    const payout = await settled(shop, created.data.payout.id);
    expect(payout.status).toBe('succeeded');
    expect(payout.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
  });

  it.each([
    ['supplier-insufficient-funds', '1', 'insufficient_balance'],
    ['supplier-invalid-receiver', '7', 'recipient_invalid'],
  ] as const)(
    'when the simulator plays %s, then the payout fails with result code %s as %s',
    async (outcome, code, reason) => {
      const shop = await payoutProject(server);
      const created = await create(shop, paybillBody({ paybill: shortcodeForB2bOutcome(outcome) }));
      expect(created.status).toBe(201);
      const payout = await settled(shop, created.data.payout.id);
      expect(payout.status).toBe('failed');
      expect(payout.reason).toMatchObject({ code: reason, resultCode: code });
      expect(payout.mpesaReceiptNumber).toBeNull();
    },
  );

  it("when the merchant's Working account holds less than the payment, then the simulator's balance model fails it with result code 1 (B2B pays from Working, not Utility)", async () => {
    const shop = await payoutProject(server);
    await axios.put(`${server.url}/simulator/__simulator/balances?shortcode=${shop.shortcode}`, {
      working: 100,
      utility: 1_000_000,
    });
    const big = await create(shop, tillBody({ amount: 500 }));
    expect((await settled(shop, big.data.payout.id)).reason).toMatchObject({
      code: 'insufficient_balance',
      resultCode: '1',
    });
    const small = await create(shop, tillBody({ amount: 100 }));
    expect((await settled(shop, small.data.payout.id)).status).toBe('succeeded');
  });

  it('when the result never comes, then the payout goes unknown and Transaction Status by the OriginatorConversationID Daraja gave settles it, without a second send', async () => {
    const shop = await payoutProject(server);
    const before = await counters();
    const created = await create(
      shop,
      paybillBody({ paybill: shortcodeForB2bOutcome('supplier-result-lost') }),
    );
    expect(created.data.payout.status).toBe('submitted');
    const payout = await settled(shop, created.data.payout.id);
    expect(payout.status).toBe('succeeded');
    expect(payout.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
    const after = await counters();
    expect(after.b2bRequests - before.b2bRequests).toBe(1);
    expect(after.transactionStatusQueries - before.transactionStatusQueries).toBeGreaterThanOrEqual(1);
    const history = await historyOf(shop, payout.id);
    expect(history.statusChanges.map((change) => change.toStatus)).toEqual([
      'requested',
      'submitted',
      'unknown',
      'succeeded',
    ]);
    expect(history.statusChanges.at(-1)!.source).toBe('status_query');
  });

  it("when Daraja's answer never comes, then there is no id to ask Transaction Status by: the payout waits, and the result reaching its own ResultURL settles it, never sent again", async () => {
    const shop = await payoutProject(server);
    const before = await counters();
    const created = await create(shop, tillBody({ till: shortcodeForB2bOutcome('supplier-answer-lost') }));
    expect(created.status).toBe(201);
    expect(['submitted', 'unknown', 'succeeded']).toContain(created.data.payout.status);
    const payout = await settled(shop, created.data.payout.id);
    expect(payout.status).toBe('succeeded');
    expect(payout.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
    // Learnt from the result, since the answer that carries it never came.
    expect(payout.originatorConversationId).toMatch(/^\d{5}-\d{8}-1$/);
    const after = await counters();
    expect(after.b2bRequests - before.b2bRequests).toBe(1);
    const history = await historyOf(shop, payout.id);
    expect(history.statusChanges.at(-1)).toMatchObject({ toStatus: 'succeeded', source: 'result' });
    for (const change of history.statusChanges.filter((c) => c.toStatus === 'unknown'))
      expect(change.source).toBe('answer_lost');
  });

  it('when M-Pesa reports a queue timeout, then the payout is unknown until Transaction Status says it was paid', async () => {
    const shop = await payoutProject(server);
    const created = await create(shop, tillBody({ till: shortcodeForB2bOutcome('supplier-queue-timeout') }));
    const payout = await settled(shop, created.data.payout.id);
    expect(payout.status).toBe('succeeded');
    const history = await historyOf(shop, payout.id);
    expect(history.statusChanges.map((change) => `${change.toStatus}:${change.source}`)).toEqual(
      expect.arrayContaining(['unknown:queue_timeout', 'succeeded:status_query']),
    );
  });

  it('when the same Idempotency-Key comes twice, then one supplier payment is made; with another body, 409 idempotency_key_reused', async () => {
    const shop = await payoutProject(server);
    const before = await counters();
    const headers = { 'Idempotency-Key': 'supplier-inv-88' };
    const [first, second] = await Promise.all([
      create(shop, paybillBody(), headers),
      create(shop, paybillBody(), headers),
    ]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.data.payout.id).toBe(first.data.payout.id);
    const later = await create(shop, paybillBody(), headers);
    expect(later.data.payout.id).toBe(first.data.payout.id);
    const other = await create(shop, paybillBody({ accountNumber: 'INV-89' }), headers);
    expect(other.status).toBe(409);
    expect(other.data.error.code).toBe('idempotency_key_reused');
    await settled(shop, first.data.payout.id);
    expect((await counters()).b2bRequests - before.b2bRequests).toBe(1);
  });

  it('when the recipient is missing, doubled, or a PayBill has no account number, then 400 validation_failed names the field and nothing is sent', async () => {
    const shop = await payoutProject(server);
    const before = await counters();
    for (const [body, field] of [
      [{ amount: 500 }, 'phone'],
      [paybillBody({ till: '5123456' }), 'till'],
      [paybillBody({ accountNumber: undefined }), 'accountNumber'],
      [tillBody({ accountNumber: 'X1' }), 'accountNumber'],
      [tillBody({ purpose: 'SalaryPayment' }), 'purpose'],
      [paybillBody({ paybill: '12' }), 'paybill'],
      [paybillBody({ accountNumber: 'FOURTEEN-CHARS' }), 'accountNumber'],
    ] as const) {
      const response = await create(shop, JSON.parse(JSON.stringify(body)));
      expect(response.status).toBe(400);
      expect(response.data.error.code).toBe('validation_failed');
      expect(response.data.error.details.fields[0].field).toBe(field);
    }
    expect((await counters()).b2bRequests).toBe(before.b2bRequests);
  });
});

describe('Supplier payments under the payout safety settings', () => {
  it('when a PayBill payment is over the per-payout cap or the day, then 422 payout_cap_exceeded, audited, nothing sent', async () => {
    const shop = await payoutProject(server, { perPayoutMax: 1000, dailyMax: 1500 });
    const before = await counters();
    const over = await create(shop, paybillBody({ amount: 1001 }));
    expect(over.status).toBe(422);
    expect(over.data.error).toMatchObject({ code: 'payout_cap_exceeded', details: { cap: 'per_payout' } });
    expect((await create(shop, tillBody({ amount: 1000 }))).status).toBe(201);
    const day = await create(shop, paybillBody({ amount: 600 }));
    expect(day.status).toBe(422);
    expect(day.data.error.details.cap).toBe('daily');
    expect((await counters()).b2bRequests - before.b2bRequests).toBe(1);
    const audit = await shop.merchant({ method: 'GET', path: '/api/v1/payouts/audit' });
    expect(
      audit.data.data.filter((entry: { code: string | null }) => entry.code === 'payout_cap_exceeded'),
    ).toHaveLength(2);
  });

  it('when the policy wants approval, then the supplier payment waits, its requester cannot approve it, and another dashboard user approves and sends it once', async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    const users = [];
    for (const name of ['clerk', 'owner']) {
      const email = `${name}-${Date.now()}@supplier.example`;
      expect(
        (
          await createDashboardUser(server, {
            email,
            password: PASSWORD,
            role: 'member',
            projectIds: [shop.projectId],
          })
        ).status,
      ).toBe(201);
      users.push(await browserFor(server.url, email));
    }
    const [clerk, owner] = users as [
      Awaited<ReturnType<typeof browserFor>>,
      Awaited<ReturnType<typeof browserFor>>,
    ];
    const before = await counters();
    const asked = await clerk.request({
      method: 'POST',
      path: '/api/v1/payouts',
      body: paybillBody(),
      project: shop.projectId,
      mode: 'test',
    });
    expect(asked.status).toBe(201);
    expect(asked.data.payout).toMatchObject({ status: 'awaiting_approval', channel: 'b2b_paybill' });
    const path = `/api/v1/payouts/${asked.data.payout.id}/approve`;
    const self = await clerk.request({
      method: 'POST',
      path,
      body: {},
      project: shop.projectId,
      mode: 'test',
    });
    expect(self.status).toBe(403);
    expect(self.data.error.code).toBe('payout_approval_forbidden');
    expect((await counters()).b2bRequests).toBe(before.b2bRequests);

    const approved = await owner.request({
      method: 'POST',
      path,
      body: { note: 'Invoice 88 checked' },
      project: shop.projectId,
      mode: 'test',
    });
    expect(approved.status).toBe(200);
    expect(approved.data.payout).toMatchObject({ status: 'submitted', approval: { decision: 'approved' } });
    expect((await settled(shop, asked.data.payout.id)).status).toBe('succeeded');
    expect((await counters()).b2bRequests - before.b2bRequests).toBe(1);
  });
});
