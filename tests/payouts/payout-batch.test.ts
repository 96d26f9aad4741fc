// Batches of payouts (docs/payouts.md "Batches"): every row checked before anything is stored (a
// bad row refuses the whole batch, naming its line and field, and nothing reaches Daraja), one
// approval for the batch (never by the requester), the rows sent one by one at the pace with
// their own outcomes, and the outcome exported. Over real HTTP against the simulator; SQLite by
// default, PostgreSQL with TEST_DATABASE_URL.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from '../helpers/dashboard';
import { eventually } from '../helpers/realtime';
import { freshTimestamp } from '../helpers/merchant';
import { sign } from '../../src/security/signature';
import { payoutProject, simulatorStats, type PayoutProject } from '../helpers/payouts';
import { takeSendSlot } from '../../src/payouts/payout-batch.repository';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ PAYOUT_BATCH_PACE: '40ms' });
});
afterAll(async () => {
  await server.close();
});

const createBatch = (shop: PayoutProject, body: unknown, headers: Record<string, string> = {}) =>
  shop.merchant({ method: 'POST', path: '/api/v1/payout-batches', body, headers });

interface BatchAnswer {
  batch: { id: string; status: string; counts: Record<string, number>; completedAt: string | null };
  rows: Array<{
    line: number;
    payout: {
      id: string;
      status: string;
      submittedAt: string;
      remarks: string;
      metadata: unknown;
      reason: unknown;
      approval: unknown;
    };
  }>;
}

const getBatch = async (shop: PayoutProject, id: string): Promise<BatchAnswer> =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/payout-batches/${id}` })).data as BatchAnswer;

/** A CSV body, signed as the SDK signs any body: over its exact bytes. */
async function postCsv(shop: PayoutProject, csv: string) {
  const path = '/api/v1/payout-batches';
  const timestamp = String(freshTimestamp(shop.keys.publicKey, 'POST', path, csv));
  return axios.post(`${server.url}${path}`, csv, {
    headers: {
      'Content-Type': 'text/csv',
      'X-Api-Key': shop.keys.publicKey,
      'X-Timestamp': timestamp,
      'X-Signature': sign(shop.keys.secretKey, { timestamp, method: 'POST', path, body: csv }),
    },
    validateStatus: () => true,
    transformRequest: (data: unknown) => data,
  });
}

let users = 0;
async function userOf(shop: PayoutProject): Promise<DashboardBrowser> {
  users += 1;
  const email = `batch${users}-${Date.now()}@shop.example`;
  const created = await createDashboardUser(server, {
    email,
    password: PASSWORD,
    role: 'member',
    projectIds: [shop.projectId],
  });
  expect(created.status).toBe(201);
  return browserFor(server.url, email);
}

const settled = (batch: BatchAnswer) =>
  batch.batch.status === 'sent' &&
  (batch.batch.counts.submitted ?? 0) === 0 &&
  (batch.batch.counts.requested ?? 0) === 0;

describe('POST /api/v1/payout-batches', () => {
  it('when one row of a CSV is bad, then the whole batch is refused with payout_batch_invalid naming its line and field, nothing is stored, and Daraja gets no B2C request', async () => {
    const shop = await payoutProject(server);
    const before = await simulatorStats(server.url);
    const csv = [
      'phone,amount,remarks,reference',
      '0708374149,1500,Salary March,EMP-1',
      '0708374150,abc,Salary March,EMP-2',
      '0708374151,900,Salary March,EMP-3',
      '12345,5,Salary March,EMP-4',
    ].join('\n');
    const response = await postCsv(shop, csv);
    expect(response.status).toBe(422);
    expect(response.data.error.code).toBe('payout_batch_invalid');
    expect(response.data.error.message).toMatch(/^Line 3: amount/);
    expect(response.data.error.details.rows).toEqual([
      { line: 3, fields: [{ field: 'amount', message: expect.stringMatching(/whole number/) }] },
      {
        line: 5,
        fields: [
          { field: 'phone', message: expect.any(String) },
          { field: 'amount', message: expect.any(String) },
        ],
      },
    ]);
    // Wait past a few send slots: had any row been stored, the worker would have sent it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);
    const payouts = await shop.merchant({ method: 'GET', path: '/api/v1/payouts' });
    expect(payouts.data.data).toEqual([]);
    const batches = await shop.merchant({ method: 'GET', path: '/api/v1/payout-batches' });
    expect(batches.data.data).toEqual([]);
  });

  it('when a batch is previewed, then every row is shown as read with its errors, and nothing is stored or sent', async () => {
    const shop = await payoutProject(server, { approval: 'above', approvalAbove: 1000 });
    const before = await simulatorStats(server.url);
    const preview = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payout-batches/preview',
      body: { csv: 'phone,amount,reference\n0708374149,1500,EMP-1\nnobody,20,EMP-2\n' },
    });
    expect(preview.status).toBe(200);
    expect(preview.data).toEqual({
      rows: [
        {
          line: 2,
          payout: { phone: '254708374149', amount: 1500, metadata: { reference: 'EMP-1' } },
          given: null,
          errors: [],
        },
        {
          line: 3,
          payout: null,
          given: { phone: 'nobody', amount: 20, metadata: { reference: 'EMP-2' } },
          errors: [{ field: 'phone', message: expect.any(String) }],
        },
      ],
      rowCount: 2,
      badRows: 1,
      total: 1500,
      approvalRequired: true,
    });
    expect((await shop.merchant({ method: 'GET', path: '/api/v1/payout-batches' })).data.data).toEqual([]);
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);
  });

  it('when a CSV names a column a batch does not read, then it is refused at line 1', async () => {
    const shop = await payoutProject(server);
    const response = await postCsv(shop, 'phone,amount,colour\n0708374149,100,red\n');
    expect(response.status).toBe(422);
    expect(response.data.error.details.rows).toEqual([
      { line: 1, fields: [{ field: 'colour', message: expect.stringMatching(/not a column/) }] },
    ]);
  });

  it('when a good CSV batch is sent, then each row is paid or failed on its own, in line order, with per-row outcomes and a CSV export', async () => {
    const shop = await payoutProject(server);
    const before = await simulatorStats(server.url);
    const csv = [
      'phone,amount,remarks,reference',
      '0708374149,1500,Salary March,EMP-1',
      // The simulator's "not a registered customer" (docs/simulator.md).
      '0700000202,900,Salary March,EMP-2',
      '"0708374150",1200,"Salary, March",=EMP-3',
    ].join('\r\n');
    const created = await postCsv(shop, csv);
    expect(created.status).toBe(201);
    expect(created.data.batch).toMatchObject({ status: 'sending', rowCount: 3, total: 3600, approval: null });
    expect(created.data.rows.map((row: { line: number }) => row.line)).toEqual([2, 3, 4]);
    const id = created.data.batch.id as string;

    const done = await eventually(() => getBatch(shop, id), settled, 10_000);
    expect(done.batch.counts).toEqual({ succeeded: 2, failed: 1 });
    expect(done.batch.completedAt).toEqual(expect.any(String));
    expect(
      done.rows.map((row: { line: number; payout: { status: string } }) => [row.line, row.payout.status]),
    ).toEqual([
      [2, 'succeeded'],
      [3, 'failed'],
      [4, 'succeeded'],
    ]);
    expect(done.rows[1]!.payout.reason).toMatchObject({ resultCode: '2040' });
    expect(done.rows[2]!.payout.remarks).toBe('Salary, March');
    expect(done.rows[0]!.payout.metadata).toEqual({ reference: 'EMP-1' });
    // Sent in line order, one at a time.
    const submitted = done.rows.map((row: { payout: { submittedAt: string } }) =>
      Date.parse(row.payout.submittedAt),
    );
    expect(submitted[0]!).toBeLessThan(submitted[1]!);
    expect(submitted[1]!).toBeLessThan(submitted[2]!);
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(3);

    const exported = await shop.merchant({ method: 'GET', path: `/api/v1/payout-batches/${id}?format=csv` });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    const lines = (exported.data as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'line,payoutId,phone,paybill,till,amount,status,mpesaReceiptNumber,receiverName,reasonCode,reasonMessage,reference',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      new RegExp(`^2,${done.rows[0]!.payout.id},254708374149,,,1500,succeeded,[A-Z0-9]{10},`),
    );
    expect(lines[2]).toMatch(/^3,po_\w+,254700000202,,,900,failed,,,\w+,/);
    // A reference that would run as a spreadsheet formula is written as text.
    expect(lines[3]).toMatch(/,'=EMP-3$/);
  });

  it('when the same Idempotency-Key is sent again, then the same batch answers and nothing more is sent', async () => {
    const shop = await payoutProject(server);
    const body = { rows: [{ phone: '0708374149', amount: 100, remarks: 'Bonus' }] };
    const first = await createBatch(shop, body, { 'Idempotency-Key': 'bonus-1' });
    expect(first.status).toBe(201);
    const again = await createBatch(shop, body, { 'Idempotency-Key': 'bonus-1' });
    expect(again.status).toBe(201);
    expect(again.data.batch.id).toBe(first.data.batch.id);
    const other = await createBatch(
      shop,
      { rows: [{ phone: '0708374149', amount: 200 }] },
      { 'Idempotency-Key': 'bonus-1' },
    );
    expect(other.status).toBe(409);
    expect(other.data.error.code).toBe('idempotency_key_reused');
    await eventually(() => getBatch(shop, first.data.batch.id), settled, 10_000);
    const payouts = await shop.merchant({ method: 'GET', path: '/api/v1/payouts' });
    expect(payouts.data.data).toHaveLength(1);
  });

  it('when a JSON row is bad, then its line is its place in rows', async () => {
    const shop = await payoutProject(server, { perPayoutMax: 1000 });
    const response = await createBatch(shop, {
      rows: [
        { phone: '0708374149', amount: 100 },
        { phone: '0708374149', amount: 5000 },
        { phone: '0708374149', amount: 100, account: shop.accountId },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.data.error.details.rows).toEqual([
      {
        line: 2,
        fields: [{ field: 'amount', message: expect.stringMatching(/per-payout cap of KES 1000/) }],
      },
      { line: 3, fields: [{ field: 'account', message: expect.stringMatching(/whole batch/) }] },
    ]);
  });

  it('when the batch would pass the daily cap, then it is refused whole with payout_cap_exceeded', async () => {
    const shop = await payoutProject(server, { perPayoutMax: 2000, dailyMax: 2000 });
    const before = await simulatorStats(server.url);
    const response = await createBatch(shop, {
      rows: [
        { phone: '0708374149', amount: 1500 },
        { phone: '0708374149', amount: 1000 },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.data.error).toMatchObject({ code: 'payout_cap_exceeded', details: { cap: 'daily' } });
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);
  });
});

describe('POST /api/v1/payout-batches/{id}/approve', () => {
  it('when the policy wants approval, then the batch waits unsent, the requester cannot approve it, nor can one of its rows be approved alone, and one approval sends every row', async () => {
    const shop = await payoutProject(server, { approval: 'above', approvalAbove: 1000 });
    const requester = await userOf(shop);
    const before = await simulatorStats(server.url);
    const created = await requester.request({
      method: 'POST',
      path: '/api/v1/payout-batches',
      body: 'phone,amount\n0708374149,500\n0708374149,1500\n',
      headers: { 'Content-Type': 'text/csv' },
      project: shop.projectId,
      mode: 'test',
    });
    expect(created.status).toBe(201);
    expect(created.data.batch).toMatchObject({ status: 'awaiting_approval', approval: { decision: null } });
    expect(created.data.batch.counts).toEqual({ awaiting_approval: 2 });
    const id = created.data.batch.id as string;

    const own = await requester.request({
      method: 'POST',
      path: `/api/v1/payout-batches/${id}/approve`,
      body: {},
      project: shop.projectId,
      mode: 'test',
    });
    expect(own.status).toBe(403);
    expect(own.data.error).toMatchObject({
      code: 'payout_approval_forbidden',
      details: { reason: 'requester' },
    });

    const approver = await userOf(shop);
    const oneRow = await approver.request({
      method: 'POST',
      path: `/api/v1/payouts/${created.data.rows[0].payout.id}/approve`,
      body: {},
      project: shop.projectId,
      mode: 'test',
    });
    expect(oneRow.status).toBe(409);
    expect(oneRow.data.error.details).toMatchObject({ batchId: id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);

    const approved = await approver.request({
      method: 'POST',
      path: `/api/v1/payout-batches/${id}/approve`,
      body: { note: 'March payroll' },
      project: shop.projectId,
      mode: 'test',
    });
    expect(approved.status).toBe(200);
    expect(approved.data.batch).toMatchObject({
      status: 'sending',
      approval: { decision: 'approved', decidedBy: expect.stringMatching(/^user:usr_/) },
    });
    const again = await approver.request({
      method: 'POST',
      path: `/api/v1/payout-batches/${id}/approve`,
      body: {},
      project: shop.projectId,
      mode: 'test',
    });
    expect(again.status).toBe(409);
    expect(again.data.error.code).toBe('payout_batch_not_awaiting_approval');

    const done = await eventually(() => getBatch(shop, id), settled, 10_000);
    expect(done.batch.counts).toEqual({ succeeded: 2 });
    expect(done.rows[1]!.payout.approval).toMatchObject({
      decision: 'approved',
      decidedBy: approved.data.batch.approval.decidedBy,
    });
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(2);
  });

  it('when an approver rejects the batch, then every row fails approval_rejected and nothing is sent', async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    const before = await simulatorStats(server.url);
    const created = await createBatch(shop, {
      rows: [
        { phone: '0708374149', amount: 100 },
        { phone: '0708374149', amount: 200 },
      ],
    });
    expect(created.status).toBe(201);
    const approver = await userOf(shop);
    const rejected = await approver.request({
      method: 'POST',
      path: `/api/v1/payout-batches/${created.data.batch.id}/reject`,
      body: { note: 'Wrong month' },
      project: shop.projectId,
      mode: 'test',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.data.batch).toMatchObject({ status: 'rejected', counts: { failed: 2 } });
    expect(rejected.data.rows[0].payout.reason).toMatchObject({ code: 'approval_rejected' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);
  });
});

describe('the send slot of a batch', () => {
  it('when several workers take the same slot at once, then exactly one gets it', async () => {
    const shop = await payoutProject(server);
    const db = server.database();
    // Due far in the future: the running worker leaves it alone, only the calls below race for it.
    const due = new Date('2100-01-01T00:00:00.000Z');
    const at = new Date();
    const id = `pob_slot${Date.now().toString(36)}`;
    await db.run(
      db.qb.insertInto('PayoutBatch').values({
        id,
        projectId: shop.projectId,
        mode: 'test',
        status: 'sending',
        rowCount: 0,
        total: 0,
        idempotencyKey: null,
        requestHash: null,
        requestedBy: 'test',
        approvalRequired: false,
        decidedBy: null,
        decidedAt: null,
        nextSendAt: due,
        createdAt: at,
        updatedAt: at,
        completedAt: null,
      }),
    );
    const next = new Date(due.getTime() + 500);
    const taken = await Promise.all(Array.from({ length: 5 }, () => takeSendSlot(db, id, due, next)));
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await takeSendSlot(db, id, due, next)).toBe(false);
    await db.run(db.qb.deleteFrom('PayoutBatch').where('id', '=', id));
  });
});
