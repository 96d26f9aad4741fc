// "Did receipt X pay us?" end to end (issue 19 item 5): the signed API, the initiator password
// encrypted into SecurityCredential with the simulator's own certificate, the simulator's
// Transaction Status over real HTTP, its Result posted to our tokenised ResultURL, stored
// byte-exact, the query resolved and a `status_query.resolved` webhook verified with the
// standardwebhooks library. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
import axios from 'axios';
import { Webhook } from 'standardwebhooks';
import { accountBody, keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { webhookReceivers } from '../helpers/webhook-receiver';
import { createKeyring } from '../../src/security/vault';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { LOCK_AFTER_FAILURES } from '../../src/simulator/simulator.transaction-status';

// The deployment's own initiator in simulator mode (config.ts): the simulator knows its password.
const SANDBOX_SHORTCODE = '174379';
const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
const CONFIGURED_PASSWORD = 'simulator-initiator-password';

interface StatusQuery {
  id: string;
  receipt: string;
  status: string;
  found: boolean | null;
  transaction: {
    receipt: string;
    amount: number | null;
    amountText: string | null;
    status: string | null;
  } | null;
  result: { code: string; description: string | null } | null;
  failure: { code: string; message: string } | null;
}

let server: TestServer;
const receivers = webhookReceivers();
beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_POLL_INTERVAL_MS: '50' });
});
afterAll(async () => {
  await receivers.closeAll();
  await server.close();
});

async function shopWith(account: Record<string, unknown>): Promise<MerchantRequest> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Receipt shop' },
    { headers: adminHeaders(server) },
  );
  const shop = merchantClient(server.url, keysOf(created.data, 'test'));
  const added = await shop({ method: 'POST', path: '/api/v1/mpesa-accounts', body: account });
  expect(added.status).toBe(201);
  return shop;
}

async function ask(shop: MerchantRequest, receipt: string, headers: Record<string, string> = {}) {
  return shop({ method: 'POST', path: '/api/v1/transactions/status-queries', body: { receipt }, headers });
}

async function resolved(shop: MerchantRequest, id: string): Promise<StatusQuery> {
  const read = await eventually(
    () => shop({ method: 'GET', path: `/api/v1/transactions/status-queries/${id}` }),
    (response) => response.data.statusQuery?.status !== 'pending',
  );
  expect(read.status).toBe(200);
  return read.data.statusQuery as StatusQuery;
}

async function paidReceipt(shop: MerchantRequest): Promise<{ receipt: string; transactionId: string }> {
  const started = await shop({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ amount: 25 }),
  });
  expect(started.status).toBe(201);
  const paid = await eventually(
    () => shop({ method: 'GET', path: `/api/v1/transactions/${started.data.transaction.id}` }),
    (response) => response.data.transaction.mpesaReceiptNumber !== null,
  );
  return { receipt: paid.data.transaction.mpesaReceiptNumber, transactionId: paid.data.transaction.id };
}

const initiatorAccount = (overrides: Record<string, unknown> = {}) =>
  accountBody({
    shortcode: '600900',
    initiatorName: 'apiop',
    initiatorPassword: 'Op-Pass-2026!',
    ...overrides,
  } as never);

describe('POST /api/v1/transactions/status-queries', () => {
  it('when the receipt is one M-Pesa issued to the account, then it resolves found with its receipt and amount, the Result is stored byte-exact, and a signed status_query.resolved webhook arrives', async () => {
    const shop = await shopWith(initiatorAccount());
    const receiver = await receivers.start();
    const endpoint = await shop({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: receiver.url, eventTypes: ['status_query.resolved'] },
    });
    expect(endpoint.status).toBe(201);
    const { receipt } = await paidReceipt(shop);

    const asked = await ask(shop, receipt.toLowerCase());
    expect(asked.status).toBe(202);
    expect(asked.data.statusQuery).toMatchObject({ receipt, status: 'pending', found: null });

    const query = await resolved(shop, asked.data.statusQuery.id);
    expect(query).toMatchObject({
      status: 'found',
      found: true,
      transaction: { receipt, amount: 25, amountText: '25', status: 'Completed' },
      result: { code: '0', description: 'The service request is processed successfully.' },
      failure: null,
    });

    // What Safaricom posted, kept as it came: Daraja's placeholder TransactionID beside the real ReceiptNo.
    const stored = await server
      .database()
      .all(
        server
          .database()
          .qb.selectFrom('StatusQueryResult')
          .selectAll()
          .where('statusQueryId', '=', query.id),
      );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'result', outcome: 'applied' });
    const body = JSON.parse(Buffer.from(stored[0]!.rawBody).toString('utf8'));
    expect(body.Result.TransactionID).toMatch(/^[A-Z]{2}[1-9A-V]0000000$/);
    expect(body.Result.TransactionID).not.toBe(receipt);
    expect(body.Result.ResultParameters.ResultParameter).toContainEqual({ Key: 'ReceiptNo', Value: receipt });

    const [delivery] = [...(await receiver.waitForAccepted(1)).values()];
    const verified = new Webhook(endpoint.data.secret.replace(/^whsec_/, '')).verify(
      delivery!.body,
      delivery!.headers,
    ) as {
      type: string;
      data: { statusQuery: StatusQuery };
    };
    expect(verified.type).toBe('status_query.resolved');
    expect(verified.data.statusQuery).toMatchObject({ id: query.id, status: 'found', found: true });
  });

  it('when M-Pesa knows no such receipt (2032), then the query is not_found: a normal answer, no failure', async () => {
    const shop = await shopWith(initiatorAccount({ shortcode: '600901' }));
    const asked = await ask(shop, 'UA11ZZZZZZ');
    expect(asked.status).toBe(202);
    const query = await resolved(shop, asked.data.statusQuery.id);
    expect(query).toMatchObject({ status: 'not_found', found: false, transaction: null, failure: null });
    expect(query.result?.code).toBe('2032');
  });

  it("when the receipt was paid to another merchant's shortcode, then this account's query does not find it", async () => {
    const payer = await shopWith(initiatorAccount({ shortcode: '600902' }));
    const { receipt } = await paidReceipt(payer);
    const other = await shopWith(initiatorAccount({ shortcode: '600903' }));
    const query = await resolved(other, (await ask(other, receipt)).data.statusQuery.id);
    expect(query).toMatchObject({ status: 'not_found', found: false });
  });

  it('when the initiator password is wrong, then M-Pesa answers 2001 and the query fails as initiator_invalid', async () => {
    const shop = await shopWith(
      accountBody({
        shortcode: SANDBOX_SHORTCODE,
        passkey: SANDBOX_PASSKEY,
        initiatorName: 'testapi',
        initiatorPassword: 'not-the-password',
      } as never),
    );
    const query = await resolved(shop, (await ask(shop, 'UA11ZZZZZY')).data.statusQuery.id);
    expect(query).toMatchObject({
      status: 'failed',
      found: null,
      result: { code: '2001', description: 'The initiator information is invalid.' },
    });
    expect(query.failure?.code).toBe('initiator_invalid');
  });

  it('when an Idempotency-Key is repeated, then the same query answers, stored and sent once', async () => {
    const shop = await shopWith(initiatorAccount({ shortcode: '600904' }));
    const headers = { 'Idempotency-Key': 'receipt-check-1' };
    const first = await ask(shop, 'UA11ZZZZZX', headers);
    const again = await ask(shop, 'UA11ZZZZZX', headers);
    expect(again.status).toBe(202);
    expect(again.data.statusQuery.id).toBe(first.data.statusQuery.id);
    // One row, so one Daraja request: a query is only sent after its row is stored.
    const rows = await server
      .database()
      .all(
        server
          .database()
          .qb.selectFrom('StatusQuery')
          .select('id')
          .where('idempotencyKey', '=', 'receipt-check-1'),
      );
    expect(rows).toHaveLength(1);
    const reused = await ask(shop, 'UA11ZZZZZW', headers);
    expect(reused.status).toBe(409);
    expect(reused.data.error.code).toBe('idempotency_key_reused');
  });

  it('when the account has no initiator, then it is refused with 409 mpesa_initiator_missing naming what is missing, and nothing is stored', async () => {
    const shop = await shopWith(accountBody({ shortcode: '600905' }));
    const refused = await ask(shop, 'UA11ZZZZZV');
    expect(refused.status).toBe(409);
    expect(refused.data.error).toMatchObject({
      code: 'mpesa_initiator_missing',
      details: { missing: ['initiatorName', 'initiatorPassword'] },
    });
    const rows = await server
      .database()
      .all(server.database().qb.selectFrom('StatusQuery').select('id').where('receipt', '=', 'UA11ZZZZZV'));
    expect(rows).toEqual([]);
  });

  it('when the receipt is not 10 letters and digits, then 400 validation_failed names it', async () => {
    const shop = await shopWith(initiatorAccount({ shortcode: '600906' }));
    const refused = await ask(shop, 'UA11-ZZ');
    expect(refused.status).toBe(400);
    expect(refused.data.error.details.fields[0]).toMatchObject({ field: 'receipt', in: 'body' });
  });
});

describe("Safaricom's answers on the ResultURL and QueueTimeOutURL", () => {
  // The simulator's own Result comes an hour later here: the test posts as Safaricom would.
  let quiet: TestServer;
  beforeAll(async () => {
    quiet = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '3600000' });
  });
  afterAll(() => quiet.close());

  const tokenOf = (id: string) =>
    createTransactionSecrets(createKeyring(Buffer.from(quiet.config.masterKeyHex!, 'hex'))).callbackToken(id);
  const post = (kind: 'results' | 'timeouts', id: string, token: string, body: unknown, headers = {}) =>
    axios.post(`${quiet.url}/api/v1/callbacks/status-${kind}/${id}/${token}`, body, { headers });
  const storedResults = (id: string) =>
    quiet
      .database()
      .all(
        quiet
          .database()
          .qb.selectFrom('StatusQueryResult')
          .selectAll()
          .where('statusQueryId', '=', id)
          .orderBy('id'),
      );

  async function pendingQuery(receipt: string) {
    const created = await axios.post(
      `${quiet.url}/api/v1/projects`,
      { name: 'Quiet shop' },
      { headers: adminHeaders(quiet) },
    );
    const shop = merchantClient(quiet.url, keysOf(created.data, 'test'));
    expect(
      (await shop({ method: 'POST', path: '/api/v1/mpesa-accounts', body: initiatorAccount() })).status,
    ).toBe(201);
    const asked = await shop({
      method: 'POST',
      path: '/api/v1/transactions/status-queries',
      body: { receipt },
    });
    expect(asked.data.statusQuery.status).toBe('pending');
    const read = async () =>
      (
        await shop({
          method: 'GET',
          path: `/api/v1/transactions/status-queries/${asked.data.statusQuery.id}`,
        })
      ).data.statusQuery as StatusQuery;
    return { id: asked.data.statusQuery.id as string, read };
  }

  it('when the queue times out first and the Result comes later, then the query is timed_out, then found: the Result wins', async () => {
    const { id, read } = await pendingQuery('UB22ZZZZZY');
    const timeout = await post('timeouts', id, tokenOf(id), {
      Result: { ResultType: 0, ResultCode: 1, ResultDesc: 'Queue timeout' },
    });
    expect(timeout.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    expect(await read()).toMatchObject({
      status: 'timed_out',
      found: null,
      failure: { code: 'queue_timeout' },
    });

    const late = {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        TransactionID: 'UB20000000',
        ResultParameters: {
          ResultParameter: [
            { Key: 'ReceiptNo', Value: 'UB22ZZZZZY' },
            { Key: 'Amount', Value: 10.5 },
            { Key: 'TransactionStatus', Value: 'Completed' },
          ],
        },
      },
    };
    await post('results', id, tokenOf(id), late);
    // A 10.5 amount is kept as reported, never rounded into whole KES.
    expect(await read()).toMatchObject({
      status: 'found',
      found: true,
      transaction: { receipt: 'UB22ZZZZZY', amount: null, amountText: '10.5', status: 'Completed' },
      failure: null,
    });
    // The same Result again changes nothing, and is kept as a duplicate.
    await post('results', id, tokenOf(id), late);
    expect((await storedResults(id)).map((row) => `${row.kind}:${row.outcome}`)).toEqual([
      'timeout:applied',
      'result:applied',
      'result:duplicate',
    ]);
  });

  it('when a Result carries a token that does not match, then it is stored as an orphan and acknowledged, and the query is untouched', async () => {
    const { id, read } = await pendingQuery('UC33ZZZZZZ');
    const answer = await post('results', id, '00000000.forged', {
      Result: { ResultCode: 2032, ResultDesc: 'x' },
    });
    expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    expect((await read()).status).toBe('pending');
    const orphans = await quiet
      .database()
      .all(
        quiet
          .database()
          .qb.selectFrom('StatusQueryResult')
          .selectAll()
          .where('statusQueryId', 'is', null)
          .where('outcome', '=', 'orphan'),
      );
    expect(orphans.length).toBeGreaterThan(0);
  });

  it('when a Result is not JSON, then it is kept as unreadable, byte for byte, and the query is untouched', async () => {
    const { id, read } = await pendingQuery('UD44ZZZZZZ');
    const bytes = Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x7d]);
    await post('results', id, tokenOf(id), bytes, { 'Content-Type': 'application/octet-stream' });
    const kept = await storedResults(id);
    expect(kept.map((row) => row.outcome)).toEqual(['unreadable']);
    expect(Buffer.from(kept[0]!.rawBody)).toEqual(bytes);
    expect((await read()).status).toBe('pending');
  });
});

describe('an initiator that keeps failing', () => {
  let locking: TestServer;
  beforeAll(async () => {
    locking = await startTestServer();
  });
  afterAll(() => locking.close());

  it(`when the password is wrong ${LOCK_AFTER_FAILURES} times, then M-Pesa locks the credential (8006), even for the right password after`, async () => {
    const created = await axios.post(
      `${locking.url}/api/v1/projects`,
      { name: 'Locked shop' },
      { headers: adminHeaders(locking) },
    );
    const shop = merchantClient(locking.url, keysOf(created.data, 'test'));
    const account = await shop({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({
        shortcode: SANDBOX_SHORTCODE,
        passkey: SANDBOX_PASSKEY,
        initiatorName: 'testapi',
        initiatorPassword: 'wrong-again',
      } as never),
    });
    const codes: string[] = [];
    for (let attempt = 0; attempt <= LOCK_AFTER_FAILURES; attempt += 1) {
      const asked = await shop({
        method: 'POST',
        path: '/api/v1/transactions/status-queries',
        body: { receipt: `UE55ZZZZZ${attempt}` },
      });
      const query = (
        await eventually(
          () =>
            shop({ method: 'GET', path: `/api/v1/transactions/status-queries/${asked.data.statusQuery.id}` }),
          (response) => response.data.statusQuery.status !== 'pending',
        )
      ).data.statusQuery as StatusQuery;
      codes.push(query.result!.code);
    }
    expect(codes).toEqual([...Array(LOCK_AFTER_FAILURES).fill('2001'), '8006']);

    // The right password now: still locked, as M-Pesa keeps it until the org portal resets it.
    await shop({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${account.data.account.id}`,
      body: { initiatorPassword: CONFIGURED_PASSWORD },
    });
    const asked = await shop({
      method: 'POST',
      path: '/api/v1/transactions/status-queries',
      body: { receipt: 'UE55ZZZZZZ' },
    });
    const locked = (
      await eventually(
        () =>
          shop({ method: 'GET', path: `/api/v1/transactions/status-queries/${asked.data.statusQuery.id}` }),
        (response) => response.data.statusQuery.status !== 'pending',
      )
    ).data.statusQuery as StatusQuery;
    expect(locked).toMatchObject({
      status: 'failed',
      result: { code: '8006', description: 'The security credential is locked.' },
      failure: { code: 'credential_locked' },
    });
  });
});
