// GET /api/v1/stats/series: the overview's payments per hour or per day of East Africa Time.
// Rows sit on the exact edges of Nairobi days and hours (the last millisecond of one, the first
// of the next), so a bucket off by the 3 h offset, by a rounding of the engine's date functions
// or by one at a slice's edge shows. On both engines (TEST_DATABASE_URL).
import { insertTransactions, type NewTransaction } from '../../src/payments/transaction.repository';
import { paymentSeries } from '../../src/stats/stats.series';
import { createProject, merchantClient, type MerchantRequest, type ProjectKeys } from '../helpers/merchant';
import { completedPaymentRow, paymentRow } from '../helpers/rows';
import { startTestServer, type TestServer } from '../helpers/server';

/** An instant of Nairobi's wall clock (UTC+3, no daylight saving). */
const eat = (wall: string) => new Date(`${wall}+03:00`);

let server: TestServer;
let shop: ProjectKeys;
let merchant: MerchantRequest;

function rows(projectId: string): NewTransaction[] {
  return [
    // The last millisecond of 28 February in Nairobi: before the window.
    completedPaymentRow(projectId, eat('2026-02-28T23:59:59.999')),
    // 1 March: one completed (KES 100) at its first millisecond, one failed at its last.
    completedPaymentRow(projectId, eat('2026-03-01T00:00:00.000'), { amount: 100 }),
    {
      ...paymentRow({ projectId, createdAt: eat('2026-03-01T23:59:59.999') }),
      status: 'failed',
      resultCode: '2001',
    },
    // 2 March: completed, M-Pesa reported 55 paid for 50 asked; one cancelled; one still pending.
    completedPaymentRow(projectId, eat('2026-03-02T00:00:00.000'), { amount: 50, amountPaid: 55 }),
    {
      ...paymentRow({ projectId, createdAt: eat('2026-03-02T00:59:59.999') }),
      status: 'cancelled',
      resultCode: '1032',
    },
    paymentRow({ projectId, createdAt: eat('2026-03-02T01:00:00.000') }),
    // Settled by STK Query: no amount reported, the amount asked counts.
    completedPaymentRow(projectId, eat('2026-03-02T01:30:00.000'), { amount: 20, amountPaid: null }),
    // 3 March: nothing. 4 March, first millisecond: after the window.
    completedPaymentRow(projectId, eat('2026-03-04T00:00:00.000')),
    // The other mode: never counted here.
    { ...completedPaymentRow(projectId, eat('2026-03-01T12:00:00.000')), mode: 'live' },
  ];
}

beforeAll(async () => {
  server = await startTestServer({ PRUNE_INTERVAL: '24d' });
  shop = await createProject(server.url, server.adminToken, 'Charted shop');
  merchant = merchantClient(server.url, shop);
  const other = await createProject(server.url, server.adminToken, 'Another shop');
  await insertTransactions(server.database(), [...rows(shop.projectId), ...rows(other.projectId)]);
});
afterAll(() => server.close());

const series = (query: string) =>
  merchant({ method: 'GET', path: `/api/v1/stats/series${query ? `?${query}` : ''}` });
const window = (from: string, to: string) =>
  `from=${encodeURIComponent(`${from}+03:00`)}&to=${encodeURIComponent(`${to}+03:00`)}`;

describe('GET /api/v1/stats/series', () => {
  it('when asked per day, then each Nairobi day counts exactly its payments, empty days included, in whole KES', async () => {
    const answer = await series(`${window('2026-03-01T00:00:00.000', '2026-03-03T23:59:59.999')}&bucket=day`);
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({
      window: { from: '2026-02-28T21:00:00.000Z', to: '2026-03-03T20:59:59.999Z' },
      bucket: 'day',
      timeZone: 'Africa/Nairobi',
      currency: 'KES',
      points: [
        {
          start: '2026-02-28T21:00:00.000Z',
          payments: 2,
          completed: 1,
          pending: 0,
          reversed: 0,
          notCompleted: 1,
          successRate: 0.5,
          amountCollected: 100,
        },
        {
          start: '2026-03-01T21:00:00.000Z',
          payments: 4,
          completed: 2,
          pending: 1,
          reversed: 0,
          notCompleted: 1,
          successRate: 2 / 3,
          amountCollected: 75,
        },
        {
          start: '2026-03-02T21:00:00.000Z',
          payments: 0,
          completed: 0,
          pending: 0,
          reversed: 0,
          notCompleted: 0,
          successRate: null,
          amountCollected: 0,
        },
      ],
    });
  });

  it('when asked per hour, then the first and last millisecond of an hour fall in it', async () => {
    const answer = await series(
      `${window('2026-03-02T00:00:00.000', '2026-03-02T02:59:59.999')}&bucket=hour`,
    );
    expect(answer.status).toBe(200);
    expect(
      answer.data.points.map(
        (p: { start: string; payments: number; completed: number; amountCollected: number }) => [
          p.start,
          p.payments,
          p.completed,
          p.amountCollected,
        ],
      ),
    ).toEqual([
      ['2026-03-01T21:00:00.000Z', 2, 1, 55],
      ['2026-03-01T22:00:00.000Z', 2, 1, 20],
      ['2026-03-01T23:00:00.000Z', 0, 0, 0],
    ]);
  });

  it('when no bucket is chosen, then up to 48 hours are shown by the hour and longer windows by the day', async () => {
    const short = await series(window('2026-03-01T00:00:00.000', '2026-03-02T23:59:59.999'));
    expect([short.data.bucket, short.data.points.length]).toEqual(['hour', 48]);
    const long = await series(window('2026-03-01T00:00:00.000', '2026-03-07T23:59:59.999'));
    expect([long.data.bucket, long.data.points.length]).toEqual(['day', 7]);
    const lastWeek = await series('');
    expect([lastWeek.data.bucket, lastWeek.data.points.length]).toEqual(['day', 7]);
  });

  it('when the window holds too many buckets or ends before it starts, then 400 validation_failed', async () => {
    const wide = await series(`${window('2026-01-01T00:00:00.000', '2026-03-01T00:00:00.000')}&bucket=hour`);
    expect([wide.status, wide.data.error.code]).toEqual([400, 'validation_failed']);
    const backwards = await series(window('2026-03-02T00:00:00.000', '2026-03-01T00:00:00.000'));
    expect([backwards.status, backwards.data.error.code]).toEqual([400, 'validation_failed']);
    const unknown = await series('bucket=week');
    expect([unknown.status, unknown.data.error.code]).toEqual([400, 'validation_failed']);
  });

  it('when read in slices of one row, then the buckets are those of one scan', async () => {
    const scope = { projectId: shop.projectId, mode: 'test' as const };
    const span = { from: eat('2026-02-01T00:00:00.000'), to: eat('2026-03-31T00:00:00.000') };
    const sorted = (groups: Awaited<ReturnType<typeof paymentSeries>>) =>
      [...groups].sort((a, b) => a.bucket - b.bucket || a.status.localeCompare(b.status));
    for (const bucket of ['hour', 'day'] as const) {
      const whole = sorted(await paymentSeries(server.database(), scope, span, bucket, null));
      expect(whole.reduce((sum, group) => sum + group.count, 0)).toBe(8);
      expect(sorted(await paymentSeries(server.database(), scope, span, bucket, 1))).toEqual(whole);
    }
  });
});

describe('GET /api/v1/stats and /stats/series: a reversed payment', () => {
  let reversedShop: ProjectKeys;
  let read: MerchantRequest;

  beforeAll(async () => {
    reversedShop = await createProject(server.url, server.adminToken, 'Refunding shop');
    read = merchantClient(server.url, reversedShop);
    const { projectId } = reversedShop;
    await insertTransactions(server.database(), [
      // 5 March: one completed (KES 100), one completed (KES 70) and since refunded, one failed.
      completedPaymentRow(projectId, eat('2026-03-05T09:00:00.000'), { amount: 100 }),
      completedPaymentRow(projectId, eat('2026-03-05T09:10:00.000'), { amount: 70, status: 'reversed' }),
      {
        ...paymentRow({ projectId, createdAt: eat('2026-03-05T09:20:00.000') }),
        status: 'failed',
        resultCode: '1',
      },
    ]);
  });

  const day = window('2026-03-05T00:00:00.000', '2026-03-05T23:59:59.999');

  it('when the day is charted, then the reversed payment has its own count: not completed, not collected, not a failure', async () => {
    const answer = await read({ method: 'GET', path: `/api/v1/stats/series?${day}&bucket=day` });
    expect(answer.status).toBe(200);
    expect(answer.data.points).toEqual([
      {
        start: '2026-03-04T21:00:00.000Z',
        payments: 3,
        completed: 1,
        pending: 0,
        reversed: 1,
        notCompleted: 1,
        successRate: 2 / 3,
        amountCollected: 100,
      },
    ]);
  });

  it('when the totals are read, then the reversed payment is counted as reversed and in no failure reason', async () => {
    const answer = await read({ method: 'GET', path: `/api/v1/stats?${day}` });
    expect(answer.status).toBe(200);
    expect(answer.data.payments).toEqual({
      total: 3,
      pending: 0,
      completed: 1,
      failed: 1,
      cancelled: 0,
      expired: 0,
      reversed: 1,
    });
    expect(answer.data.successRate).toBeCloseTo(2 / 3);
    expect(answer.data.amountCollected).toBe(100);
    expect(answer.data.failureReasons.reduce((sum: number, r: { count: number }) => sum + r.count, 0)).toBe(
      1,
    );
  });
});
