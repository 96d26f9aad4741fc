// Catch-up with Pull Transactions (issue 19 item 6), against the simulator over real HTTP: a
// sandbox account on a Daraja of its own (the simulator, standalone, so two instances of the
// service share it), C2B and Pull switched on through the merchant API, customers paying
// through the simulator with some confirmations lost on the way. A pull fills each lost one
// once (`c2b.via: "pull"`), leaves the delivered ones alone, pages by offset, and two instances
// pulling at once make no doubles. SQLite, or PostgreSQL with TEST_DATABASE_URL.
import axios from 'axios';
import express from 'express';
import { createLogger } from '../../src/logger';
import { createSimulator } from '../../src/simulator/simulator';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import { accountBody, keysOf } from '../helpers/accounts';
import { listenOnLoopback } from '../helpers/fake-daraja';
import { adminHeaders, expectError } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest, type ProjectKeys } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { sameDatabase, startTestServer, type TestServer } from '../helpers/server';

const APP = { consumerKey: 'pull-app-key-0001', consumerSecret: 'pull-app-secret-0001' };
const SHORTCODES = ['600710', '600711', '600712', '600713', '600714'];

interface Daraja {
  url: string;
  close(): Promise<void>;
}

/** The simulator on a port of its own, knowing one Daraja app. */
async function startDaraja(): Promise<Daraja> {
  const simulator = createSimulator({
    directory: staticDirectory(
      [APP],
      Object.fromEntries(SHORTCODES.map((code) => [code, { passkey: 'pull-passkey', tills: [] }])),
    ),
    callbackDelayMs: 3_600_000,
    lateCallbackMs: 3_600_000,
    logger: createLogger({ log: { level: 'error', format: 'json' } }, true),
    callbackTargets: callbackTargets([{ origin: 'loopback', pathPrefix: '/' }]),
  });
  const web = express();
  web.use(simulator.router);
  const server = await listenOnLoopback(web);
  return {
    url: server.url,
    close: async () => {
      simulator.stop();
      await server.close();
    },
  };
}

interface Shop {
  merchant: MerchantRequest;
  keys: ProjectKeys;
  accountId: string;
  shortcode: string;
}

/** A project with a sandbox PayBill on `daraja`, C2B on and (unless told) Pull on. */
async function shop(server: TestServer, shortcode: string, pull = true): Promise<Shop> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Pulling shop' },
    { headers: adminHeaders(server) },
  );
  const keys = keysOf(created.data, 'test');
  const merchant = merchantClient(server.url, keys);
  const account = await merchant({
    method: 'POST',
    path: '/api/v1/mpesa-accounts',
    body: accountBody({ environment: 'sandbox', ...APP, shortcode, passkey: 'pull-passkey' }),
  });
  expect(account.status).toBe(201);
  const accountId = account.data.account.id as string;
  const on = await merchant({
    method: 'POST',
    path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
    body: { version: 'v2' },
  });
  expect(on.status).toBe(200);
  if (pull) {
    const pulled = await merchant({
      method: 'PUT',
      path: `/api/v1/mpesa-accounts/${accountId}/c2b/pull`,
      body: { enabled: true, nominatedNumber: '0722000000' },
    });
    expect(pulled.status).toBe(200);
    expect(pulled.data.c2b.pull).toMatchObject({ enabled: true, nominatedNumber: '254722000000' });
  }
  return { merchant, keys, accountId, shortcode };
}

let daraja: Daraja;
beforeAll(async () => {
  daraja = await startDaraja();
});
afterAll(async () => {
  await daraja.close();
});

/** A customer pays the shop's PayBill from the M-Pesa menu; `lose`: its confirmation never arrives. */
async function customerPays(target: Shop, amount: number, lose: boolean) {
  const answer = await axios.post(`${daraja.url}/__simulator/c2b/payments`, {
    shortCode: target.shortcode,
    amount,
    msisdn: '254708374149',
    billRefNumber: `WALK-${amount}`,
    consumerKey: APP.consumerKey,
    loseConfirmation: lose,
  });
  expect(answer.data.status).toBe('completed');
  return answer.data as { transId: string; confirmation: { sent: boolean; delivered?: boolean } };
}

const byReceipt = async (target: Shop, receipt: string) =>
  (await target.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` })).data
    .data as Array<Record<string, any>>;
const eventTypes = async (target: Shop, transactionId: string) =>
  (
    (await target.merchant({ method: 'GET', path: `/api/v1/events?transactionId=${transactionId}` })).data
      .data as Array<{ type: string }>
  ).map((event) => event.type);
const pullNow = (target: Shop) =>
  target.merchant({ method: 'POST', path: `/api/v1/mpesa-accounts/${target.accountId}/c2b/pull/runs` });

describe('POST /api/v1/mpesa-accounts/{id}/c2b/pull/runs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MPESA_SANDBOX_BASE_URL: daraja.url, C2B_PULL_INTERVAL: '1h' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('when a confirmation never arrived, then a pull fills it once, marked as pulled; a second pull adds nothing; the delivered one is not doubled', async () => {
    const target = await shop(server, SHORTCODES[0]!);
    const delivered = await customerPays(target, 40, false);
    const lost = await customerPays(target, 41, true);
    expect(delivered.confirmation).toMatchObject({ sent: true, delivered: true });
    expect(lost.confirmation.sent).toBe(false);
    await eventually(
      () => byReceipt(target, delivered.transId),
      (found) => found.length === 1,
    );
    expect(await byReceipt(target, lost.transId)).toEqual([]);

    const first = await pullNow(target);
    expect(first.status).toBe(200);
    expect(first.data.pull).toMatchObject({ rows: 2, filled: 1, alreadyHeld: 1, unreadable: 0, pages: 2 });

    const [filled] = await byReceipt(target, lost.transId);
    expect(filled).toMatchObject({
      origin: 'c2b',
      status: 'completed',
      amount: 41,
      amountPaid: 41,
      channel: 'paybill',
      accountReference: 'WALK-41',
      c2b: { via: 'pull', msisdnForm: 'clear', msisdn: '254708374149', amountReported: '41.0' },
    });
    expect(filled!.paidAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
    expect(await eventTypes(target, filled!.id)).toEqual(['transaction.received']);
    const event = (
      await target.merchant({ method: 'GET', path: `/api/v1/events?transactionId=${filled!.id}` })
    ).data.data[0];
    const detail = await target.merchant({ method: 'GET', path: `/api/v1/events/${event.id}` });
    expect(detail.data.event.data.transaction.c2b.via).toBe('pull');
    // The pulled row is kept like a confirmation, the phone masked where people read it.
    const history = await target.merchant({
      method: 'GET',
      path: `/api/v1/transactions/${filled!.id}/history`,
    });
    expect(history.data.callbacks).toHaveLength(1);
    expect(history.data.callbacks[0].body).toContain(lost.transId);
    expect(history.data.callbacks[0].body).not.toContain('254708374149');

    const again = await pullNow(target);
    expect(again.data.pull).toMatchObject({ rows: 2, filled: 0, alreadyHeld: 2 });
    expect(await byReceipt(target, lost.transId)).toHaveLength(1);
    const [confirmed] = await byReceipt(target, delivered.transId);
    expect(confirmed!.c2b.via).toBe('confirmation');
    expect(await eventTypes(target, confirmed!.id)).toEqual(['transaction.received']);

    const settings = await target.merchant({
      method: 'GET',
      path: `/api/v1/mpesa-accounts/${target.accountId}/c2b`,
    });
    expect(settings.data.c2b.pull).toMatchObject({ enabled: true, lastPullFilled: 0, lastPullError: null });
    expect(settings.data.c2b.pull.lastPullAt).toEqual(expect.any(String));
  });

  it('when the window holds more than one page, then the pull follows the offset to the end and fills every lost one', async () => {
    const target = await shop(server, SHORTCODES[1]!);
    const token = await axios.get(`${daraja.url}/oauth/v1/generate?grant_type=client_credentials`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${APP.consumerKey}:${APP.consumerSecret}`).toString('base64')}`,
      },
    });
    const small = await axios.put(
      `${daraja.url}/__simulator/c2b/settings`,
      { pullPageSize: 2 },
      { headers: { Authorization: `Bearer ${token.data.access_token}` } },
    );
    expect(small.status).toBe(200);
    const lost = [];
    for (let i = 0; i < 5; i += 1) lost.push(await customerPays(target, 50 + i, true));

    const pulled = await pullNow(target);
    expect(pulled.data.pull).toMatchObject({ rows: 5, filled: 5, alreadyHeld: 0, pages: 4 });
    for (const payment of lost) {
      const found = await byReceipt(target, payment.transId);
      expect(found).toHaveLength(1);
      expect(found[0]!.c2b.via).toBe('pull');
    }
    // The list's channel filter: menu payments to a PayBill, not prompts, not tills.
    const ids = async (channel: string) =>
      (
        (await target.merchant({ method: 'GET', path: `/api/v1/transactions?channel=${channel}&limit=100` }))
          .data.data as Array<{ mpesaReceiptNumber: string }>
      ).map((payment) => payment.mpesaReceiptNumber);
    expect(await ids('paybill')).toEqual(expect.arrayContaining(lost.map((payment) => payment.transId)));
    expect(await ids('stk')).toEqual([]);
    expect(await ids('till')).toEqual([]);
    expectError(
      await target.merchant({ method: 'GET', path: '/api/v1/transactions?channel=menu' }),
      400,
      'validation_failed',
    );
  });

  it('when Pull is off or C2B is off, then pulling is refused as c2b_not_enabled, and Pull cannot be switched on without C2B', async () => {
    const target = await shop(server, SHORTCODES[2]!, false);
    expectError(await pullNow(target), 409, 'c2b_not_enabled');
    const off = await target.merchant({
      method: 'DELETE',
      path: `/api/v1/mpesa-accounts/${target.accountId}/c2b`,
    });
    expect(off.status).toBe(200);
    const refused = await target.merchant({
      method: 'PUT',
      path: `/api/v1/mpesa-accounts/${target.accountId}/c2b/pull`,
      body: { enabled: true, nominatedNumber: '254722000000' },
    });
    expectError(refused, 409, 'c2b_not_enabled');
    const bad = await target.merchant({
      method: 'PUT',
      path: `/api/v1/mpesa-accounts/${target.accountId}/c2b/pull`,
      body: { enabled: true },
    });
    expect(bad.status).toBe(400);
  });
});

describe('when two instances pull one account', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ MPESA_SANDBOX_BASE_URL: daraja.url, C2B_PULL_INTERVAL: '1h' });
    second = await startTestServer({
      ...sameDatabase(first),
      MPESA_SANDBOX_BASE_URL: daraja.url,
      C2B_PULL_INTERVAL: '1h',
    });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('then pulls at once on both make each lost payment once, with one event; a pull already running is answered 409 c2b_pull_in_progress', async () => {
    const onFirst = await shop(first, SHORTCODES[3]!);
    const onSecond: Shop = { ...onFirst, merchant: merchantClient(second.url, onFirst.keys) };
    const lost = [];
    for (let i = 0; i < 4; i += 1) lost.push(await customerPays(onFirst, 60 + i, true));
    const answers = await Promise.all([onFirst, onSecond, onFirst, onSecond, onFirst, onSecond].map(pullNow));
    for (const answer of answers) if (answer.status !== 200) expectError(answer, 409, 'c2b_pull_in_progress');
    const succeeded = answers.filter((answer) => answer.status === 200);
    expect(succeeded.length).toBeGreaterThan(0);
    // Each lost payment was filled by exactly one of the pulls that ran.
    expect(succeeded.reduce((sum, answer) => sum + (answer.data.pull.filled as number), 0)).toBe(4);
    for (const payment of lost) {
      const found = await byReceipt(onSecond, payment.transId);
      expect(found).toHaveLength(1);
      expect(await eventTypes(onFirst, found[0]!.id)).toEqual(['transaction.received']);
    }
    const later = await pullNow(onSecond);
    expect(later.data.pull).toMatchObject({ filled: 0, alreadyHeld: 4 });
  });
});

describe('when two instances pull on their own every C2B_PULL_INTERVAL', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ MPESA_SANDBOX_BASE_URL: daraja.url, C2B_PULL_INTERVAL: '200ms' });
    second = await startTestServer({
      ...sameDatabase(first),
      MPESA_SANDBOX_BASE_URL: daraja.url,
      C2B_PULL_INTERVAL: '200ms',
    });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('then a lost confirmation is filled without anyone asking, once, with one event', async () => {
    const target = await shop(first, SHORTCODES[4]!);
    const lost = await customerPays(target, 70, true);
    const [found] = await eventually(
      () => byReceipt(target, lost.transId),
      (payments) => payments.length > 0,
      10_000,
    );
    expect(found!.c2b.via).toBe('pull');
    // Several more ticks of both instances: still one payment, one event.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await byReceipt(target, lost.transId)).toHaveLength(1);
    expect(await eventTypes(target, found!.id)).toEqual(['transaction.received']);
  });
});
