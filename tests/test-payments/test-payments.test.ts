// Test payments by outcome name: each named outcome is the one the simulated customer plays,
// the answer is initiate's, an Idempotency-Key repeat starts nothing new, live keys and
// sandbox accounts are refused with their codes, and an unknown name lists the known ones.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { accountBody, keysOf, startRecordingDaraja, type RecordingDaraja } from '../helpers/accounts';
import { adminHeaders, expectError } from '../helpers/http-edges';
import { eventually } from '../helpers/realtime';

const SANDBOX_APP = { consumerKey: 'sandbox-app-key-0001', consumerSecret: 'sandbox-app-secret-0001' };

let server: TestServer;
let sandbox: RecordingDaraja;

beforeAll(async () => {
  sandbox = await startRecordingDaraja([SANDBOX_APP], {});
  server = await startTestServer({ MPESA_SANDBOX_BASE_URL: sandbox.url, SIMULATOR_CALLBACK_DELAY_MS: '50' });
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

async function newProject() {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Playground' },
    { headers: adminHeaders(server) },
  );
  return {
    test: merchantClient(server.url, keysOf(created.data, 'test')),
    live: merchantClient(server.url, keysOf(created.data, 'live')),
  };
}

const settled = (client: MerchantRequest, id: string) =>
  eventually(
    async () => (await client({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction,
    (transaction) => transaction.status !== 'pending',
    10_000,
  );

describe('when a merchant starts test payments by outcome', () => {
  let shop: Awaited<ReturnType<typeof newProject>>;
  beforeAll(async () => {
    shop = await newProject();
  });

  it('then the outcomes are listed, paid first, each with what it plays', async () => {
    const response = await shop.test({ method: 'GET', path: '/api/v1/test-payments/outcomes' });
    expect(response.status).toBe(200);
    const names = (response.data.data as Array<{ name: string; summary: string }>).map(
      (outcome) => outcome.name,
    );
    expect(names[0]).toBe('paid');
    expect(names).toEqual(
      expect.arrayContaining([
        'cancelled',
        'insufficient-funds',
        'wrong-pin',
        'unreachable',
        'no-callback',
        'amount-mismatch',
      ]),
    );
    expect(response.data.data.every((outcome: { summary: string }) => outcome.summary.length > 0)).toBe(true);
  });

  it.each([
    ['paid', { status: 'completed', failure: null }],
    ['cancelled', { status: 'cancelled', failure: { resultCode: '1032' } }],
    ['insufficient-funds', { status: 'failed', failure: { resultCode: '1' } }],
    ['wrong-pin', { status: 'failed', failure: { resultCode: '2001' } }],
    ['unreachable', { status: 'failed', failure: { resultCode: '1037' } }],
    ['duplicate-callback', { status: 'completed', failure: null }],
    ['amount-mismatch', { status: 'completed', amountPaid: 11, amountVerified: false, amountMismatch: true }],
  ])('then "%s" ends as named, and the answer is the one initiate gives', async (outcome, expected) => {
    const started = await shop.test({ method: 'POST', path: '/api/v1/test-payments', body: { outcome } });
    expect(started.status).toBe(201);
    expect(started.data).toMatchObject({
      transaction: {
        id: expect.stringMatching(/^txn_/),
        status: 'pending',
        amount: 10,
        accountReference: 'TEST',
        mode: 'test',
      },
      clientSecret: expect.stringMatching(/^cs_/),
    });
    expect(await settled(shop.test, started.data.transaction.id)).toMatchObject(expected);
  });

  it('then the amount and reference can be given, and a repeat with the same Idempotency-Key starts nothing new', async () => {
    const request = {
      method: 'POST' as const,
      path: '/api/v1/test-payments',
      body: { outcome: 'paid', amount: 25, accountReference: 'ORDER-9' },
      headers: { 'Idempotency-Key': 'playground-1' },
    };
    const first = await shop.test(request);
    const again = await shop.test(request);
    expect(first.status).toBe(201);
    expect(again.data.transaction.id).toBe(first.data.transaction.id);
    expect(first.data.transaction).toMatchObject({ amount: 25, accountReference: 'ORDER-9' });
  });

  it('then an unknown outcome is validation_failed naming the known ones', async () => {
    const error = expectError(
      await shop.test({ method: 'POST', path: '/api/v1/test-payments', body: { outcome: 'rich-uncle' } }),
      400,
      'validation_failed',
    );
    expect(JSON.stringify(error)).toContain('insufficient-funds');
  });

  it('then a phone is not accepted: the outcome chooses it', async () => {
    expectError(
      await shop.test({
        method: 'POST',
        path: '/api/v1/test-payments',
        body: { outcome: 'paid', phone: '0712345678' },
      }),
      400,
      'validation_failed',
    );
  });
});

describe('when a test payment is asked for outside the simulator', () => {
  it('then live keys are refused with test_mode_only', async () => {
    const shop = await newProject();
    expectError(
      await shop.live({ method: 'POST', path: '/api/v1/test-payments', body: { outcome: 'paid' } }),
      403,
      'test_mode_only',
    );
  });

  it('then a project whose test account is a Daraja sandbox account is refused with test_outcome_unavailable, and nothing is pushed', async () => {
    const shop = await newProject();
    const added = await shop.test({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({ environment: 'sandbox', ...SANDBOX_APP, shortcode: '174379' }),
    });
    expect(added.status).toBe(201);
    const error = expectError(
      await shop.test({ method: 'POST', path: '/api/v1/test-payments', body: { outcome: 'paid' } }),
      422,
      'test_outcome_unavailable',
    );
    expect(error.details).toEqual({ environment: 'sandbox' });
    expect(sandbox.pushes).toEqual([]);
    expect((await shop.test({ method: 'GET', path: '/api/v1/transactions' })).data.data).toEqual([]);
  });
});
