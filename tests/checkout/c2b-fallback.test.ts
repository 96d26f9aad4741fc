// "Pay PayBill 600315, account PAY-1 instead": where a link's PayBill account has C2B switched
// on, the hosted page's session offers the PayBill and the checkout's reference, and a payment
// from the M-Pesa menu with that reference settles the checkout (the C2B receiver matches the
// bill reference to the open attempt). Through the service's own simulator, SQLite or PostgreSQL.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { accountBody, keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { createLink, customer, paid, PHONES, sessionReaches, type Customer } from './checkout-helpers';

let server: TestServer;
let merchant: MerchantRequest;
let shopper: Customer;
const SHORTCODE = '600315';
let accountId = '';
let app: { consumerKey: string; consumerSecret: string };

beforeAll(async () => {
  server = await startTestServer();
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Duka' },
    { headers: adminHeaders(server) },
  );
  merchant = merchantClient(server.url, keysOf(created.data, 'test'));
  const body = accountBody({ shortcode: SHORTCODE });
  app = { consumerKey: body.consumerKey, consumerSecret: body.consumerSecret };
  const account = await merchant({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
  expect(account.status).toBe(201);
  accountId = account.data.account.id;
  shopper = customer(server.url);
});
afterAll(() => server.close());

describe('the C2B fallback of the hosted page', () => {
  it('when the PayBill has no C2B, then the page offers none', async () => {
    const link = await createLink(merchant, { title: 'No C2B', amount: 40, account: accountId });
    const pay = paid(await shopper.payLink(link.slug, { phone: PHONES.silent }));
    expect(pay.session.payInstead).toBeNull();
  });

  it('when C2B is on, then the page offers the PayBill and the reference, and paying there settles the checkout', async () => {
    const on = await merchant({
      method: 'POST',
      path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
      body: { version: 'v2' },
    });
    expect(on.status).toBeLessThan(300);
    const link = await createLink(merchant, {
      title: 'Rent',
      amount: 40,
      account: accountId,
      referenceTemplate: 'RENT-{n}',
    });
    const pay = paid(await shopper.payLink(link.slug, { phone: PHONES.silent }));
    expect(pay.session.payInstead).toEqual({ payBill: SHORTCODE, accountNumber: 'RENT-1' });

    const paidThere = await axios.post(`${server.url}/simulator/__simulator/c2b/payments`, {
      shortCode: SHORTCODE,
      msisdn: '254712345678',
      consumerKey: app.consumerKey,
      amount: 40,
      billRefNumber: 'RENT-1',
    });
    expect(paidThere.status).toBe(200);
    const session = await sessionReaches(shopper, pay, 'paid');
    expect(session.payment!.transaction.mpesaReceiptNumber).toBe(paidThere.data.transId);
  });
});
