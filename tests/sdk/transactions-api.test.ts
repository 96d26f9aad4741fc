// The SDK's calls against the real service: signing, idempotency, pages, typed errors, retries.
import fs from 'node:fs';
import path from 'node:path';
import {
  createClient,
  SDK_VERSION,
  signRequest,
  type MpesaBridgeClient,
  type Transaction,
} from '@mpesa-bridge/sdk';
import { sign } from '../../src/security/signature';
import type { ProjectKeys } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { closedPortUrl, order, rejection, sdkClientFor } from './sdk-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('signing', () => {
  it('then the SDK signs exactly as the service verifies (same string, same HMAC)', () => {
    const parts = {
      timestamp: '1700000000',
      method: 'POST',
      path: '/api/v1/transactions/initiate?x=1',
      body: '{"a":1}',
    };
    const headers = signRequest({
      publicKey: 'pk_x',
      secretKey: 'sk_test',
      method: 'post',
      pathWithQuery: parts.path,
      body: parts.body,
      timestamp: 1700000000,
    });
    expect(headers).toEqual({
      'X-Api-Key': 'pk_x',
      'X-Timestamp': '1700000000',
      'X-Signature': sign('sk_test', parts),
    });
  });

  it('then a client with the wrong secret key gets signature_invalid with status and request id', async () => {
    const { keys } = await sdkClientFor(server);
    const client = createClient({
      baseUrl: server.url,
      publicKey: keys.publicKey,
      secretKey: 'sk_not_the_right_one',
    });
    const error = await rejection(client.transactions.get('txn_x'));
    expect(error).toMatchObject({ code: 'signature_invalid', status: 401 });
    expect(error.requestId).toMatch(/^req_/);
  });

  it('then list filters with characters that need encoding are signed as sent', async () => {
    const { client } = await sdkClientFor(server);
    const page = await client.transactions.list({
      from: new Date('2020-01-01T00:00:00+03:00'),
      to: '2100-01-01T00:00:00.000Z',
      phone: '+254 712 345 678',
    });
    expect(page).toEqual({ data: [], nextCursor: null });
  });
});

describe('initiate', () => {
  it('then the same idempotency key gives the same transaction and no second prompt', async () => {
    const { client } = await sdkClientFor(server);
    const first = await client.transactions.initiate(order(), { idempotencyKey: 'order-42' });
    const second = await client.transactions.initiate(order(), { idempotencyKey: 'order-42' });
    expect(second.transaction.id).toBe(first.transaction.id);
    expect(second.idempotencyKey).toBe('order-42');
    const page = await client.transactions.list();
    expect(page.data.map((t) => t.id)).toEqual([first.transaction.id]);
  });

  it('then calls without a key get a fresh key each, so two orders are two payments', async () => {
    const { client } = await sdkClientFor(server);
    const a = await client.transactions.initiate(order());
    const b = await client.transactions.initiate(order());
    expect(a.idempotencyKey).not.toBe(b.idempotencyKey);
    expect(a.transaction.id).not.toBe(b.transaction.id);
  });

  it('then a bad amount is a typed validation_failed error naming the field', async () => {
    const { client } = await sdkClientFor(server);
    const error = await rejection(client.transactions.initiate(order({ amount: 0 })));
    expect(error).toMatchObject({ code: 'validation_failed', status: 400, name: 'MpesaBridgeError' });
    expect(error.requestId).toMatch(/^req_/);
    expect(JSON.stringify(error.details)).toContain('amount');
  });

  it('then the same key with another body is idempotency_key_reused (409)', async () => {
    const { client } = await sdkClientFor(server);
    await client.transactions.initiate(order(), { idempotencyKey: 'order-43' });
    const error = await rejection(
      client.transactions.initiate(order({ amount: 11 }), { idempotencyKey: 'order-43' }),
    );
    expect(error).toMatchObject({ code: 'idempotency_key_reused', status: 409 });
  });

  it('then a push Daraja refuses is a typed error carrying the transaction id and Daraja code', async () => {
    const { client } = await sdkClientFor(server);
    const error = await rejection(client.transactions.initiate(order({ phone: '0700000008' })));
    expect(error).toMatchObject({ code: 'mpesa_subscriber_busy', status: 409 });
    expect(error.details).toMatchObject({ darajaErrorCode: '500.001.1001' });
    expect(error.details?.transactionId).toMatch(/^txn_/);
  });
});

describe('get', () => {
  it('then an unknown id is transaction_not_found (404)', async () => {
    const { client } = await sdkClientFor(server);
    expect(await rejection(client.transactions.get('txn_doesnotexist'))).toMatchObject({
      code: 'transaction_not_found',
      status: 404,
    });
  });

  it("then another project's transaction is not found either", async () => {
    const { client: owner } = await sdkClientFor(server);
    const { client: stranger } = await sdkClientFor(server);
    const started = await owner.transactions.initiate(order());
    expect(await rejection(stranger.transactions.get(started.transaction.id))).toMatchObject({
      code: 'transaction_not_found',
    });
  });
});

describe('list', () => {
  let client: MpesaBridgeClient;
  let keys: ProjectKeys;
  let created: Transaction[];
  beforeAll(async () => {
    ({ client, keys } = await sdkClientFor(server));
    created = [];
    for (let i = 0; i < 5; i += 1)
      created.push((await client.transactions.initiate(order({ amount: 10 + i }))).transaction);
  });
  const newestFirst = () => created.map((t) => t.id).reverse();

  it('then awaiting it gives the first page and a cursor', async () => {
    const page = await client.transactions.list({ limit: 2 });
    expect(page.data.map((t) => t.id)).toEqual(newestFirst().slice(0, 2));
    expect(page.nextCursor).toBe(page.data[1]!.id);
  });

  it('then for await walks every page, newest first, each transaction once', async () => {
    const seen: string[] = [];
    for await (const transaction of client.transactions.list({ limit: 2 })) seen.push(transaction.id);
    expect(seen).toEqual(newestFirst());
  });

  it('then pages() yields each page and all() collects, stopping at max without reading further pages', async () => {
    const sizes: number[] = [];
    for await (const page of client.transactions.list({ limit: 2 }).pages()) sizes.push(page.data.length);
    expect(sizes).toEqual([2, 2, 1]);
    expect((await client.transactions.list({ limit: 2 }).all()).map((t) => t.id)).toEqual(newestFirst());

    const requested: string[] = [];
    const counting = createClient({
      ...keys,
      baseUrl: server.url,
      fetch: (url, init) => (requested.push(url), fetch(url, init)),
    });
    expect((await counting.transactions.list({ limit: 2 }).all({ max: 3 })).map((t) => t.id)).toEqual(
      newestFirst().slice(0, 3),
    );
    expect(requested).toHaveLength(2);
  });

  it('then filters and a starting cursor are applied', async () => {
    expect(await client.transactions.list({ status: 'failed' }).all()).toEqual([]);
    const after = newestFirst()[1]!;
    expect((await client.transactions.list({ cursor: after, limit: 1 }).all()).map((t) => t.id)).toEqual(
      newestFirst().slice(2),
    );
  });

  it('then a bad filter is a typed error', async () => {
    expect(await rejection(client.transactions.list({ limit: 1000 }))).toMatchObject({
      code: 'validation_failed',
      status: 400,
    });
  });
});

describe('when the service cannot be reached', () => {
  it('then the error is network_error, after the configured retries', async () => {
    const client = createClient({
      baseUrl: await closedPortUrl(),
      publicKey: 'pk_x',
      secretKey: 'sk_x',
      maxRetries: 1,
    });
    const begun = Date.now();
    const error = await rejection(client.transactions.get('txn_x'));
    expect(error).toMatchObject({ code: 'network_error', status: undefined });
    // One retry after a backoff of 250–500 ms.
    expect(Date.now() - begun).toBeGreaterThanOrEqual(250);
  });

  it('then an answer that is not our JSON is unexpected_response with the status', async () => {
    const client = createClient({
      baseUrl: server.url,
      publicKey: 'pk_x',
      secretKey: 'sk_x',
      fetch: async () =>
        new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      maxRetries: 0,
    });
    expect(await rejection(client.transactions.get('txn_x'))).toMatchObject({
      code: 'unexpected_response',
      status: 502,
    });
  });
});

describe('when the project is rate limited', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '1000' });
  });
  afterAll(() => limited.close());

  it('then a read waits for Retry-After and succeeds; without retries it is rate_limited (429)', async () => {
    const { client, keys } = await sdkClientFor(limited);
    const noRetry = createClient({
      baseUrl: limited.url,
      publicKey: keys.publicKey,
      secretKey: keys.secretKey,
      maxRetries: 0,
    });
    await client.transactions.list();
    await client.transactions.list();
    const error = await rejection(noRetry.transactions.list());
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(error.retryAfter).toBeGreaterThanOrEqual(0);

    await expect(client.transactions.list()).resolves.toEqual({ data: [], nextCursor: null });
  });
});

describe('the package', () => {
  it('then the version sent in the User-Agent is the package version', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../sdk/package.json'), 'utf8')) as {
      version: string;
    };
    expect(SDK_VERSION).toBe(manifest.version);
  });
});
