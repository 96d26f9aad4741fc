// GET /api/v1/transactions/search: the dashboard's one search box. The text is tried as a
// receipt (any case), a phone (any form), an account reference, an id and a CheckoutRequestID,
// each an exact lookup in the key's project and mode; another project's payments never match.
import { createProject, initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let shop: MerchantRequest;
let other: MerchantRequest;
let paid: { id: string; checkoutRequestId: string; mpesaReceiptNumber: string; phone: string };
let byPhone: { id: string };

const search = (client: MerchantRequest, q: string) =>
  client({ method: 'GET', path: `/api/v1/transactions/search?q=${encodeURIComponent(q)}` });
const ids = (answer: { data: { data: Array<{ id: string }> } }) => answer.data.data.map((row) => row.id);

beforeAll(async () => {
  server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '50' });
  shop = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Search shop'));
  other = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Other shop'));
  const started = await shop({
    method: 'POST',
    path: '/api/v1/test-payments',
    body: { outcome: 'paid', accountReference: 'ORD-77' },
  });
  expect(started.status).toBe(201);
  paid = (
    await eventually(
      () => shop({ method: 'GET', path: `/api/v1/transactions/${started.data.transaction.id}` }),
      (answer) => answer.data.transaction.status === 'completed',
    )
  ).data.transaction;
  // 0700000005: the simulator never calls back; the payment stays pending with its phone.
  byPhone = (
    await shop({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000005', accountReference: 'ORD-78' }),
    })
  ).data.transaction;
  await other({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone: '0700000005', accountReference: 'ORD-78' }),
  });
});
afterAll(() => server.close());

describe('GET /api/v1/transactions/search', () => {
  it('when given the receipt in lower case, then it finds that payment as a receipt', async () => {
    const answer = await search(shop, paid.mpesaReceiptNumber.toLowerCase());
    expect(answer.status).toBe(200);
    expect(ids(answer)).toEqual([paid.id]);
    expect(answer.data.matchedAs).toEqual(['receipt']);
  });

  it.each(['0700000005', '+254 700 000 005', '254700000005', '700-000-005'])(
    'when given the phone as %s, then it finds the project’s payment from it and not another project’s',
    async (phone) => {
      const answer = await search(shop, phone);
      expect(ids(answer)).toEqual([byPhone.id]);
      expect(answer.data.matchedAs).toContain('phone');
    },
  );

  it('when given an account reference, an id or a CheckoutRequestID, then each finds its payment', async () => {
    expect(ids(await search(shop, 'ORD-77'))).toEqual([paid.id]);
    expect(ids(await search(shop, paid.id))).toEqual([paid.id]);
    const byCheckout = await search(shop, paid.checkoutRequestId);
    expect(ids(byCheckout)).toEqual([paid.id]);
    expect(byCheckout.data.matchedAs).toEqual(['checkoutRequestId']);
  });

  it('when the text matches nothing, or another project’s payment, then the answer is empty', async () => {
    expect((await search(other, paid.mpesaReceiptNumber)).data).toEqual({ data: [], matchedAs: [] });
    expect((await search(shop, 'NOTHING-HERE')).data.data).toEqual([]);
  });

  it('when the text is empty, then it is validation_failed', async () => {
    const answer = await search(shop, '  ');
    expect(answer.status).toBe(400);
    expect(answer.data.error.code).toBe('validation_failed');
  });
});
