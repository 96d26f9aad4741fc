// Walk-in (C2B) payments count where every payment counts (issue 19 item 2): the stats of the
// window (statuses, amount collected, and how many the customer started, without pulling the
// prompt's timing down), the CSV export (with their origin), and a payment's history (the
// confirmation as Safaricom sent it, phone masked).
import { startTestServer, type TestServer } from '../helpers/server';
import {
  c2bBody,
  c2bShop,
  newReceipt,
  postC2b,
  startC2bDaraja,
  type C2bDaraja,
  type C2bShop,
} from '../helpers/c2b';
import { initiateBody } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';

let server: TestServer;
let daraja: C2bDaraja;
let shop: C2bShop;
const receipts = [newReceipt(), newReceipt()];
let stkId: string;
const since = new Date(Date.now() - 1000).toISOString();

beforeAll(async () => {
  daraja = await startC2bDaraja(['601100']);
  server = await startTestServer({ MPESA_SANDBOX_BASE_URL: daraja.url });
  shop = await c2bShop(server, daraja, { shortcode: '601100' });
  await postC2b(
    shop.confirmationUrl,
    c2bBody({ TransID: receipts[0], TransAmount: '120.00', MSISDN: '254712345678' }),
  );
  await postC2b(shop.confirmationUrl, c2bBody({ TransID: receipts[1], TransAmount: '30' }));
  const started = await shop.merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ amount: 50, account: shop.accountId }),
  });
  stkId = started.data.transaction.id;
  // Settled 1.5 s after its prompt: the walk-ins' zero must not pull this down.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await postCallback(
    server.url,
    server.callbackPath(stkId),
    successCallback(started.data.transaction.checkoutRequestId, 50, newReceipt()),
  );
});
afterAll(async () => {
  await server.close();
  await daraja.close();
});

describe('GET /api/v1/stats with walk-in payments', () => {
  it('then they are counted and collected, named as received by C2B, and left out of the prompt timing', async () => {
    const stats = await shop.merchant({ method: 'GET', path: `/api/v1/stats?from=${since}` });
    expect(stats.status).toBe(200);
    expect(stats.data).toMatchObject({
      payments: { total: 3, completed: 3 },
      amountCollected: 200,
      receivedByC2b: 2,
    });
    expect(stats.data.promptToPayment.averageMs).toBeGreaterThanOrEqual(1400);
  });
});

describe('GET /api/v1/transactions/export with walk-in payments', () => {
  it('then every payment is a row, with its origin', async () => {
    const csv = await shop.merchant({ method: 'GET', path: '/api/v1/transactions/export' });
    expect(csv.status).toBe(200);
    const lines = String(csv.data).trim().split('\r\n');
    expect(lines[0]!.split(',').at(-1)).toBe('origin');
    expect(lines).toHaveLength(4);
    for (const receipt of receipts) {
      const row = lines.find((line) => line.includes(receipt))!;
      expect(row.split(',').at(-1)).toBe('c2b');
    }
    expect(
      lines
        .find((line) => line.startsWith(stkId))!
        .split(',')
        .at(-1),
    ).toBe('stk_push');
  });
});

describe('GET /api/v1/transactions/:id/history of a walk-in payment', () => {
  it('then it shows its birth by C2B and the confirmation as Safaricom sent it, the phone masked', async () => {
    const page = await shop.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipts[0]}` });
    const id = page.data.data[0].id as string;
    const history = await shop.merchant({ method: 'GET', path: `/api/v1/transactions/${id}/history` });
    expect(history.data.statusChanges).toEqual([
      expect.objectContaining({ fromStatus: null, toStatus: 'completed', source: 'c2b' }),
    ]);
    expect(history.data.callbacks).toEqual([expect.objectContaining({ outcome: 'received' })]);
    const body = history.data.callbacks[0].body as string;
    expect(body).toContain(receipts[0]);
    expect(body).not.toContain('254712345678');
    expect(body).toContain('254712***678');
  });
});
