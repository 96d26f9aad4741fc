// Daraja's quirks, played by the built-in simulator and met by the whole client over real HTTP
// (push, callback route, STK Query, settlement): callback amounts as text and without Balance,
// CallbackMetadata.Item as one object, an in-flight query answered HTTP 200 with an empty
// message, 500.003.03 Quota Violation on the push, and a 1025 that fails later (docs/daraja.md §10).
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { keysOf } from '../helpers/accounts';
import { adminHeaders, expectError, simulatorStats } from '../helpers/http-edges';
import { eventually } from '../helpers/realtime';

async function testKeysOf(server: TestServer): Promise<MerchantRequest> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Quirks' },
    { headers: adminHeaders(server) },
  );
  return merchantClient(server.url, keysOf(created.data, 'test'));
}

const settled = (client: MerchantRequest, id: string) =>
  eventually(
    async () => (await client({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction,
    (transaction) => transaction.status !== 'pending',
    10_000,
  );

async function start(client: MerchantRequest, outcome: string) {
  return client({ method: 'POST', path: '/api/v1/test-payments', body: { outcome, amount: 10 } });
}

describe('when the simulator sends its callback promptly', () => {
  let server: TestServer;
  let shop: MerchantRequest;
  beforeAll(async () => {
    server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '50' });
    shop = await testKeysOf(server);
  });
  afterAll(async () => {
    await server.close();
  });

  it('when the callback Amount is the text "10.00" and there is no Balance item, then the payment completes with its amount verified and its receipt', async () => {
    const started = await start(shop, 'amount-string-no-balance');
    expect(started.status).toBe(201);
    expect(await settled(shop, started.data.transaction.id)).toMatchObject({
      status: 'completed',
      amountPaid: 10,
      amountVerified: true,
      amountMismatch: false,
      mpesaReceiptNumber: expect.stringMatching(/^[A-Z0-9]{10}$/),
      failure: null,
    });
  });

  it('when CallbackMetadata.Item is a single object, not an array, then the payment completes and keeps its receipt, its amount unknown rather than guessed', async () => {
    const started = await start(shop, 'single-item-metadata');
    expect(started.status).toBe(201);
    expect(await settled(shop, started.data.transaction.id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: expect.stringMatching(/^[A-Z0-9]{10}$/),
      amountPaid: null,
      amountVerified: false,
      amountMismatch: false,
    });
  });

  it('when the push is accepted and the callback later says 1025, then the payment fails as prompt_not_sent', async () => {
    const started = await start(shop, 'prompt-failed');
    expect(started.status).toBe(201);
    expect(started.data.transaction.status).toBe('pending');
    expect(await settled(shop, started.data.transaction.id)).toMatchObject({
      status: 'failed',
      mpesaReceiptNumber: null,
      failure: { code: 'prompt_not_sent', resultCode: '1025' },
    });
  });

  it('when Daraja refuses the push with 500.003.03 Quota Violation, then the merchant gets a retryable 503 mpesa_unavailable with Retry-After and the push is not sent again', async () => {
    const before = await simulatorStats(server);
    const refused = await start(shop, 'quota-violation');
    const error = expectError(refused, 503, 'mpesa_unavailable');
    expect(error.details).toMatchObject({ darajaErrorCode: '500.003.03', darajaHttpStatus: 500 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await simulatorStats(server)).stkPushes - before.stkPushes).toBe(1);
    const listed = (await shop({ method: 'GET', path: '/api/v1/transactions' })).data.data as Array<{
      status: string;
    }>;
    expect(listed.filter((transaction) => transaction.status === 'pending')).toEqual([]);
  });
});

describe('when the customer is still deciding (the simulator holds the result)', () => {
  let server: TestServer;
  let shop: MerchantRequest;
  beforeAll(async () => {
    // Long enough that no query in this test can see the result: the payment stays in flight.
    server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '600000' });
    shop = await testKeysOf(server);
  });
  afterAll(async () => {
    await server.close();
  });

  it('when STK Query answers HTTP 200 500.001.1001 with an empty message, then the payment stays pending (no_answer), never failed', async () => {
    const started = await start(shop, 'pending-empty-answer');
    expect(started.status).toBe(201);
    const id = started.data.transaction.id as string;
    const before = await simulatorStats(server);
    const asked = await shop({ method: 'POST', path: `/api/v1/transactions/${id}/reconcile` });
    expect(asked.status).toBe(200);
    expect((await simulatorStats(server)).stkQueries - before.stkQueries).toBe(1);
    expect(asked.data).toMatchObject({
      reconciliation: { outcome: 'no_answer' },
      transaction: { id, status: 'pending', failure: null },
    });
    const read = await shop({ method: 'GET', path: `/api/v1/transactions/${id}` });
    expect(read.data.transaction).toMatchObject({ status: 'pending', failure: null });
  });
});
