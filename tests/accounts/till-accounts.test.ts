// A till-only project (an account whose shortcode is the till's Head Office number) pays its
// till by default, and the simulator fails a PayBill push to a Head Office number as Daraja does
// (2028, docs/daraja.md §2 "Tills"); two projects' simulator accounts with one shortcode are two
// merchants to the simulator, each with its own passkey and tills (issue 18 E4).
import axios from 'axios';
import { accountBody, keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function projectWithAccount(account: Record<string, unknown>): Promise<MerchantRequest> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Till shop' },
    { headers: adminHeaders(server) },
  );
  const shop = merchantClient(server.url, keysOf(created.data, 'test'));
  expect((await shop({ method: 'POST', path: '/api/v1/mpesa-accounts', body: account })).status).toBe(201);
  return shop;
}

async function payAndSettle(shop: MerchantRequest, body: Record<string, unknown>) {
  const started = await shop({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody(body),
  });
  expect(started.status).toBe(201);
  const settled = await eventually(
    () => shop({ method: 'GET', path: `/api/v1/transactions/${started.data.transaction.id}` }),
    (response) => response.data.transaction.status !== 'pending',
  );
  return settled.data.transaction as {
    status: string;
    channel: string;
    failure: { resultCode?: string | number } | null;
  };
}

describe('POST /api/v1/transactions/initiate with a till account', () => {
  it('when no channel is given, then it pays the till (CustomerBuyGoodsOnline) and the simulator completes it', async () => {
    const shop = await projectWithAccount(accountBody({ shortcode: '600700', tillNumber: '7007001' }));
    const paid = await payAndSettle(shop, {});
    expect(paid).toMatchObject({ channel: 'till', status: 'completed' });
  });

  it('when channel "paybill" is named, then the simulator fails it in the callback with 2028, as Daraja does for a Head Office number', async () => {
    const shop = await projectWithAccount(accountBody({ shortcode: '600701', tillNumber: '7007011' }));
    const paid = await payAndSettle(shop, { channel: 'paybill' });
    expect(paid.channel).toBe('paybill');
    expect(paid.status).toBe('failed');
    expect(String(paid.failure?.resultCode)).toBe('2028');
  });

  it('when the account has no till, then the default stays "paybill"', async () => {
    const shop = await projectWithAccount(accountBody({ shortcode: '600702' }));
    expect(await payAndSettle(shop, {})).toMatchObject({ channel: 'paybill', status: 'completed' });
  });
});

describe('simulator accounts of two projects with the same shortcode', () => {
  it('then each project pays with its own passkey and its own till, and neither is refused for the other', async () => {
    const a = await projectWithAccount(accountBody({ shortcode: '600800', tillNumber: '8008001' }));
    const b = await projectWithAccount(accountBody({ shortcode: '600800', tillNumber: '8008002' }));
    const [paidA, paidB] = await Promise.all([payAndSettle(a, {}), payAndSettle(b, {})]);
    expect(paidA).toMatchObject({ channel: 'till', status: 'completed' });
    expect(paidB).toMatchObject({ channel: 'till', status: 'completed' });
  });
});
