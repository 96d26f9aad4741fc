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

describe('when a copy of a create raced ahead of it (a proxy sent it twice)', () => {
  it('then the SDK signs it again with the same Idempotency-Key and gets the account the copy added, not a second one', async () => {
    let copied = false;
    const copies: Response[] = [];
    // Sends the create's exact bytes once before the call itself, as a retrying proxy would.
    const copyingFetch = async (url: string, init: RequestInit) => {
      if (init.method === 'POST' && !copied) {
        copied = true;
        copies.push(await fetch(url, init));
      }
      return fetch(url, init);
    };
    const { client } = await sdkClientFor(server, { fetch: copyingFetch });
    const body = accountBody({ shortcode: '600702' });
    const created = await client.mpesaAccounts.create(body);
    expect(copies[0]!.status).toBe(201);
    const copy = (await copies[0]!.json()) as { account: { id: string } };
    expect(created).toEqual(copy.account);
    expect(JSON.stringify(created)).not.toContain(body.consumerSecret);
    expect((await client.mpesaAccounts.list()).map((account) => account.id)).toEqual([copy.account.id]);
  });
});
