// Reading payments back: one by id, or listed with filters and cursor pagination. A project
// only ever sees its own payments.
import { startTestServer, type TestServer } from '../helpers/server';
import { createProject, initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { expectError, pause } from '../helpers/http-edges';

const LIST = '/api/v1/transactions';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A merchant with a project of its own, so every list starts empty. */
async function newMerchant(name: string): Promise<MerchantRequest> {
  return merchantClient(server.url, await createProject(server.url, server.adminToken, name));
}

interface Created {
  id: string;
  createdAt: string;
}

async function pay(merchant: MerchantRequest, overrides: Record<string, unknown> = {}): Promise<Created> {
  const response = await merchant({
    method: 'POST',
    path: `${LIST}/initiate`,
    body: initiateBody(overrides),
  });
  expect(response.status).toBe(201);
  return response.data.transaction as Created;
}

async function settled(merchant: MerchantRequest, id: string): Promise<string> {
  const response = await eventually(
    () => merchant({ method: 'GET', path: `${LIST}/${id}` }),
    (res) => res.data.transaction.status !== 'pending',
  );
  return response.data.transaction.status as string;
}

const listIds = async (merchant: MerchantRequest, query: string): Promise<string[]> => {
  const response = await merchant({ method: 'GET', path: `${LIST}?${query}` });
  expect(response.status).toBe(200);
  return (response.data.data as Created[]).map((transaction) => transaction.id);
};

describe('when a merchant reads one transaction', () => {
  it('then an unknown id is 404 transaction_not_found', async () => {
    const merchant = await newMerchant('Reader');
    expectError(
      await merchant({ method: 'GET', path: `${LIST}/txn_0000000000000000` }),
      404,
      'transaction_not_found',
    );
  });

  it("then another project's transaction is 404 as if it did not exist", async () => {
    const owner = await newMerchant('Owner');
    const snoop = await newMerchant('Snoop');
    const theirs = await pay(owner);
    expect((await owner({ method: 'GET', path: `${LIST}/${theirs.id}` })).status).toBe(200);
    expectError(await snoop({ method: 'GET', path: `${LIST}/${theirs.id}` }), 404, 'transaction_not_found');
    expect(await listIds(snoop, 'limit=100')).toEqual([]);
  });
});

describe('when a merchant pages through its transactions', () => {
  it('then following nextCursor returns every transaction once, newest first', async () => {
    const merchant = await newMerchant('Pager');
    const created: string[] = [];
    for (let i = 0; i < 7; i += 1) created.push((await pay(merchant, { amount: 10 + i })).id);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=3&cursor=${cursor}` : 'limit=3';
      const response = await merchant({ method: 'GET', path: `${LIST}?${query}` });
      expect(response.status).toBe(200);
      const page = response.data as { data: Created[]; nextCursor: string | null };
      seen.push(...page.data.map((transaction) => transaction.id));
      pageSizes.push(page.data.length);
      cursor = page.nextCursor;
    } while (cursor && pageSizes.length < 10);

    expect(pageSizes).toEqual([3, 3, 1]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...created].reverse());
  });

  it('then a page that ends exactly at the last transaction has no nextCursor', async () => {
    const merchant = await newMerchant('Exact pager');
    await pay(merchant);
    await pay(merchant);
    const response = await merchant({ method: 'GET', path: `${LIST}?limit=2` });
    expect(response.data.data).toHaveLength(2);
    expect(response.data.nextCursor).toBeNull();
  });
});

describe('when a merchant filters the list', () => {
  let merchant: MerchantRequest;
  let completed: Created;
  let failed: Created;
  let pendingForever: Created;

  beforeAll(async () => {
    merchant = await newMerchant('Filterer');
    completed = await pay(merchant, { phone: '0712345678' });
    await pause(20);
    failed = await pay(merchant, { phone: '0700000002' });
    await pause(20);
    pendingForever = await pay(merchant, { phone: '0700000005' });
    expect(await settled(merchant, completed.id)).toBe('completed');
    expect(await settled(merchant, failed.id)).toBe('failed');
  });

  it('then status keeps only transactions in that status', async () => {
    expect(await listIds(merchant, 'status=completed')).toEqual([completed.id]);
    expect(await listIds(merchant, 'status=failed')).toEqual([failed.id]);
    expect(await listIds(merchant, 'status=cancelled')).toEqual([]);
  });

  it.each(['0700000002', '254700000002', '%2B254700000002', '700000002'])(
    'then phone %s matches the same customer',
    async (phone) => {
      expect(await listIds(merchant, `phone=${phone}`)).toEqual([failed.id]);
    },
  );

  it('then from and to bound the creation time, both ends included', async () => {
    const from = encodeURIComponent(failed.createdAt);
    const to = encodeURIComponent(failed.createdAt);
    expect(await listIds(merchant, `from=${from}`)).toEqual([pendingForever.id, failed.id]);
    expect(await listIds(merchant, `to=${to}`)).toEqual([failed.id, completed.id]);
    expect(await listIds(merchant, `from=${from}&to=${to}`)).toEqual([failed.id]);
  });

  it('then filters combine', async () => {
    expect(await listIds(merchant, `status=completed&phone=0712345678`)).toEqual([completed.id]);
    expect(await listIds(merchant, `status=completed&phone=0700000002`)).toEqual([]);
  });
});

describe('when the list query is invalid', () => {
  it.each([
    ['cursor=abc', 'cursor'],
    ['cursor=prj_123', 'cursor'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['status=paid', 'status'],
    ['phone=12345', 'phone'],
    ['from=yesterday', 'from'],
    ['sort=asc', 'sort'],
  ])('then %s is refused with validation_failed', async (query, field) => {
    const merchant = await newMerchant(`Bad query ${query}`);
    const error = expectError(
      await merchant({ method: 'GET', path: `${LIST}?${query}` }),
      400,
      'validation_failed',
    );
    expect(JSON.stringify(error.details)).toContain(field);
  });
});
