// The SDK's mpesaAccounts against the real service: add a simulator account, see it masked,
// collect into it, change and delete it.
import { startTestServer, type TestServer } from '../helpers/server';
import { accountBody } from '../helpers/accounts';
import { order, rejection, sdkClientFor } from './sdk-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '3600000' });
});
afterAll(() => server.close());

describe('when a merchant manages its M-Pesa accounts with the SDK', () => {
  it('then an account is added masked, collects the payments that name it, changes and is deleted', async () => {
    const { client } = await sdkClientFor(server);
    const body = accountBody({ shortcode: '600701', tillNumber: '6007011' });
    const account = await client.mpesaAccounts.create(body);
    expect(account).toMatchObject({
      environment: 'simulator',
      mode: 'test',
      shortcode: '600701',
      isDefault: true,
      consumerSecret: `••••${body.consumerSecret.slice(-4)}`,
    });
    expect(JSON.stringify(account)).not.toContain(body.passkey);
    expect(await client.mpesaAccounts.list()).toEqual([account]);

    const paid = await client.transactions.initiate({ ...order(), account: account.id, channel: 'till' });
    expect(paid.transaction.status).toBe('pending');

    const renamed = await client.mpesaAccounts.update(account.id, { name: 'Shop till' });
    expect(renamed).toMatchObject({ id: account.id, name: 'Shop till' });
    await client.mpesaAccounts.delete(account.id);
    expect((await rejection(client.mpesaAccounts.get(account.id))).code).toBe('mpesa_account_not_found');
    expect((await rejection(client.transactions.initiate({ ...order(), account: account.id }))).code).toBe(
      'mpesa_account_not_found',
    );
  });
});
