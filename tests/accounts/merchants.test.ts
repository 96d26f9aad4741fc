// Many merchants on one deployment: each project pays into its own M-Pesa accounts, test keys
// and live keys see only their own mode, an account Daraja keeps failing fails fast without
// troubling the others, and no credential ever shows in an answer or a log line. "Production"
// and "sandbox" are Daraja as the simulator plays it, on ports of their own, recording every push.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { adminHeaders, expectError, simulatorStats } from '../helpers/http-edges';
import { postCallback, successCallback } from '../helpers/callbacks';
import { eventually } from '../helpers/realtime';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { accountBody, keysOf, startRecordingDaraja, type RecordingDaraja } from '../helpers/accounts';
import { stkPassword } from '../../src/mpesa/mpesa.password';

const LIVE_A = {
  consumerKey: 'live-app-a-key-0001',
  consumerSecret: 'live-app-a-secret-0001',
  shortcode: '700100',
  passkey: 'live-passkey-a-00000000000000000001',
};
const LIVE_B = {
  consumerKey: 'live-app-b-key-0002',
  consumerSecret: 'live-app-b-secret-0002',
  shortcode: '700200',
  passkey: 'live-passkey-b-00000000000000000002',
  tillNumber: '7002001',
};

let production: RecordingDaraja;
let sandbox: RecordingDaraja;
let server: TestServer;
const logLines: string[] = [];
/** Every answer body the tests saw, to check none carries a secret. */
const answers: string[] = [];
/** Every secret the tests handed over or received once. */
const secrets: string[] = [LIVE_A.consumerSecret, LIVE_A.passkey, LIVE_B.consumerSecret, LIVE_B.passkey];

beforeAll(async () => {
  production = await startRecordingDaraja([LIVE_A, LIVE_B], {
    [LIVE_A.shortcode]: { passkey: LIVE_A.passkey, tills: [] },
    [LIVE_B.shortcode]: { passkey: LIVE_B.passkey, tills: [LIVE_B.tillNumber] },
  });
  // A sandbox that knows no app at all: every consumer key is refused.
  sandbox = await startRecordingDaraja([], {});
  server = await startTestServer(
    {
      MPESA_PRODUCTION_BASE_URL: production.url,
      MPESA_SANDBOX_BASE_URL: sandbox.url,
      SIMULATOR_CALLBACK_DELAY_MS: '3600000',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    },
    { logLines },
  );
});
afterAll(async () => {
  await server.close();
  await production.close();
  await sandbox.close();
});

/** A signed client that keeps every answer it gets, but the one that shows an endpoint's secret once. */
function recorded(request: MerchantRequest): MerchantRequest {
  return async (req) => {
    const response = await request(req);
    if (!(req.method === 'POST' && req.path === '/api/v1/webhook-endpoints'))
      answers.push(JSON.stringify(response.data));
    return response;
  };
}

async function newProject(name: string) {
  // The one answer that shows the secret keys, once: not among the answers checked.
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name },
    { headers: adminHeaders(server) },
  );
  secrets.push(created.data.secretKeys.test, created.data.secretKeys.live);
  return {
    id: created.data.project.id as string,
    test: recorded(merchantClient(server.url, keysOf(created.data, 'test'))),
    live: recorded(merchantClient(server.url, keysOf(created.data, 'live'))),
  };
}

const addAccount = async (client: MerchantRequest, body: Record<string, unknown>) => {
  secrets.push(body.consumerSecret as string, body.passkey as string);
  return client({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
};

describe('when two projects each collect into their own production account', () => {
  it('then every push carries its own BusinessShortCode, PartyB and password, and a till pays the till under its Head Office', async () => {
    const a = await newProject('Shop A');
    const b = await newProject('Shop B');
    expect((await addAccount(a.live, accountBody({ environment: 'production', ...LIVE_A }))).status).toBe(
      201,
    );
    expect((await addAccount(b.live, accountBody({ environment: 'production', ...LIVE_B }))).status).toBe(
      201,
    );

    const paidA = await a.live({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ accountReference: 'A-1' }),
    });
    const paidB = await b.live({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ accountReference: 'B-1' }),
    });
    const tillB = await b.live({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ accountReference: 'B-2', channel: 'till' }),
    });
    expect([paidA.status, paidB.status, tillB.status]).toEqual([201, 201, 201]);

    const pushOf = (reference: string) =>
      production.pushes.find((push) => push.AccountReference === reference)!;
    const expectPush = (
      reference: string,
      account: { shortcode: string; passkey: string },
      partyB: string,
      type: string,
    ) => {
      const push = pushOf(reference);
      expect(push).toMatchObject({
        BusinessShortCode: account.shortcode,
        PartyB: partyB,
        TransactionType: type,
      });
      expect(push.Password).toBe(stkPassword(account.shortcode, account.passkey, push.Timestamp as string));
    };
    expectPush('A-1', LIVE_A, LIVE_A.shortcode, 'CustomerPayBillOnline');
    // B's account has a till: its shortcode is the Head Office number, so the default is the till.
    expectPush('B-1', LIVE_B, LIVE_B.tillNumber, 'CustomerBuyGoodsOnline');
    expectPush('B-2', LIVE_B, LIVE_B.tillNumber, 'CustomerBuyGoodsOnline');

    // Safaricom calls back to each payment's own URL; each settles in its own project.
    const { id, checkoutRequestId } = paidA.data.transaction;
    expect(pushOf('A-1').CallBackURL).toBe(`${server.url}${server.callbackPath(id)}`);
    await postCallback(
      server.url,
      server.callbackPath(id),
      successCallback(checkoutRequestId, 10, 'LIVEA00001'),
    );
    expect(
      (await a.live({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction,
    ).toMatchObject({ status: 'completed', mpesaReceiptNumber: 'LIVEA00001' });
    expectError(
      await b.live({ method: 'GET', path: `/api/v1/transactions/${id}` }),
      404,
      'transaction_not_found',
    );
  });
});

describe('when two accounts push at the same moment', () => {
  it('then each fetches its own token once for the burst and every push carries its own', async () => {
    const c = await newProject('Shop C');
    const d = await newProject('Shop D');
    expect((await addAccount(c.live, accountBody({ environment: 'production', ...LIVE_A }))).status).toBe(
      201,
    );
    expect((await addAccount(d.live, accountBody({ environment: 'production', ...LIVE_B }))).status).toBe(
      201,
    );
    const oauthBefore = production.oauthCalls.length;
    const burst = await Promise.all(
      Array.from({ length: 5 }, (_, i) => [
        c.live({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ accountReference: `C-BURST-${i}` }),
        }),
        d.live({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ accountReference: `D-BURST-${i}` }),
        }),
      ]).flat(),
    );
    expect(burst.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    // Single flight per account: at most one OAuth call each for ten concurrent pushes.
    const during = production.oauthCalls.slice(oauthBefore);
    expect(during.filter((key) => key === LIVE_A.consumerKey).length).toBeLessThanOrEqual(1);
    expect(during.filter((key) => key === LIVE_B.consumerKey).length).toBeLessThanOrEqual(1);
    const tokensOf = (prefix: string) =>
      new Set(
        production.pushes.flatMap((push, i) =>
          String(push.AccountReference).startsWith(prefix) ? [production.pushTokens[i]] : [],
        ),
      );
    const [tokensC, tokensD] = [tokensOf('C-BURST'), tokensOf('D-BURST')];
    expect([tokensC.size, tokensD.size]).toEqual([1, 1]);
    expect([...tokensC][0]).not.toBe([...tokensD][0]);
  });
});

describe('when an account is saved with an initiator for later Daraja APIs', () => {
  it('then the name is shown, the credential only masked, and changing it keeps it write-only', async () => {
    const shop = await newProject('Shop E');
    const credential = 'InitiatorCredential-E-0001';
    secrets.push(credential);
    const added = await addAccount(
      shop.live,
      accountBody({
        environment: 'production',
        ...LIVE_A,
        initiatorName: 'apiop',
        initiatorCredential: credential,
      }),
    );
    expect(added.status).toBe(201);
    expect(added.data.account).toMatchObject({ initiatorName: 'apiop', initiatorCredential: '••••0001' });
    const changed = await shop.live({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${added.data.account.id}`,
      body: { initiatorCredential: 'InitiatorCredential-E-0002' },
    });
    secrets.push('InitiatorCredential-E-0002');
    expect(changed.data.account).toMatchObject({ initiatorName: 'apiop', initiatorCredential: '••••0002' });
    const listed = await shop.live({ method: 'GET', path: '/api/v1/mpesa-accounts' });
    expect(JSON.stringify(listed.data)).not.toContain('InitiatorCredential-E');
  });
});

describe('when a project works in both modes', () => {
  let shop: Awaited<ReturnType<typeof newProject>>;
  let testHooks: WebhookReceiver;
  let liveHooks: WebhookReceiver;
  beforeAll(async () => {
    shop = await newProject('Two-mode shop');
    await addAccount(shop.live, accountBody({ environment: 'production', ...LIVE_A }));
    testHooks = await startWebhookReceiver();
    liveHooks = await startWebhookReceiver();
    for (const [client, hooks] of [
      [shop.test, testHooks],
      [shop.live, liveHooks],
    ] as const) {
      const endpoint = await client({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: hooks.url },
      });
      secrets.push(endpoint.data.secret);
    }
  });
  afterAll(async () => {
    await testHooks.close();
    await liveHooks.close();
  });

  it('then a test key never reads, lists, reconciles or receives a live payment, and the other way round', async () => {
    const live = (
      await shop.live({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody({ accountReference: 'LIVE-1' }),
      })
    ).data.transaction;
    const test = (
      await shop.test({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody({ accountReference: 'TEST-1' }),
      })
    ).data.transaction;
    await postCallback(
      server.url,
      server.callbackPath(live.id),
      successCallback(live.checkoutRequestId, 10, 'LIVEB00001'),
    );
    await postCallback(
      server.url,
      server.callbackPath(test.id),
      successCallback(test.checkoutRequestId, 10, 'TESTB00001'),
    );

    expectError(
      await shop.test({ method: 'GET', path: `/api/v1/transactions/${live.id}` }),
      404,
      'transaction_not_found',
    );
    expectError(
      await shop.test({ method: 'POST', path: `/api/v1/transactions/${live.id}/reconcile` }),
      404,
      'transaction_not_found',
    );
    expectError(
      await shop.live({ method: 'GET', path: `/api/v1/transactions/${test.id}` }),
      404,
      'transaction_not_found',
    );
    const listed = (client: MerchantRequest) =>
      client({ method: 'GET', path: '/api/v1/transactions' }).then((answer) =>
        answer.data.data.map((row: { id: string }) => row.id),
      );
    expect(await listed(shop.test)).toEqual([test.id]);
    expect(await listed(shop.live)).toEqual([live.id]);

    const liveEvent = await eventually(
      async () => [...liveHooks.accepted().values()],
      (got) => got.length >= 1,
    );
    const testEvent = await eventually(
      async () => [...testHooks.accepted().values()],
      (got) => got.length >= 1,
    );
    expect(liveEvent.map((hook) => JSON.parse(hook.body).data.transaction.id)).toEqual([live.id]);
    expect(testEvent.map((hook) => JSON.parse(hook.body).data.transaction.id)).toEqual([test.id]);
    const events = (client: MerchantRequest) =>
      client({ method: 'GET', path: '/api/v1/events' }).then((answer) =>
        answer.data.data.map((event: { transactionId: string }) => event.transactionId),
      );
    expect(await events(shop.test)).toEqual([test.id]);
    expect(await events(shop.live)).toEqual([live.id]);
    // Endpoints and accounts belong to a mode too.
    expect((await shop.test({ method: 'GET', path: '/api/v1/webhook-endpoints' })).data.data).toHaveLength(1);
    expect((await shop.test({ method: 'GET', path: '/api/v1/mpesa-accounts' })).data.data).toEqual([]);
    expect((await shop.live({ method: 'GET', path: '/api/v1/mpesa-accounts' })).data.data).toHaveLength(1);
  });

  it('then a test key cannot add a production account, nor a live key a simulator one', async () => {
    const wrongLive = await addAccount(shop.test, accountBody({ environment: 'production', ...LIVE_A }));
    expect(expectError(wrongLive, 400, 'validation_failed').message).toMatch(
      /test key manages simulator and sandbox accounts/,
    );
    expectError(
      await addAccount(shop.live, accountBody({ environment: 'simulator' })),
      400,
      'validation_failed',
    );
  });
});

describe('when a project has no account of the mode its key is for', () => {
  it("then test payments use the deployment's simulator account, and live ones are refused with mpesa_account_missing", async () => {
    const shop = await newProject('Accountless shop');
    expect(
      (await shop.test({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() }))
        .status,
    ).toBe(201);
    expectError(
      await shop.live({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() }),
      409,
      'mpesa_account_missing',
    );
  });
});

describe('when an account is saved with credentials Daraja refuses', () => {
  it('then it is refused with mpesa_account_rejected naming the environment, and nothing is kept', async () => {
    const shop = await newProject('Typo shop');
    const refused = await addAccount(shop.test, accountBody({ environment: 'sandbox' }));
    const error = expectError(refused, 422, 'mpesa_account_rejected');
    expect(error.message).toMatch(/sandbox refused this consumer key and secret/);
    expect(error.details).toMatchObject({ environment: 'sandbox', darajaHttpStatus: 400 });
    expect((await shop.test({ method: 'GET', path: '/api/v1/mpesa-accounts' })).data.data).toEqual([]);
  });
});

describe('when Daraja keeps failing one account', () => {
  it('then after five failures within a minute its pushes fail fast for 30 s, and another account pushes on untouched', async () => {
    const shop = await newProject('Breaker shop');
    const failing = (await addAccount(shop.test, accountBody({ name: 'Failing', shortcode: '600301' }))).data
      .account.id as string;
    const healthy = (await addAccount(shop.test, accountBody({ name: 'Healthy', shortcode: '600302' }))).data
      .account.id as string;
    const push = (account: string, phone = '0712345678') =>
      shop.test({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody({ account, phone }),
      });

    // The simulator answers this number with Spike Arrest (500.003.02): Daraja failing the account.
    for (let i = 0; i < 5; i += 1) expectError(await push(failing, '0700000009'), 503, 'mpesa_unavailable');
    const pushesBefore = (await simulatorStats(server)).stkPushes;
    const fast = await push(failing);
    const error = expectError(fast, 503, 'mpesa_unavailable');
    expect(error.details).toMatchObject({ reason: 'circuit_open' });
    expect(Number(fast.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(fast.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect((await simulatorStats(server)).stkPushes).toBe(pushesBefore);

    expect((await push(healthy)).status).toBe(201);
  });
});

describe("when the simulator is sent a Password built with another account's passkey", () => {
  it("then it refuses it as Daraja does (Wrong credentials), and accepts the account's own", async () => {
    const shop = await newProject('Simulator shop');
    const mine = accountBody({ shortcode: '600401' });
    const theirs = accountBody({ shortcode: '600402' });
    await addAccount(shop.test, mine);
    await addAccount(shop.test, theirs);
    const basic = Buffer.from(`${mine.consumerKey}:${mine.consumerSecret}`).toString('base64');
    const token = (
      await axios.get(`${server.url}/simulator/oauth/v1/generate?grant_type=client_credentials`, {
        headers: { Authorization: `Basic ${basic}` },
      })
    ).data.access_token;
    const timestamp = '20261201120000';
    const pushWith = (passkey: string) =>
      axios.post(
        `${server.url}/simulator/mpesa/stkpush/v1/processrequest`,
        {
          BusinessShortCode: mine.shortcode,
          Password: stkPassword(mine.shortcode, passkey, timestamp),
          Timestamp: timestamp,
          TransactionType: 'CustomerPayBillOnline',
          Amount: 1,
          PartyA: '254712345678',
          PartyB: mine.shortcode,
          PhoneNumber: '254712345678',
          CallBackURL: `${server.url}/api/v1/callbacks/stk/txn_none/token`,
          AccountReference: 'X',
          TransactionDesc: 'X',
        },
        { headers: { Authorization: `Bearer ${token}` }, validateStatus: () => true },
      );
    expect((await pushWith(theirs.passkey)).data).toMatchObject({
      errorCode: '500.001.1001',
      errorMessage: 'Wrong credentials',
    });
    expect((await pushWith(mine.passkey)).data).toMatchObject({ ResponseCode: '0' });
  });
});

describe('when the operator looks after projects', () => {
  it('then the list shows each project with its accounts masked, and a disabled project is refused until enabled again', async () => {
    const shop = await newProject('Managed shop');
    const body = accountBody({ shortcode: '600501', tillNumber: '6005011' });
    await addAccount(shop.test, body);
    const listed = await axios.get(`${server.url}/api/v1/projects`, { headers: adminHeaders(server) });
    answers.push(JSON.stringify(listed.data));
    const project = listed.data.data.find((candidate: { id: string }) => candidate.id === shop.id);
    expect(project.accounts).toEqual([
      expect.objectContaining({
        environment: 'simulator',
        mode: 'test',
        shortcode: '600501',
        tillNumber: '6005011',
        consumerSecret: `••••${body.consumerSecret.slice(-4)}`,
        passkey: `••••${body.passkey.slice(-4)}`,
      }),
    ]);

    const disable = (disabled: boolean) =>
      axios.patch(
        `${server.url}/api/v1/projects/${shop.id}`,
        { disabled, name: 'Renamed shop' },
        { headers: adminHeaders(server) },
      );
    expect((await disable(true)).data.project).toMatchObject({
      name: 'Renamed shop',
      disabledAt: expect.any(String),
    });
    expectError(await shop.test({ method: 'GET', path: '/api/v1/transactions' }), 403, 'project_disabled');
    expect((await disable(false)).data.project.disabledAt).toBeNull();
    expect((await shop.test({ method: 'GET', path: '/api/v1/transactions' })).status).toBe(200);
  });
});

describe('when an account create is sent again with its Idempotency-Key', () => {
  it('then the repeat answers the first account still masked, copies at once add one, the other mode keeps its own keys, and another body is refused', async () => {
    const shop = await newProject('Idempotent shop');
    const create = (client: MerchantRequest, key: string, body: Record<string, unknown>) => {
      secrets.push(body.consumerSecret as string, body.passkey as string);
      return client({
        method: 'POST',
        path: '/api/v1/mpesa-accounts',
        body,
        headers: { 'Idempotency-Key': key },
      });
    };
    const body = accountBody({ shortcode: '600910' });
    const first = await create(shop.test, 'account-create-1', body);
    const again = await create(shop.test, 'account-create-1', body);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.data).toEqual(first.data);
    expect(again.data.account).toMatchObject({
      consumerSecret: `••••${body.consumerSecret.slice(-4)}`,
      passkey: `••••${body.passkey.slice(-4)}`,
    });

    // Two copies in flight together (same signature, same key): one account, both answered with it.
    const other = accountBody({ shortcode: '600920' });
    const copies = await Promise.all([
      create(shop.test, 'account-create-2', other),
      create(shop.test, 'account-create-2', other),
    ]);
    expect(copies.map((copy) => copy.status)).toEqual([201, 201]);
    expect(copies[1]!.data).toEqual(copies[0]!.data);

    const listed = await shop.test({ method: 'GET', path: '/api/v1/mpesa-accounts' });
    expect(listed.data.data.map((account: { id: string }) => account.id).sort()).toEqual(
      [first.data.account.id, copies[0]!.data.account.id].sort(),
    );

    // A live key's create with the same key is another request: its own account.
    const live = await create(
      shop.live,
      'account-create-1',
      accountBody({ environment: 'production', ...LIVE_A }),
    );
    expect(live.status).toBe(201);
    expect(live.data.account.id).not.toBe(first.data.account.id);

    const renamed = await create(shop.test, 'account-create-1', { ...body, name: 'Another name' });
    expectError(renamed, 409, 'idempotency_key_reused');
    expect((await shop.test({ method: 'GET', path: '/api/v1/mpesa-accounts' })).data.data).toHaveLength(2);
  });
});

describe('when everything above has run', () => {
  it('then no answer and no log line held a secret key, consumer secret, passkey or webhook secret', () => {
    expect(logLines.length).toBeGreaterThan(50);
    const everything = [...answers, ...logLines].join('\n');
    const leaked = secrets.filter((secret) => secret && everything.includes(secret));
    expect(leaked).toEqual([]);
  });
});
