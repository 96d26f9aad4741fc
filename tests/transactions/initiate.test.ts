// POST /api/v1/transactions/initiate: strict input, Idempotency-Key replays, and Daraja's
// synchronous refusals turned into our codes. Driven against the real simulator.
import { startTestServer, type TestServer } from '../helpers/server';
import {
  createProject,
  initiateBody,
  merchantClient,
  type MerchantRequest,
  merchantFor,
} from '../helpers/merchant';
import { expectError, simulatorStats } from '../helpers/http-edges';

const INITIATE = '/api/v1/transactions/initiate';

let server: TestServer;
let merchant: MerchantRequest;

beforeAll(async () => {
  server = await startTestServer();
  merchant = await merchantFor(server);
});
afterAll(() => server.close());

const initiate = (body: Record<string, unknown>, headers?: Record<string, string>, client = merchant) =>
  client({ method: 'POST', path: INITIATE, body, ...(headers ? { headers } : {}) });
const getTransaction = (id: string) => merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });
let keyCounter = 0;
const idempotencyKey = () => ({ 'Idempotency-Key': `order-${Date.now()}-${(keyCounter += 1)}` });

function expectRefusedField(response: Awaited<ReturnType<MerchantRequest>>, field: string) {
  const error = expectError(response, 400, 'validation_failed');
  const fields = (error.details as { fields: Array<{ field: string }> }).fields.map((entry) => entry.field);
  expect(fields).toContain(field);
}

describe('when the phone comes in any common Kenyan form', () => {
  it.each([
    ['0712345678', '254712345678'],
    ['0112345678', '254112345678'],
    ['712345678', '254712345678'],
    ['254712345678', '254712345678'],
    ['254112345678', '254112345678'],
    ['+254712345678', '254712345678'],
    ['0712 345 678', '254712345678'],
    ['+254 712 345 678', '254712345678'],
  ])('then %s is stored as %s', async (phone, normalised) => {
    const response = await initiate(initiateBody({ phone }));
    expect(response.status).toBe(201);
    expect(response.data.transaction.phone).toBe(normalised);
  });
});

describe('when the input is invalid', () => {
  it.each(['0812345678', '12345', '2547123456789', '255712345678', 'not a phone', ''])(
    'then phone %j is refused with validation_failed naming phone',
    async (phone) => expectRefusedField(await initiate(initiateBody({ phone })), 'phone'),
  );

  it.each([0, 250_001, 10.5, '10', -5, null])(
    'then amount %j is refused with validation_failed naming amount',
    async (amount) => {
      expectRefusedField(await initiate(initiateBody({ amount })), 'amount');
    },
  );

  it('then an accountReference over 12 characters is refused', async () => {
    expectRefusedField(
      await initiate(initiateBody({ accountReference: 'A'.repeat(13) })),
      'accountReference',
    );
    expect((await initiate(initiateBody({ accountReference: 'A'.repeat(12) }))).status).toBe(201);
  });

  it('then a description over 13 characters is refused', async () => {
    expectRefusedField(await initiate(initiateBody({ description: 'D'.repeat(14) })), 'description');
    expect((await initiate(initiateBody({ description: 'D'.repeat(13) }))).status).toBe(201);
  });

  it('then an unknown field is refused', async () => {
    const error = expectError(
      await initiate(initiateBody({ callbackUrl: 'https://evil.example' })),
      400,
      'validation_failed',
    );
    expect(JSON.stringify(error.details)).toContain('callbackUrl');
  });

  it('then metadata over 2 KB of JSON is refused', async () => {
    expectRefusedField(await initiate(initiateBody({ metadata: { note: 'x'.repeat(2100) } })), 'metadata');
    const small = await initiate(initiateBody({ metadata: { orderId: 'A-1' } }));
    expect(small.status).toBe(201);
    expect(small.data.transaction.metadata).toEqual({ orderId: 'A-1' });
  });

  it('then nothing is stored and no STK Push is sent', async () => {
    const before = await simulatorStats(server);
    const list = await merchant({ method: 'GET', path: '/api/v1/transactions?limit=100' });
    await initiate(initiateBody({ amount: 0 }));
    expect((await simulatorStats(server)).stkPushes).toBe(before.stkPushes);
    const after = await merchant({ method: 'GET', path: '/api/v1/transactions?limit=100' });
    expect(after.data.data.length).toBe(list.data.data.length);
  });
});

describe('when the operator lowered AMOUNT_MAX', () => {
  let capped: TestServer;
  let cappedMerchant: MerchantRequest;
  beforeAll(async () => {
    capped = await startTestServer({ AMOUNT_MAX: '100' });
    cappedMerchant = merchantClient(capped.url, await createProject(capped.url, capped.adminToken));
  });
  afterAll(() => capped.close());

  it('then an amount above it is refused and the maximum itself is accepted', async () => {
    expectRefusedField(await initiate(initiateBody({ amount: 101 }), undefined, cappedMerchant), 'amount');
    expect((await initiate(initiateBody({ amount: 100 }), undefined, cappedMerchant)).status).toBe(201);
  });
});

describe('when the merchant asks for a till payment', () => {
  it('then the push goes out on the till channel', async () => {
    const response = await initiate(initiateBody({ channel: 'till' }));
    expect(response.status).toBe(201);
    expect(response.data.transaction).toMatchObject({ channel: 'till', status: 'pending' });
    expect(response.data.transaction.checkoutRequestId).toMatch(/^ws_CO_/);
  });
});

describe('when the merchant sends an Idempotency-Key', () => {
  it('then the same key and body return the same transaction without a second STK Push', async () => {
    const key = idempotencyKey();
    const first = await initiate(initiateBody({ amount: 77 }), key);
    expect(first.status).toBe(201);
    const pushesAfterFirst = (await simulatorStats(server)).stkPushes;

    const second = await initiate(initiateBody({ amount: 77 }), key);
    expect(second.status).toBe(201);
    expect(second.data.transaction.id).toBe(first.data.transaction.id);
    expect(second.data.clientSecret).toBe(first.data.clientSecret);
    expect((await simulatorStats(server)).stkPushes).toBe(pushesAfterFirst);
  });

  it('then the same key with another body is refused with idempotency_key_reused', async () => {
    const key = idempotencyKey();
    const first = await initiate(initiateBody({ amount: 78 }), key);
    const reused = await initiate(initiateBody({ amount: 79 }), key);
    const error = expectError(reused, 409, 'idempotency_key_reused');
    expect(error.details).toMatchObject({ transactionId: first.data.transaction.id });
  });

  it('then five concurrent requests with one key make one transaction and one STK Push, and all get its answer', async () => {
    const key = idempotencyKey();
    const before = (await simulatorStats(server)).stkPushes;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => initiate(initiateBody({ amount: 55 }), key)),
    );
    // The losers wait for the winner's Daraja answer instead of reporting an unfinished push.
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((answer) => answer.data.transaction.checkoutRequestId as string)).size).toBe(
      1,
    );
    const ids = new Set(answers.map((answer) => answer.data.transaction.id as string));
    expect(ids.size).toBe(1);
    expect(new Set(answers.map((answer) => answer.data.clientSecret as string)).size).toBe(1);
    expect((await simulatorStats(server)).stkPushes).toBe(before + 1);
  });
});

describe('when Daraja refuses the push', () => {
  it('then a busy subscriber is a 409 mpesa_subscriber_busy and the transaction is failed', async () => {
    const response = await initiate(initiateBody({ phone: '254700000008' }));
    const error = expectError(response, 409, 'mpesa_subscriber_busy');
    expect(error.details).toMatchObject({
      darajaErrorCode: '500.001.1001',
      transactionId: expect.stringMatching(/^txn_/),
    });
    const stored = await getTransaction(error.details!.transactionId as string);
    expect(stored.status).toBe(200);
    expect(stored.data.transaction).toMatchObject({
      status: 'failed',
      failure: { code: 'mpesa_subscriber_busy' },
    });
  });

  it('then a spike arrest is a 503 mpesa_unavailable with Retry-After', async () => {
    const response = await initiate(initiateBody({ phone: '254700000009' }));
    const error = expectError(response, 503, 'mpesa_unavailable');
    expect(error.details).toMatchObject({ darajaErrorCode: '500.003.02' });
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('then replaying the refused request with its Idempotency-Key returns the same error without a new push', async () => {
    const key = idempotencyKey();
    const first = await initiate(initiateBody({ phone: '254700000008' }), key);
    const original = expectError(first, 409, 'mpesa_subscriber_busy');
    const pushes = (await simulatorStats(server)).stkPushes;

    const replay = await initiate(initiateBody({ phone: '254700000008' }), key);
    const replayed = expectError(replay, 409, 'mpesa_subscriber_busy');
    expect(replayed.message).toBe(original.message);
    expect(replayed.details).toMatchObject({
      transactionId: original.details!.transactionId,
      darajaErrorCode: original.details!.darajaErrorCode,
    });
    expect((await simulatorStats(server)).stkPushes).toBe(pushes);
  });

  // README: "503 mpesa_unavailable ... Retry-After is set" and "Daraja errors keep Daraja's own
  // darajaErrorCode, darajaMessage and darajaRequestId in details"; a replay is the same refusal.
  it('then the replayed refusal keeps its Retry-After and all of its Daraja details', async () => {
    const key = idempotencyKey();
    const first = await initiate(initiateBody({ phone: '254700000009' }), key);
    const original = expectError(first, 503, 'mpesa_unavailable');

    const replay = await initiate(initiateBody({ phone: '254700000009' }), key);
    const replayed = expectError(replay, 503, 'mpesa_unavailable');
    expect({ retryAfter: replay.headers['retry-after'], details: replayed.details }).toEqual({
      retryAfter: first.headers['retry-after'],
      details: original.details,
    });
  });
});

describe('when the access token expires between OAuth and the push', () => {
  it('then the initiate still succeeds after exactly one more OAuth call', async () => {
    // A cached token first, so the only OAuth call we count is the refresh.
    expect((await initiate(initiateBody())).status).toBe(201);
    const oauthBefore = server.service.oauthCallCount();
    const simulatorBefore = await simulatorStats(server);

    const response = await initiate(initiateBody({ phone: '254700000010' }));
    expect(response.status).toBe(201);
    expect(response.data.transaction.checkoutRequestId).toMatch(/^ws_CO_/);
    expect(server.service.oauthCallCount()).toBe(oauthBefore + 1);
    const simulatorAfter = await simulatorStats(server);
    expect(simulatorAfter.oauthCalls).toBe(simulatorBefore.oauthCalls + 1);
    expect(simulatorAfter.stkPushes).toBe(simulatorBefore.stkPushes + 2);
  });
});
