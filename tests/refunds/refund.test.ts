// Refunds by reversal end to end over real HTTP (issue 20 item 5): the signed API on the payment,
// the approval of a second dashboard user, the service's own simulator playing Daraja's Reversal
// and Transaction Status, the Result posted back to the tokenised ResultURL, and the payment
// moving completed -> reversed with `transaction.reversed` signed to a webhook and live on the
// project stream. SQLite by default; PostgreSQL with TEST_DATABASE_URL.
import { startTestServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/realtime';
import { webhookReceivers } from '../helpers/webhook-receiver';
import { connectProjectStream } from '../helpers/project-stream';
import { INITIATOR_PASSWORD } from '../helpers/payouts';
import { completedPaymentRow } from '../helpers/rows';
import {
  dashboardUserOf,
  paidByC2b,
  paidByStk,
  refundShop,
  reversalRequests,
  reverseBehindTheService,
  type RefundShop,
} from '../helpers/refunds';

let server: TestServer;
const receivers = webhookReceivers();
const logLines: string[] = [];

beforeAll(async () => {
  server = await startTestServer(
    {
      PAYOUT_RESULT_WAIT: '500ms',
      PAYOUT_STATUS_RETRY_SCHEDULE: '200ms,300ms,500ms,1s',
      PAYOUT_RECOVERY_INTERVAL: '100ms',
      MPESA_TIMEOUT_MS: '1500',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    },
    { logLines },
  );
});
afterAll(async () => {
  if (process.env.DEBUG_REFUNDS)
    console.log(
      logLines
        .filter((l) => l.includes('"error"'))
        .join('\n')
        .slice(0, 3000),
    );
  await receivers.closeAll();
  await server.close();
});

const refund = (
  shop: RefundShop,
  paymentId: string,
  body: Record<string, unknown> = { remarks: 'Returned goods' },
) => shop.merchant({ method: 'POST', path: `/api/v1/transactions/${paymentId}/refund`, body });

async function approved(shop: RefundShop, refundId: string) {
  const approver = await dashboardUserOf(server, shop);
  const answer = await approver.request({
    method: 'POST',
    path: `/api/v1/refunds/${refundId}/approve`,
    body: { note: 'Goods came back' },
    project: shop.projectId,
    mode: 'test',
  });
  expect(answer.status).toBe(200);
  return answer.data.refund;
}

async function settled(shop: RefundShop, id: string) {
  const read = await eventually(
    () => shop.merchant({ method: 'GET', path: `/api/v1/refunds/${id}` }),
    (response) => ['succeeded', 'failed'].includes(response.data.refund?.status),
    15_000,
  );
  return read.data.refund;
}

const paymentOf = async (shop: RefundShop, id: string) =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction ??
  (await shop.merchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data;

describe('POST /api/v1/transactions/{id}/refund', () => {
  it('when an STK payment is refunded and a second user approves, then it is reversed once with the reversal receipt, transaction.reversed is delivered signed and live, and a second refund is refused', async () => {
    const shop = await refundShop(server);
    const payment = await paidByStk(shop, 250);
    const hooks = await receivers.start();
    const endpoint = await shop.merchant({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: hooks.url, eventTypes: ['transaction.reversed'] },
    });
    expect(endpoint.status).toBe(201);
    const stream = await connectProjectStream(server.url, shop.keys);
    const before = await reversalRequests(server.url);

    const asked = await refund(shop, payment.id);
    expect(asked.status).toBe(201);
    expect(asked.data.refund).toMatchObject({
      status: 'awaiting_approval',
      amount: 250,
      receipt: payment.mpesaReceiptNumber,
      transactionId: payment.id,
      requestedBy: `key:${shop.keys.publicKey}`,
    });
    // Nothing reaches Daraja before the approval.
    expect(await reversalRequests(server.url)).toBe(before);

    const sent = await approved(shop, asked.data.refund.id);
    expect(sent).toMatchObject({ status: 'submitted', decidedBy: expect.stringMatching(/^user:usr_/) });
    const done = await settled(shop, sent.id);
    expect(done).toMatchObject({ status: 'succeeded', reason: null });
    expect(done.reversalReceipt).toMatch(/^[A-Z0-9]{10}$/);
    expect(await reversalRequests(server.url)).toBe(before + 1);

    const reversed = await paymentOf(shop, payment.id);
    expect(reversed).toMatchObject({
      status: 'reversed',
      mpesaReceiptNumber: payment.mpesaReceiptNumber,
      reversal: { receipt: done.reversalReceipt },
    });
    const delivered = [...(await hooks.waitForAccepted(1)).values()];
    const event = JSON.parse(delivered[0]!.body);
    expect(event).toMatchObject({
      type: 'transaction.reversed',
      data: { transaction: { id: payment.id, status: 'reversed' } },
    });
    expect(delivered[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    const live = await stream.waitFor(
      (message) => message.kind === 'event' && message.body.type === 'transaction.reversed',
      'transaction.reversed on the stream',
    );
    expect(JSON.parse(live.body.payload as string)).toEqual(event);
    stream.close();

    const history = await shop.merchant({
      method: 'GET',
      path: `/api/v1/transactions/${payment.id}/history`,
    });
    expect(history.data.statusChanges.at(-1)).toMatchObject({
      fromStatus: 'completed',
      toStatus: 'reversed',
    });

    const again = await refund(shop, payment.id);
    expect(again.status).toBe(409);
    expect(again.data.error).toMatchObject({
      code: 'payment_not_refundable',
      details: { reason: 'already_reversed' },
    });
  });

  it('when a C2B payment is refunded, then it is reversed end to end', async () => {
    const shop = await refundShop(server);
    const payment = await paidByC2b(server, shop, 75);
    const asked = await refund(shop, payment.id);
    expect(asked.status).toBe(201);
    await approved(shop, asked.data.refund.id);
    const done = await settled(shop, asked.data.refund.id);
    expect(done).toMatchObject({ status: 'succeeded', amount: 75 });
    expect((await paymentOf(shop, payment.id)).status).toBe('reversed');
  });

  it('when M-Pesa already reversed the payment (on the portal), then the refund fails with R000001 explained and the payment may be looked at', async () => {
    const shop = await refundShop(server);
    const payment = await paidByStk(shop, 120);
    await reverseBehindTheService(server, shop, payment.mpesaReceiptNumber, 120);
    const asked = await refund(shop, payment.id);
    await approved(shop, asked.data.refund.id);
    const done = await settled(shop, asked.data.refund.id);
    expect(done).toMatchObject({
      status: 'failed',
      reason: { code: 'already_reversed', resultCode: 'R000001' },
    });
    expect(done.reason.message).toMatch(/already reversed/);
    // A failed refund moves no money: the payment may be asked about again.
    expect((await refund(shop, payment.id)).status).toBe(201);
  });

  it('when M-Pesa knows no such receipt, then the refund fails with R000002 explained', async () => {
    const shop = await refundShop(server);
    const row = completedPaymentRow(shop.projectId, new Date(), {
      accountId: shop.accountId,
      shortcode: shop.shortcode,
      amount: 40,
      mpesaReceiptNumber: 'UA11ZZZZZV',
    });
    await server.database().run(server.database().qb.insertInto('Transaction').values(row));
    const asked = await refund(shop, row.id);
    expect(asked.status).toBe(201);
    await approved(shop, asked.data.refund.id);
    const done = await settled(shop, asked.data.refund.id);
    expect(done).toMatchObject({
      status: 'failed',
      reason: { code: 'receipt_unknown', resultCode: 'R000002' },
    });
    expect((await paymentOf(shop, row.id)).status).toBe('completed');
  });

  it('when a B2C payout is named, then 422 payout_not_reversible says why and nothing reaches Daraja', async () => {
    const shop = await refundShop(server);
    const before = await reversalRequests(server.url);
    const answer = await refund(shop, 'po_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1');
    expect(answer.status).toBe(422);
    expect(answer.data.error.code).toBe('payout_not_reversible');
    expect(answer.data.error.message).toMatch(/cannot be reversed/);
    expect(await reversalRequests(server.url)).toBe(before);
  });

  it('when payouts are off for the project, then 403 payouts_disabled and nothing is stored', async () => {
    const shop = await refundShop(server, false);
    const payment = await paidByStk(shop, 30);
    const answer = await refund(shop, payment.id);
    expect(answer.status).toBe(403);
    expect(answer.data.error.code).toBe('payouts_disabled');
  });

  it('when the user who asked for the refund approves it, then 403 refund_approval_forbidden and nothing is sent', async () => {
    const shop = await refundShop(server);
    const payment = await paidByStk(shop, 60);
    const requester = await dashboardUserOf(server, shop);
    const asked = await requester.request({
      method: 'POST',
      path: `/api/v1/transactions/${payment.id}/refund`,
      body: {},
      project: shop.projectId,
      mode: 'test',
    });
    expect(asked.status).toBe(201);
    expect(asked.data.refund.requestedBy).toMatch(/^user:/);
    const before = await reversalRequests(server.url);
    const self = await requester.request({
      method: 'POST',
      path: `/api/v1/refunds/${asked.data.refund.id}/approve`,
      body: {},
      project: shop.projectId,
      mode: 'test',
    });
    expect(self.status).toBe(403);
    expect(self.data.error).toMatchObject({
      code: 'refund_approval_forbidden',
      details: { reason: 'requester' },
    });
    expect(await reversalRequests(server.url)).toBe(before);
    const byKey = await shop.merchant({
      method: 'POST',
      path: `/api/v1/refunds/${asked.data.refund.id}/approve`,
      body: {},
    });
    expect(byKey.status).toBe(401);
  });

  it("when Daraja's answer to the reversal is lost, then the refund is unknown, Transaction Status on the receipt settles it, and it is never sent again", async () => {
    const shop = await refundShop(server);
    const payment = await paidByStk(shop, 90);
    await fetch(`${server.url}/simulator/__simulator/reversals/next?shortcode=${shop.shortcode}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ answer: 'never', result: 'lost' }),
    });
    const asked = await refund(shop, payment.id);
    const before = await reversalRequests(server.url);
    const sent = await approved(shop, asked.data.refund.id);
    expect(sent).toMatchObject({ status: 'unknown', reason: { code: 'answer_lost' } });
    const done = await settled(shop, sent.id);
    expect(done.status).toBe('succeeded');
    expect(await reversalRequests(server.url)).toBe(before + 1);
    expect((await paymentOf(shop, payment.id)).status).toBe('reversed');
  });

  it('then no log line or answer holds the initiator password or a SecurityCredential', () => {
    const all = logLines.join('\n');
    expect(all).not.toContain(INITIATOR_PASSWORD);
    expect(all).not.toMatch(/[A-Za-z0-9+/]{300,}={0,2}/);
  });
});
