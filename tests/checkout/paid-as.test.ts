// A checkout whose payment request is "paid as" another payment (docs/c2b.md "One receipt, one
// payment"): the customer paid from the M-Pesa menu with a bill reference that named no open
// request (a walk-in payment), and then the STK callback of the checkout's request reported the
// same receipt. The request is linked, not completed; the checkout is paid all the same, on the
// merchant API, the public page and its realtime feed, and the link's use is spent. Through the
// service's own simulator and a real socket, SQLite or PostgreSQL.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { accountBody, keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { connectSubscriber } from '../helpers/realtime';
import { createLink, customer, paid, PHONES, type Customer } from './checkout-helpers';

let server: TestServer;
let merchant: MerchantRequest;
let shopper: Customer;
const SHORTCODE = '600316';
let accountId = '';
let app: { consumerKey: string; consumerSecret: string };

beforeAll(async () => {
  server = await startTestServer();
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Duka la pili' },
    { headers: adminHeaders(server) },
  );
  merchant = merchantClient(server.url, keysOf(created.data, 'test'));
  const body = accountBody({ shortcode: SHORTCODE });
  app = { consumerKey: body.consumerKey, consumerSecret: body.consumerSecret };
  const account = await merchant({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
  expect(account.status).toBe(201);
  accountId = account.data.account.id;
  const c2b = await merchant({
    method: 'POST',
    path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
    body: { version: 'v2' },
  });
  expect(c2b.status).toBeLessThan(300);
  shopper = customer(server.url);
});
afterAll(() => server.close());

/** A payment from the M-Pesa menu whose bill reference names no open request: a walk-in payment. Its receipt. */
async function walkInPayment(amount: number): Promise<string> {
  const answer = await axios.post(`${server.url}/simulator/__simulator/c2b/payments`, {
    shortCode: SHORTCODE,
    msisdn: '254712345678',
    consumerKey: app.consumerKey,
    amount,
    billRefNumber: 'NO-SUCH-ORDER',
  });
  expect(answer.status).toBe(200);
  return answer.data.transId as string;
}

const merchantGet = async (path: string) => {
  const answer = await merchant({ method: 'GET', path });
  expect(answer.status).toBe(200);
  return answer.data;
};

describe('a checkout whose payment request is linked to the walk-in payment holding its receipt', () => {
  it('when the STK callback brings a receipt a walk-in C2B payment already holds, then the session is paid everywhere, the request keeps its status, and a single-use link is used up', async () => {
    const link = await createLink(merchant, {
      title: 'Kikombe',
      amount: 60,
      account: accountId,
      maxUses: 1,
      referenceTemplate: 'KIK-{n}',
    });
    const pay = paid(await shopper.payLink(link.slug, { phone: PHONES.silent }));
    expect(pay.session.state).toBe('pending');
    const payment = pay.session.payment!;
    const browser = await connectSubscriber(server.url);
    try {
      expect((await browser.subscribe(payment.transaction.id, payment.clientSecret)).ok).toBe(true);

      const receipt = await walkInPayment(60);
      const [walkIn] = (await merchantGet(`/api/v1/transactions?receipt=${receipt}`)).data as Array<{
        id: string;
        origin: string;
        status: string;
      }>;
      expect(walkIn).toMatchObject({ origin: 'c2b', status: 'completed' });
      // The walk-in payment settled nothing of the checkout: it is still waiting for its prompt.
      expect((await shopper.session(pay.session.id, pay.sessionClientSecret)).data.session.state).toBe(
        'pending',
      );

      const { checkoutRequestId } = (await merchantGet(`/api/v1/transactions/${payment.transaction.id}`))
        .transaction;
      const callback = await postCallback(
        server.url,
        server.callbackPath(payment.transaction.id),
        successCallback(checkoutRequestId, 60, receipt),
      );
      expect(callback.status).toBe(200);

      // The request is linked, never completed: the money is the walk-in payment's.
      expect((await merchantGet(`/api/v1/transactions/${payment.transaction.id}`)).transaction).toMatchObject(
        { status: 'pending', paidAs: walkIn!.id, mpesaReceiptNumber: null },
      );
      // The event of the link brings the page to paid.
      const linked = await browser.waitFor((event) => event.paidElsewhere === true);
      expect(linked).toMatchObject({ id: payment.transaction.id, status: 'pending' });

      const merchantView = await merchantGet(`/api/v1/checkout-sessions/${pay.session.id}`);
      expect(merchantView).toMatchObject({
        state: 'paid',
        transactionIds: [payment.transaction.id],
        paidTransactionId: payment.transaction.id,
      });
      const page = await shopper.session(pay.session.id, pay.sessionClientSecret);
      expect(page.status).toBe(200);
      expect(page.data.session).toMatchObject({
        state: 'paid',
        payment: { transaction: { id: payment.transaction.id, status: 'pending', paidElsewhere: true } },
      });
      // A paid checkout takes no other prompt.
      const again = await shopper.paySession(pay.session.id, pay.sessionClientSecret, PHONES.pays);
      expect(again.data.error?.code).toBe('checkout_session_paid');
    } finally {
      browser.close();
    }

    const after = (await merchantGet(`/api/v1/payment-links/${link.id}`)).link;
    expect(after).toMatchObject({ state: 'used_up', uses: 1 });
    expect((await shopper.link(link.slug)).data.link.state).toBe('used_up');
    const another = await shopper.payLink(link.slug, { phone: PHONES.pays });
    expect(another.data.error?.code).toBe('payment_link_used_up');
  });
});
