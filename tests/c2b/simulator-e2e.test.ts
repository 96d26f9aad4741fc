// C2B end to end through the service's own simulator (issue 19): a till merchant switches C2B
// on (the URLs registered with the simulator's Daraja, its product-version check included), a
// customer pays from the M-Pesa menu (the simulator's customer action), the simulator posts
// validation and confirmation to our URLs, and the payment appears on the ledger, as a signed
// webhook and on the project stream. Over real HTTP, SQLite or PostgreSQL.
import axios from 'axios';
import { Webhook } from 'standardwebhooks';
import { startTestServer, type TestServer } from '../helpers/server';
import { accountBody, keysOf } from '../helpers/accounts';
import { adminHeaders, expectError } from '../helpers/http-edges';
import { initiateBody, merchantClient, type MerchantRequest, type ProjectKeys } from '../helpers/merchant';
import { connectProjectStream } from '../helpers/project-stream';
import { webhookReceivers } from '../helpers/webhook-receiver';
import { eventually } from '../helpers/realtime';

const NO_CALLBACK_PHONE = '0700000005'; // the simulator never calls back for it

let server: TestServer;
const receivers = webhookReceivers();

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_POLL_INTERVAL_MS: '50' });
});
afterAll(async () => {
  await server.close();
  await receivers.closeAll();
});

interface Shop {
  merchant: MerchantRequest;
  keys: ProjectKeys;
  accountId: string;
  shortcode: string;
  app: { consumerKey: string; consumerSecret: string };
}

async function shopOnSimulator(shortcode: string, tillNumber?: string): Promise<Shop> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Duka' },
    { headers: adminHeaders(server) },
  );
  const keys = keysOf(created.data, 'test');
  const merchant = merchantClient(server.url, keys);
  const body = accountBody({ shortcode, ...(tillNumber ? { tillNumber } : {}) });
  const account = await merchant({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
  expect(account.status).toBe(201);
  return {
    merchant,
    keys,
    accountId: account.data.account.id,
    shortcode,
    app: { consumerKey: body.consumerKey, consumerSecret: body.consumerSecret },
  };
}

/** What the app's own token may change on the simulator (its C2B product, a shortcode's External Validation). */
async function simulatorAs(shop: Shop) {
  const basic = Buffer.from(`${shop.app.consumerKey}:${shop.app.consumerSecret}`).toString('base64');
  const oauth = await axios.get(`${server.url}/simulator/oauth/v1/generate?grant_type=client_credentials`, {
    headers: { Authorization: `Basic ${basic}` },
  });
  const headers = { Authorization: `Bearer ${oauth.data.access_token}` };
  return {
    productVersion: (version: 'v1' | 'v2') =>
      axios.put(`${server.url}/simulator/__simulator/c2b/settings`, { productVersion: version }, { headers }),
    shortcode: (settings: Record<string, unknown>) =>
      axios.put(`${server.url}/simulator/__simulator/c2b/shortcodes/${shop.shortcode}`, settings, {
        headers,
      }),
    settings: () => axios.get(`${server.url}/simulator/__simulator/c2b/settings`, { headers }),
  };
}

const enable = (shop: Shop, body: Record<string, unknown>) =>
  shop.merchant({ method: 'POST', path: `/api/v1/mpesa-accounts/${shop.accountId}/c2b`, body });

/** The customer pays from the M-Pesa menu; resolves with the simulator's record once M-Pesa is done. */
async function customerPays(shop: Shop, payment: Record<string, unknown>) {
  const answer = await axios.post(`${server.url}/simulator/__simulator/c2b/payments`, {
    shortCode: shop.shortcode,
    msisdn: '254712345678',
    consumerKey: shop.app.consumerKey,
    ...payment,
  });
  expect(answer.status).toBe(200);
  return answer.data as Record<string, any>;
}

const byReceipt = async (shop: Shop, receipt: string) =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` })).data
    .data as Array<Record<string, any>>;

describe('when CALLBACK_BASE_URL holds a word Daraja refuses in URLs', () => {
  it('then switching C2B on is refused as 422 c2b_url_refused, naming what to change, and doctor fails it', async () => {
    const refusing = await startTestServer({ CALLBACK_BASE_URL: 'http://127.0.0.1:9/mpesa-shop' });
    try {
      const created = await axios.post(
        `${refusing.url}/api/v1/projects`,
        { name: 'Named badly' },
        { headers: adminHeaders(refusing) },
      );
      const merchant = merchantClient(refusing.url, keysOf(created.data, 'test'));
      const account = await merchant({
        method: 'POST',
        path: '/api/v1/mpesa-accounts',
        body: accountBody({ shortcode: '600319' }),
      });
      const id = account.data.account.id as string;
      const refused = await merchant({
        method: 'POST',
        path: `/api/v1/mpesa-accounts/${id}/c2b`,
        body: { version: 'v2' },
      });
      const error = expectError(refused, 422, 'c2b_url_refused');
      expect(error.message).toMatch(/CALLBACK_BASE_URL/);
      expect(error.details).toMatchObject({ darajaMessage: expect.stringMatching(/URL has the word MPESA/) });
      const findings = (await merchant({ method: 'GET', path: '/api/v1/diagnostics' })).data
        .findings as Array<Record<string, string>>;
      expect(findings.find((finding) => finding.check === 'c2b')).toMatchObject({ status: 'fail' });
    } finally {
      await refusing.close();
    }
  });
});

describe('a till merchant from zero to a walk-in payment, through the simulator', () => {
  it('when C2B is switched on and a customer pays the till, then the payment is on the ledger, signed to the webhook and live on the stream', async () => {
    const shop = await shopOnSimulator('600310', '6003101');
    const receiver = await receivers.start();
    const endpoint = await shop.merchant({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: receiver.url },
    });
    const stream = await connectProjectStream(server.url, shop.keys);

    const on = await enable(shop, { version: 'v2' });
    expect(on.status).toBe(200);
    const registered = (await (await simulatorAs(shop)).settings()).data.shortCodes[shop.shortcode]
      .registration;
    expect(registered.confirmationUrl).toContain(`/api/v1/callbacks/c2b/${shop.accountId}/`);
    expect(registered.responseType).toBe('Completed');

    const paid = await customerPays(shop, {
      amount: 75,
      billRefNumber: '',
      commandId: 'CustomerBuyGoodsOnline',
    });
    expect(paid).toMatchObject({
      status: 'completed',
      confirmation: { sent: true, delivered: true, httpStatus: 200 },
    });

    const [payment] = await byReceipt(shop, paid.transId);
    expect(payment).toMatchObject({
      origin: 'c2b',
      status: 'completed',
      channel: 'till',
      amount: 75,
      amountPaid: 75,
      accountId: shop.accountId,
      c2b: { transactionType: 'Buy Goods', msisdnForm: 'masked', amountReported: '75.00' },
    });
    expect(payment!.paidAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);

    const delivered = await eventually(
      async () => [...receiver.accepted().values()],
      (hooks) => hooks.some((hook) => JSON.parse(hook.body).type === 'transaction.received'),
    );
    const hook = delivered.find((candidate) => JSON.parse(candidate.body).type === 'transaction.received')!;
    const verified = new Webhook(endpoint.data.secret).verify(hook.body, hook.headers) as Record<string, any>;
    expect(verified.data.transaction).toMatchObject({ id: payment!.id, mpesaReceiptNumber: paid.transId });
    await stream.waitFor(
      (message) => message.kind === 'event' && message.body.type === 'transaction.received',
      'transaction.received on the stream',
    );
    stream.close();
  });

  it('when the app has C2B v1 only, then v2 is refused as Daraja does and v1 registers; its confirmations carry the MSISDN hashed', async () => {
    const shop = await shopOnSimulator('600311');
    expect((await (await simulatorAs(shop)).productVersion('v1')).status).toBe(200);
    const refused = expectError(await enable(shop, { version: 'v2' }), 422, 'c2b_version_mismatch');
    expect(refused.details).toMatchObject({ darajaErrorCode: '401.003.01' });
    expect((await enable(shop, { version: 'v1' })).status).toBe(200);
    const paid = await customerPays(shop, { amount: 20, billRefNumber: 'ROOM 4' });
    const [payment] = await byReceipt(shop, paid.transId);
    expect(payment).toMatchObject({ accountReference: 'ROOM 4', c2b: { msisdnForm: 'hashed' } });
    expect(payment!.phone).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when validation is on, then the account rules decide: a refused bill reference cancels the payment (no payment here), an accepted one is paid', async () => {
    const shop = await shopOnSimulator('600312');
    expect((await (await simulatorAs(shop)).shortcode({ externalValidation: true })).status).toBe(200);
    await enable(shop, { version: 'v2', validation: { billReferences: ['HOUSE-1'] } });

    const refused = await customerPays(shop, { amount: 30, billRefNumber: 'HOUSE-9' });
    expect(refused).toMatchObject({
      status: 'cancelled',
      validation: { decision: 'rejected', resultCode: 'C2B00012' },
    });
    expect(await byReceipt(shop, refused.transId)).toEqual([]);

    const accepted = await customerPays(shop, { amount: 30, billRefNumber: 'house-1' });
    expect(accepted).toMatchObject({ status: 'completed', validation: { decision: 'accepted' } });
    const [payment] = await byReceipt(shop, accepted.transId);
    expect(payment!.c2b.thirdPartyTransId).toBe(accepted.validation.thirdPartyTransId);
    expect(payment!.c2b.thirdPartyTransId).toMatch(/^cbk_/);
  });

  it('when a prompt went unanswered and the customer pays the PayBill with its reference instead, then that request completes', async () => {
    const shop = await shopOnSimulator('600313');
    await enable(shop, { version: 'v2' });
    const started = await shop.merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({
        phone: NO_CALLBACK_PHONE,
        amount: 40,
        accountReference: 'FALL-1',
        account: shop.accountId,
      }),
    });
    expect(started.status).toBe(201);
    const paid = await customerPays(shop, { amount: 40, billRefNumber: 'FALL-1' });
    const request = (
      await shop.merchant({ method: 'GET', path: `/api/v1/transactions/${started.data.transaction.id}` })
    ).data.transaction;
    expect(request).toMatchObject({
      status: 'completed',
      origin: 'stk_push',
      mpesaReceiptNumber: paid.transId,
    });
    expect(await byReceipt(shop, paid.transId)).toHaveLength(1);
  });
});
