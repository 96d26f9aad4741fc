// The CLI and C2B through the real binary against a real server in simulator mode: `trigger c2b`
// has a customer pay the project's PayBill from the M-Pesa menu and prints the payment it
// became; `tail` shows the C2B validation and confirmation as they arrive (phones masked).
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { accountBody, keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { loggedInHome, parseJson, runCli, startCli, type CliHome } from './cli-runner';

let server: TestServer;
let home: CliHome;
let merchant: MerchantRequest;
let accountId: string;
let consumer: { consumerKey: string; consumerSecret: string };

beforeAll(async () => {
  server = await startTestServer();
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'C2B CLI shop' },
    { headers: adminHeaders(server) },
  );
  const keys = keysOf(created.data, 'test');
  home = await loggedInHome(server.url, keys);
  merchant = merchantClient(server.url, keys);
  const body = accountBody({ shortcode: '600731' });
  consumer = { consumerKey: body.consumerKey, consumerSecret: body.consumerSecret };
  const account = await merchant({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
  accountId = account.data.account.id;
  const on = await merchant({
    method: 'POST',
    path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
    body: { version: 'v2', validation: { minAmount: 1 } },
  });
  expect(on.status).toBe(200);
  // Safaricom asks our validation URL only where External Validation is on (the app's own setting).
  const basic = Buffer.from(`${consumer.consumerKey}:${consumer.consumerSecret}`).toString('base64');
  const token = await axios.get(`${server.url}/simulator/oauth/v1/generate?grant_type=client_credentials`, {
    headers: { Authorization: `Basic ${basic}` },
  });
  await axios.put(
    `${server.url}/simulator/__simulator/c2b/shortcodes/600731`,
    { externalValidation: true },
    { headers: { Authorization: `Bearer ${token.data.access_token}` } },
  );
});
afterAll(() => server.close());

describe('when a developer triggers a C2B payment', () => {
  it('then `trigger c2b --json` pays the PayBill from the menu and prints the payment it became', async () => {
    const result = await runCli(['trigger', 'c2b', '--amount', '45', '--ref', 'INV-7', '--json'], {
      env: home.env(),
    });
    expect(result.code).toBe(0);
    const printed = parseJson(result.stdout);
    expect(printed.c2b).toMatchObject({ status: 'completed', confirmation: { sent: true, delivered: true } });
    expect(printed.transaction).toMatchObject({
      origin: 'c2b',
      amount: 45,
      accountReference: 'INV-7',
      mpesaReceiptNumber: printed.c2b.transId,
      c2b: { via: 'confirmation' },
    });
  });

  it('then `trigger c2b --lose-confirmation` completes it without a confirmation, and no payment appears', async () => {
    const result = await runCli(['trigger', 'c2b', '--lose-confirmation', '--json'], { env: home.env() });
    expect(result.code).toBe(0);
    const printed = parseJson(result.stdout);
    expect(printed.c2b).toMatchObject({ status: 'completed', confirmation: { sent: false } });
    const found = await merchant({
      method: 'GET',
      path: `/api/v1/transactions?receipt=${printed.c2b.transId}`,
    });
    expect(found.data.data).toEqual([]);
  });
});

describe('when a developer tails the project while a customer pays the PayBill', () => {
  it('then tail shows the C2B validation and the confirmation, the payment and its event', async () => {
    const tail = startCli(['tail'], { env: home.env() });
    try {
      await tail.waitFor(/Following test-mode/, 'stderr');
      const paid = await runCli(['trigger', 'c2b', '--amount', '12', '--json'], { env: home.env() });
      expect(paid.code).toBe(0);
      const { transaction } = parseJson(paid.stdout);
      await tail.waitFor(/c2b-validation\s+-\s+from \S+\s+allowed\s+accepted/);
      await tail.waitFor(
        new RegExp(`c2b-confirmation\\s+${transaction.id}\\s+from \\S+\\s+allowed\\s+received`),
      );
      await tail.waitFor(new RegExp(`event\\s+${transaction.id}\\s+transaction\\.received`));
      // The body as Safaricom sent it, its MSISDN masked (v2).
      await tail.waitFor(/"MSISDN":"2547 \*\*\*\*\* \d{3}"/);
    } finally {
      await tail.stop();
    }
  });
});
