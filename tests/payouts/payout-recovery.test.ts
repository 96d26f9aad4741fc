// Results arrive once and are never lost; a payout whose answer or result is missing becomes
// `unknown` and is resolved by Transaction Status by its OriginatorConversationID, never by
// sending it again. Over real HTTP against the service's own simulator.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/realtime';
import { phoneForB2cOutcome } from '../../src/simulator/simulator.b2c-outcomes';
import {
  payoutBody,
  payoutProject,
  payoutResultPath,
  simulatorStats,
  type PayoutProject,
} from '../helpers/payouts';
import fixtures from '../fixtures/daraja-fixtures.json';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    MPESA_TIMEOUT_MS: '1500',
    PAYOUT_RESULT_WAIT: '300ms',
    PAYOUT_STATUS_RETRY_SCHEDULE: '200ms,300ms,500ms,1s,2s',
    PAYOUT_RECOVERY_INTERVAL: '100ms',
  });
});
afterAll(() => server.close());

const read = (shop: PayoutProject, id: string) =>
  shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}` });

async function settled(shop: PayoutProject, id: string) {
  const response = await eventually(
    () => read(shop, id),
    (answer) => ['succeeded', 'failed'].includes(answer.data.payout.status),
    15_000,
  );
  return response.data.payout;
}

async function pay(shop: PayoutProject, phone: string) {
  const created = await shop.merchant({
    method: 'POST',
    path: '/api/v1/payouts',
    body: payoutBody({ phone }),
  });
  expect(created.status).toBe(201);
  return created.data.payout.id as string;
}

const historyOf = async (shop: PayoutProject, id: string) =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}/history` })).data;

describe('when a result is missing', () => {
  it('then the payout becomes unknown, Transaction Status by its OriginatorConversationID settles it, and it is never sent again', async () => {
    const shop = await payoutProject(server);
    const before = await simulatorStats(server.url);
    const id = await pay(shop, phoneForB2cOutcome('payout-result-lost'));

    const payout = await settled(shop, id);
    expect(payout.status).toBe('succeeded');
    expect(payout.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
    const after = await simulatorStats(server.url);
    expect(after.b2cRequests - before.b2cRequests).toBe(1);
    expect(after.transactionStatusQueries - before.transactionStatusQueries).toBeGreaterThanOrEqual(1);

    const history = await historyOf(shop, id);
    expect(
      history.statusChanges.map((change: { toStatus: string; source: string }) => [
        change.toStatus,
        change.source,
      ]),
    ).toEqual([
      ['requested', 'request'],
      ['submitted', 'send'],
      ['unknown', 'result_overdue'],
      ['succeeded', 'status_query'],
    ]);
    expect(history.results.map((result: { kind: string }) => result.kind)).toContain('status');
    const events = await shop.merchant({ method: 'GET', path: '/api/v1/events' });
    const types = events.data.data
      .filter((event: { data: { payout?: { id: string } } }) => event.data.payout?.id === id)
      .map((event: { type: string }) => event.type);
    expect(types.sort()).toEqual(['payout.succeeded', 'payout.unknown']);
  });

  it('when M-Pesa reports a queue timeout, then the payout is unknown until Transaction Status says it was paid', async () => {
    const shop = await payoutProject(server);
    const before = await simulatorStats(server.url);
    const id = await pay(shop, phoneForB2cOutcome('payout-queue-timeout'));
    const payout = await settled(shop, id);
    expect(payout.status).toBe('succeeded');
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(1);
    const history = await historyOf(shop, id);
    expect(history.statusChanges.map((change: { source: string }) => change.source)).toEqual([
      'request',
      'send',
      'queue_timeout',
      'status_query',
    ]);
  });

  it("when Daraja's answer to the request never comes, then the payout is not resent and its result settles it", async () => {
    const shop = await payoutProject(server);
    const before = await simulatorStats(server.url);
    const created = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ phone: phoneForB2cOutcome('payout-answer-lost') }),
    });
    expect(created.status).toBe(201);
    // Its result came while we waited for the answer; the lost answer changes nothing after it.
    expect(['succeeded', 'unknown']).toContain(created.data.payout.status);
    const payout = await settled(shop, created.data.payout.id);
    expect(payout.status).toBe('succeeded');
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(1);
  });
});

describe('when a payout was stored and the process died before it was claimed for its send', () => {
  it('then the recovery sends it, through the same one claim, and it settles', async () => {
    const shop = await payoutProject(server);
    const db = server.database();
    const at = new Date(Date.now() - 60_000);
    const id = `po_${at.getTime().toString(36).padStart(9, '0')}0123456789abcdef0123`;
    await db.run(
      db.qb.insertInto('Payout').values({
        id,
        projectId: shop.projectId,
        mode: 'test',
        accountId: shop.accountId,
        shortcode: shop.shortcode,
        phone: '254708374149',
        amount: 120,
        purpose: 'BusinessPayment',
        remarks: 'Orphaned by a crash',
        status: 'requested',
        requestedBy: `key:${shop.publicKey}`,
        approvalRequired: false,
        createdAt: at,
        updatedAt: at,
        statusChecks: 0,
      }),
    );
    const before = await simulatorStats(server.url);
    const payout = await settled(shop, id);
    expect(payout).toMatchObject({ status: 'succeeded', amount: 120 });
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(1);
  });
});

describe('POST /api/v1/callbacks/payouts/{id}/{token}/result', () => {
  // Here nothing but the test posts results: no Transaction Status comes to settle these first.
  let quiet: TestServer;
  beforeAll(async () => {
    quiet = await startTestServer({ PAYOUT_RESULT_WAIT: '1h' });
  });
  afterAll(() => quiet.close());
  const pay = async (shop: PayoutProject, phone: string) => {
    const created = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ phone }),
    });
    expect(created.status).toBe(201);
    return created.data.payout.id as string;
  };
  it('when a result comes with a wrong token, then it is acknowledged and stored as an orphan, and no payout moves', async () => {
    const shop = await payoutProject(quiet);
    const id = await pay(shop, phoneForB2cOutcome('payout-result-lost'));
    const path = payoutResultPath(quiet, id, 'result', 'k1.not-the-token');
    const body = { Result: { ...fixtures.b2c_result_success.body.Result, OriginatorConversationID: id } };
    const response = await axios.post(`${quiet.url}${path}`, body);
    expect(response.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    const stored = await quiet
      .database()
      .all(
        quiet.database().qb.selectFrom('PayoutResult').selectAll().where('originatorConversationId', '=', id),
      );
    expect(stored).toEqual([expect.objectContaining({ payoutId: null, outcome: 'orphan', kind: 'result' })]);
    expect((await read(shop, id)).data.payout.mpesaReceiptNumber).toBeNull();
  });

  it("when a payout's own token carries another payout's OriginatorConversationID, then it is an orphan, never applied to either", async () => {
    const shop = await payoutProject(quiet);
    const first = await pay(shop, phoneForB2cOutcome('payout-result-lost'));
    const second = await pay(shop, phoneForB2cOutcome('payout-result-lost'));
    const body = { Result: { ...fixtures.b2c_result_success.body.Result, OriginatorConversationID: second } };
    await axios.post(`${quiet.url}${payoutResultPath(quiet, first, 'result')}`, body);
    const rows = await quiet
      .database()
      .all(
        quiet
          .database()
          .qb.selectFrom('PayoutResult')
          .selectAll()
          .where('originatorConversationId', '=', second),
      );
    expect(rows).toEqual([expect.objectContaining({ payoutId: null, outcome: 'orphan' })]);
    expect((await read(shop, first)).data.payout.mpesaReceiptNumber).toBeNull();
  });

  it('when a failure result carries a placeholder TransactionID and items without Value, then the payout fails with no receipt', async () => {
    const shop = await payoutProject(quiet);
    const id = await pay(shop, phoneForB2cOutcome('payout-result-lost'));
    const body = {
      Result: {
        ResultType: '0',
        ResultCode: '2040',
        ResultDesc:
          "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
        OriginatorConversationID: id,
        ConversationID: 'AG_20260101_0000000000000000000a',
        TransactionID: 'SIK0000000',
        ResultParameters: { ResultParameter: { Key: 'TransactionAmount' } },
        ReferenceData: { ReferenceItem: { Key: 'QueueTimeoutURL' } },
      },
    };
    await axios.post(`${quiet.url}${payoutResultPath(quiet, id, 'result')}`, body);
    const payout = await settled(shop, id);
    expect(payout).toMatchObject({
      status: 'failed',
      mpesaReceiptNumber: null,
      reason: { code: 'recipient_unregistered', resultCode: '2040' },
    });
  });

  it('when a body is not JSON at all, then it is stored as it came (unreadable) and acknowledged', async () => {
    const shop = await payoutProject(quiet);
    const id = await pay(shop, phoneForB2cOutcome('payout-result-lost'));
    const response = await axios.post(
      `${quiet.url}${payoutResultPath(quiet, id, 'result')}`,
      '<xml>not json',
      {
        headers: { 'Content-Type': 'text/xml' },
      },
    );
    expect(response.data.ResultCode).toBe(0);
    const rows = await quiet
      .database()
      .all(quiet.database().qb.selectFrom('PayoutResult').selectAll().where('payoutId', '=', id));
    expect(rows.map((row) => [row.outcome, Buffer.from(row.rawBody).toString()])).toContainEqual([
      'unreadable',
      '<xml>not json',
    ]);
  });
});
