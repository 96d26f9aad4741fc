// Batch rows that cannot be sent, and rejections that cannot be half done (docs/payouts.md
// "Batches"): a row whose account cannot pay out fails at once and the batch goes on; a row that
// keeps failing for a reason that may pass fails after a bounded number of tries, so a batch
// always ends; a rejection moves the batch and all its rows together or not at all. Nothing of
// it reaches Daraja. Over real HTTP against the simulator; SQLite by default, PostgreSQL with
// TEST_DATABASE_URL.
import { sql } from 'kysely';
import type { Database } from '../../src/db/database';
import { AppError } from '../../src/errors';
import { createLogger } from '../../src/logger';
import { createPayoutLedger } from '../../src/payments/payout.settle';
import type { PayoutSender } from '../../src/payouts/payout.send';
import { createPayoutBatchWorker } from '../../src/payouts/payout-batch.worker';
import { startTestServer, type TestServer } from '../helpers/server';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from '../helpers/dashboard';
import { eventually } from '../helpers/realtime';
import { accountBody } from '../helpers/accounts';
import { payoutProject, simulatorStats, type PayoutProject } from '../helpers/payouts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ PAYOUT_BATCH_PACE: '40ms' });
});
afterAll(async () => {
  await server.close();
});

interface BatchAnswer {
  batch: { id: string; status: string; counts: Record<string, number> };
  rows: Array<{ line: number; payout: { id: string; status: string; reason: { code: string } | null } }>;
}

const getBatch = async (shop: PayoutProject, id: string): Promise<BatchAnswer> =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/payout-batches/${id}` })).data as BatchAnswer;

const historyOf = async (shop: PayoutProject, payoutId: string) =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${payoutId}/history` })).data
    .statusChanges as Array<{ fromStatus: string | null; toStatus: string; source: string }>;

let users = 0;
async function userOf(shop: PayoutProject): Promise<DashboardBrowser> {
  users += 1;
  const email = `unsent${users}-${Date.now()}@shop.example`;
  const created = await createDashboardUser(server, {
    email,
    password: PASSWORD,
    role: 'member',
    projectIds: [shop.projectId],
  });
  expect(created.status).toBe(201);
  return browserFor(server.url, email);
}

const decide = (who: DashboardBrowser, shop: PayoutProject, id: string, decision: 'approve' | 'reject') =>
  who.request({
    method: 'POST',
    path: `/api/v1/payout-batches/${id}/${decision}`,
    body: {},
    project: shop.projectId,
    mode: 'test',
  });

/** A batch of `amounts` waiting for approval (the policy wants one for every payout). */
async function waitingBatch(shop: PayoutProject, amounts: number[]): Promise<BatchAnswer> {
  const created = await shop.merchant({
    method: 'POST',
    path: '/api/v1/payout-batches',
    body: { rows: amounts.map((amount) => ({ phone: '0708374149', amount })) },
  });
  expect(created.status).toBe(201);
  expect(created.data.batch.status).toBe('awaiting_approval');
  return created.data as BatchAnswer;
}

/** Runs raw SQL (a test's own trigger): Queryable runs what compiles. */
const runSql = (db: Database, text: string) => db.run({ compile: () => sql.raw(text).compile(db.qb) });

describe('the worker of a batch, when a row cannot be sent', () => {
  it('when a row pays from an account with no initiator, then that row fails at once (never sent), and the batch goes on and ends with the other rows sent', async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    // A real account of the project that cannot pay out: it was never given an initiator.
    const bare = await shop.merchant({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({ name: 'No initiator', shortcode: '600123' }),
    });
    expect(bare.status).toBe(201);
    const before = await simulatorStats(server.url);
    const created = await waitingBatch(shop, [100, 200, 300]);
    const stuck = created.rows[1]!.payout.id;
    const db = server.database();
    await db.run(
      db.qb.updateTable('Payout').set({ accountId: bare.data.account.id }).where('id', '=', stuck),
    );

    const approved = await decide(await userOf(shop), shop, created.batch.id, 'approve');
    expect(approved.status).toBe(200);
    const done = await eventually(
      () => getBatch(shop, created.batch.id),
      (read) => read.batch.status === 'sent' && (read.batch.counts.submitted ?? 0) === 0,
      10_000,
    );
    expect(done.batch.counts).toEqual({ succeeded: 2, failed: 1 });
    expect(done.rows.map((row) => row.payout.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(done.rows[1]!.payout.reason).toMatchObject({ code: 'mpesa_initiator_missing' });
    // Never claimed: from awaiting approval straight to failed, by the worker.
    expect(
      (await historyOf(shop, stuck)).map((change) => [change.fromStatus, change.toStatus, change.source]),
    ).toEqual([
      [null, 'requested', 'request'],
      ['requested', 'awaiting_approval', 'request'],
      ['awaiting_approval', 'failed', 'not_sent'],
    ]);
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(2);
    // The same event as any failed payout, naming its batch (webhooks and the stream follow it).
    const events = await eventually(
      () => shop.merchant({ method: 'GET', path: '/api/v1/events?type=payout.failed' }),
      (read) => read.data.data.length === 1,
    );
    expect(events.data.data[0].data.payout).toMatchObject({
      id: stuck,
      reason: { code: 'mpesa_initiator_missing' },
      batch: { id: created.batch.id, line: 2 },
    });
  });

  it('when every try of a row fails for a reason that may pass, then it waits between tries, fails after the cap with its last code, and the next row gets its own tries', async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    const created = await waitingBatch(shop, [100, 200]);
    const db = server.database();
    // Released as an approval would, but due only in 2100: the service's own worker (real clock)
    // leaves it to the worker below, whose clock starts there.
    const start = new Date('2100-01-01T00:00:00.000Z').getTime();
    await db.run(
      db.qb
        .updateTable('PayoutBatch')
        .set({ status: 'sending', nextSendAt: new Date(start) })
        .where('id', '=', created.batch.id),
    );
    let clock = start;
    const tried: string[] = [];
    // Daraja unreachable before the claim, every time: the worker is what is under test here.
    const sender = {
      send: async (row: { id: string }) => {
        tried.push(row.id);
        throw new AppError('mpesa_unavailable', 'Daraja did not answer');
      },
    } as unknown as PayoutSender;
    const worker = createPayoutBatchWorker({
      db,
      ledger: createPayoutLedger({ db, news: { publishRecorded: () => undefined } }),
      sender,
      paceMs: 40,
      logger: createLogger({ log: { level: 'error', format: 'json' } }, true),
      now: () => new Date(clock),
      maxSendTries: 3,
    });
    const [first, second] = created.rows.map((row) => row.payout.id);

    await worker.runOnce();
    expect(tried).toEqual([first]);
    // A pace later it is not tried again: it waits.
    clock += 1_000;
    await worker.runOnce();
    expect(tried).toEqual([first]);
    for (let pass = 0; pass < 4; pass += 1) {
      clock += 31_000;
      await worker.runOnce();
    }
    // Three tries of the first row, then it failed, then the second row's first try, then its second.
    expect(tried).toEqual([first, first, first, second, second]);
    for (let pass = 0; pass < 3; pass += 1) {
      clock += 31_000;
      await worker.runOnce();
    }
    expect(tried).toEqual([first, first, first, second, second, second]);

    const done = await getBatch(shop, created.batch.id);
    expect(done.batch.status).toBe('sent');
    expect(done.batch.counts).toEqual({ failed: 2 });
    for (const row of done.rows) expect(row.payout.reason).toMatchObject({ code: 'mpesa_unavailable' });
    expect((await historyOf(shop, first!)).at(-1)).toMatchObject({
      fromStatus: 'awaiting_approval',
      toStatus: 'failed',
      source: 'not_sent',
    });
  });
});

describe('POST /api/v1/payout-batches/{id}/reject', () => {
  it('when a rejection breaks off after the batch moved, then nothing of it is kept: the batch still awaits approval with every row, and a rejection after it fails them all', async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    const created = await waitingBatch(shop, [100, 200]);
    const second = created.rows[1]!.payout.id;
    const db = server.database();
    // The database refuses the second row's move: what a crash part way through would leave.
    if (db.engine === 'sqlite')
      await runSql(
        db,
        `CREATE TRIGGER "test_reject_breaks" BEFORE UPDATE ON "Payout" WHEN NEW."id" = '${second}' AND NEW."status" = 'failed' BEGIN SELECT RAISE(ABORT, 'broken off'); END`,
      );
    else {
      await runSql(
        db,
        `CREATE FUNCTION "test_reject_breaks"() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'broken off'; END $$ LANGUAGE plpgsql`,
      );
      await runSql(
        db,
        `CREATE TRIGGER "test_reject_breaks" BEFORE UPDATE ON "Payout" FOR EACH ROW WHEN (NEW."id" = '${second}' AND NEW."status" = 'failed') EXECUTE FUNCTION "test_reject_breaks"()`,
      );
    }
    const approver = await userOf(shop);
    try {
      const broken = await decide(approver, shop, created.batch.id, 'reject');
      expect(broken.status).toBe(500);
      const after = await getBatch(shop, created.batch.id);
      expect(after.batch.status).toBe('awaiting_approval');
      expect(after.batch.counts).toEqual({ awaiting_approval: 2 });
    } finally {
      await runSql(
        db,
        db.engine === 'sqlite'
          ? 'DROP TRIGGER "test_reject_breaks"'
          : 'DROP TRIGGER "test_reject_breaks" ON "Payout"',
      );
      if (db.engine !== 'sqlite') await runSql(db, 'DROP FUNCTION "test_reject_breaks"()');
    }
    const before = await simulatorStats(server.url);
    const rejected = await decide(approver, shop, created.batch.id, 'reject');
    expect(rejected.status).toBe(200);
    expect(rejected.data.batch).toMatchObject({ status: 'rejected', counts: { failed: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);
  });
});
