// The SDK's payouts against the real service and its simulator: a create that names itself
// (a retry finds the same payout), reading it, its history, every page, the settings, waiting
// for the outcome.
import { startTestServer, type TestServer } from '../helpers/server';
import { accountBody } from '../helpers/accounts';
import { INITIATOR_PASSWORD, setPayoutSettings, simulatorStats } from '../helpers/payouts';
import { rejection, sdkClientFor } from './sdk-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ PAYOUT_BATCH_PACE: '40ms' });
});
afterAll(() => server.close());

describe('when a merchant pays out with the SDK', () => {
  it('then payouts are refused until the operator turns them on, then made once per key, followed to their outcome, listed and explained', async () => {
    const { client, keys } = await sdkClientFor(server);
    await client.mpesaAccounts.create(
      accountBody({ shortcode: '600702', initiatorName: 'testapi', initiatorPassword: INITIATOR_PASSWORD }),
    );
    expect((await rejection(client.payouts.create({ phone: '0708374149', amount: 100 }))).code).toBe(
      'payouts_disabled',
    );
    expect((await client.payouts.settings()).enabled).toBe(false);

    await setPayoutSettings(server, keys.projectId, 'test', { perPayoutMax: 5000 });
    const before = await simulatorStats(server.url);
    const first = await client.payouts.create(
      { phone: '0708374149', amount: 250, remarks: 'Refund 42' },
      { idempotencyKey: 'refund-42' },
    );
    const again = await client.payouts.create(
      { phone: '0708374149', amount: 250, remarks: 'Refund 42' },
      { idempotencyKey: 'refund-42' },
    );
    expect(again.payout.id).toBe(first.payout.id);
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(1);

    const done = await client.payouts.waitForOutcome(first.payout.id, { intervalMs: 50, timeoutMs: 10_000 });
    expect(done).toMatchObject({ status: 'succeeded', amount: 250, remarks: 'Refund 42' });
    expect((await client.payouts.history(done.id)).statusChanges.map((change) => change.toStatus)).toEqual([
      'requested',
      'submitted',
      'succeeded',
    ]);

    const capped = await rejection(client.payouts.create({ phone: '0708374149', amount: 5001 }));
    expect(capped).toMatchObject({ code: 'payout_cap_exceeded', status: 422 });

    await client.payouts.create({ phone: '0708374149', amount: 300 });
    const all = await client.payouts.list({ limit: 1 }).all();
    expect(all).toHaveLength(2);
    expect((await client.payouts.settings()).usedToday).toBe(550);
  });
});

describe('when a merchant pays out a batch with the SDK', () => {
  it('then a batch with a bad row is refused by line and field, and a good one is paid row by row and listed', async () => {
    const { client, keys } = await sdkClientFor(server);
    await client.mpesaAccounts.create(
      accountBody({ shortcode: '600703', initiatorName: 'testapi', initiatorPassword: INITIATOR_PASSWORD }),
    );
    await setPayoutSettings(server, keys.projectId, 'test');
    const bad = await rejection(
      client.payouts.createBatch({ csv: 'phone,amount\n0708374149,100\n0708374149,ten\n' }),
    );
    expect(bad).toMatchObject({ code: 'payout_batch_invalid', status: 422 });
    expect(bad.details).toMatchObject({ rows: [{ line: 3, fields: [{ field: 'amount' }] }] });

    const created = await client.payouts.createBatch({
      rows: [
        { phone: '0708374149', amount: 100, remarks: 'Bonus' },
        { phone: '0700000202', amount: 200, remarks: 'Bonus' },
      ],
    });
    expect(created.batch).toMatchObject({ status: 'sending', rowCount: 2, total: 300 });
    const deadline = Date.now() + 10_000;
    let batch = await client.payouts.getBatch(created.batch.id);
    while ((batch.batch.status !== 'sent' || batch.batch.counts.submitted) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      batch = await client.payouts.getBatch(created.batch.id);
    }
    expect(batch.batch.counts).toEqual({ succeeded: 1, failed: 1 });
    expect(batch.rows.map((row) => [row.line, row.payout.status])).toEqual([
      [1, 'succeeded'],
      [2, 'failed'],
    ]);
    expect((await client.payouts.listBatches()).data.map((listed) => listed.id)).toEqual([created.batch.id]);
  });
});
