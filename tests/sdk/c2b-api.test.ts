// The SDK's C2B methods against the real service and its simulator: switch C2B on, a customer's
// confirmation lost on the way, Pull on, pull now fills it, switch off.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { accountBody } from '../helpers/accounts';
import { rejection, sdkClientFor } from './sdk-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ C2B_PULL_INTERVAL: '1h' });
});
afterAll(() => server.close());

describe('when a merchant manages an account’s C2B with the SDK', () => {
  it('then C2B is switched on, Pull fills a lost confirmation, and C2B is switched off', async () => {
    const { client } = await sdkClientFor(server);
    const body = accountBody({ shortcode: '600721' });
    const account = await client.mpesaAccounts.create(body);
    expect((await rejection(client.mpesaAccounts.runC2bPull(account.id))).code).toBe('c2b_not_enabled');

    const on = await client.mpesaAccounts.enableC2b(account.id, { version: 'v2' });
    expect(on.c2b).toMatchObject({
      accountId: account.id,
      enabled: true,
      version: 'v2',
      pull: { enabled: false },
    });
    const pulling = await client.mpesaAccounts.setC2bPull(account.id, {
      enabled: true,
      nominatedNumber: '254722000000',
    });
    expect(pulling.c2b.pull).toMatchObject({ enabled: true, nominatedNumber: '254722000000' });

    const paid = await axios.post(`${server.url}/simulator/__simulator/c2b/payments`, {
      shortCode: '600721',
      amount: 33,
      msisdn: '254712345678',
      billRefNumber: 'SDK-1',
      consumerKey: body.consumerKey,
      loseConfirmation: true,
    });
    expect(paid.data.confirmation.sent).toBe(false);
    const run = await client.mpesaAccounts.runC2bPull(account.id);
    expect(run).toMatchObject({ accountId: account.id, filled: 1, rows: 1 });
    const page = await client.transactions.list({ receipt: paid.data.transId });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]!.c2b?.via).toBe('pull');

    expect((await client.mpesaAccounts.getC2b(account.id)).c2b.pull.lastPullFilled).toBe(1);
    const off = await client.mpesaAccounts.disableC2b(account.id);
    expect(off.c2b.enabled).toBe(false);
  });
});
