// Stats over a long window are read in keyset slices with a turn of the event loop between them
// (SQLite runs each query synchronously): the merged answer is the one scan's answer, and
// /health answers while a long stats call is still counting. On both engines (TEST_DATABASE_URL).
import axios from 'axios';
import { insertTransactions, type NewTransaction } from '../../src/payments/transaction.repository';
import { newId } from '../../src/ids';
import { deliveryCounts, paymentGroups, STATS_SLICE_ROWS } from '../../src/stats/stats.repository';
import { createProject, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { completedPaymentRow } from '../helpers/rows';
import { startTestServer, type TestServer } from '../helpers/server';

const HOUR_MS = 3_600_000;
const MIXED_ROWS = 3000; // one an hour: about four months
const LARGE_ROWS = 20 * STATS_SLICE_ROWS; // twenty slices
const base = Date.UTC(2026, 0, 1);
const busyBase = Date.UTC(2025, 0, 1); // a year before the other rows
let server: TestServer;
let mixed: ProjectKeys;
let large: ProjectKeys;

/** Every kind of row the overview splits on, settled after a time that differs to the millisecond. */
function mixedRow(projectId: string, i: number): NewTransaction {
  const at = new Date(base + i * HOUR_MS + (i % 1000));
  const kind = i % 6;
  const row = completedPaymentRow(projectId, at, {
    amount: 10 + (i % 97),
    amountPaid: i % 4 === 0 ? null : 10 + (i % 97),
    settledAt: new Date(at.getTime() + 1000 + ((i * 7919) % 60_000)),
    settledBy: i % 5 === 0 ? 'stk_query' : 'callback',
  });
  if (kind === 1) return { ...row, status: 'cancelled', resultCode: '1032', amountPaid: null };
  if (kind === 2) return { ...row, status: 'failed', resultCode: '2001', amountPaid: null };
  if (kind === 3)
    return { ...row, status: 'failed', resultCode: null, settledBy: 'push_refused', amountPaid: null };
  if (kind === 4)
    return {
      ...row,
      status: 'pending',
      resultCode: null,
      settledAt: null,
      settledBy: null,
      amountPaid: null,
    };
  return row;
}

async function insertAll(rows: NewTransaction[]) {
  for (let i = 0; i < rows.length; i += 500)
    await insertTransactions(server.database(), rows.slice(i, i + 500));
}

beforeAll(async () => {
  // Seeded deliveries are months old: no pruning pass while the test counts them.
  server = await startTestServer({ PRUNE_INTERVAL: '24d' });
  mixed = await createProject(server.url, server.adminToken, 'Stats shop');
  large = await createProject(server.url, server.adminToken, 'Busy shop');
  const rows = Array.from({ length: MIXED_ROWS }, (_, i) => mixedRow(mixed.projectId, i));
  // Rows the window must leave out: the other mode, another project.
  rows.push(
    ...Array.from({ length: 50 }, (_, i) => ({ ...mixedRow(mixed.projectId, i * 60), mode: 'live' })),
    ...Array.from({ length: 50 }, (_, i) => mixedRow(large.projectId, i * 60 + 1)),
  );
  await insertAll(rows);
  await insertAll(
    Array.from({ length: LARGE_ROWS }, (_, i) =>
      completedPaymentRow(large.projectId, new Date(busyBase + i * 1000)),
    ),
  );
}, 180_000);
afterAll(() => server.close());

describe('GET /api/v1/stats over a multi-month window', () => {
  // Mid-January to mid-April: the edges cut through the seeded hours.
  const window = { from: new Date(base + 400.5 * HOUR_MS), to: new Date(base + 2500.25 * HOUR_MS) };

  it('when counted in slices of any size, then the groups are exactly those of one scan', async () => {
    const scope = { projectId: mixed.projectId, mode: 'test' as const };
    const oneScan = await paymentGroups(server.database(), scope, window, null);
    const inWindow = Array.from({ length: MIXED_ROWS }, (_, i) => mixedRow(mixed.projectId, i)).filter(
      (row) => row.createdAt >= window.from && row.createdAt <= window.to,
    );
    expect(oneScan.reduce((sum, group) => sum + group.count, 0)).toBe(inWindow.length);
    expect(oneScan.length).toBeGreaterThan(5);
    for (const sliceRows of [1000, 97])
      expect(await paymentGroups(server.database(), scope, window, sliceRows)).toEqual(oneScan);
  });

  it('when the service answers it, then the numbers are those of the rows in the window', async () => {
    const rows = Array.from({ length: MIXED_ROWS }, (_, i) => mixedRow(mixed.projectId, i)).filter(
      (row) => row.createdAt >= window.from && row.createdAt <= window.to,
    );
    const completed = rows.filter((row) => row.status === 'completed');
    const settleMs = completed.map((row) => row.settledAt!.getTime() - row.createdAt.getTime());
    const answer = await merchantClient(
      server.url,
      mixed,
    )({
      method: 'GET',
      path: `/api/v1/stats?from=${window.from.toISOString()}&to=${window.to.toISOString()}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({
      payments: {
        total: rows.length,
        completed: completed.length,
        pending: rows.filter((row) => row.status === 'pending').length,
      },
      amountCollected: completed.reduce((sum, row) => sum + (row.amountPaid ?? row.amount), 0),
      promptToPayment: {
        averageMs: Math.round(settleMs.reduce((a, b) => a + b, 0) / settleMs.length),
        maxMs: Math.max(...settleMs),
      },
      settledByQuery: rows.filter((row) => row.settledBy === 'stk_query').length,
    });
  });
});

describe('GET /api/v1/stats: webhook deliveries over a multi-month window', () => {
  const DELIVERIES = 3000; // one an hour, spread over four endpoints
  const window = { from: new Date(base + 400.5 * HOUR_MS), to: new Date(base + 2500.25 * HOUR_MS) };
  const STATUSES = ['succeeded', 'failed', 'pending'] as const;
  let counted: string[]; // the endpoints whose deliveries count: the project's, in its mode
  let seeded: Array<{ endpointId: string; status: string; createdAt: Date }>;

  beforeAll(async () => {
    const db = server.database();
    const endpoint = async (projectId: string, mode: string, deleted: boolean) => {
      const at = new Date(base);
      const id = newId('we', at);
      await db.run(
        db.qb.insertInto('WebhookEndpoint').values({
          id,
          projectId,
          mode,
          url: `https://hooks.example.com/${id}`,
          eventTypes: '["*"]',
          // Disabled: the worker claims nothing of it while the test counts.
          enabled: false,
          disabledReason: 'manual',
          secretEnc: `sealed-${id}`,
          deletedAt: deleted ? at : null,
          createdAt: at,
          updatedAt: at,
        }),
      );
      return id;
    };
    // Counted: an endpoint and a deleted one (its deliveries were sent). Left out: the live
    // endpoint of the same project and another project's.
    counted = [await endpoint(mixed.projectId, 'test', false), await endpoint(mixed.projectId, 'test', true)];
    const others = [
      await endpoint(mixed.projectId, 'live', false),
      await endpoint(large.projectId, 'test', false),
    ];
    const endpoints = [counted[0]!, others[0]!, counted[1]!, others[1]!];
    seeded = Array.from({ length: DELIVERIES }, (_, i) => ({
      endpointId: endpoints[i % endpoints.length]!,
      status: STATUSES[(i * 7) % 3]!,
      createdAt: new Date(base + i * HOUR_MS + (i % 1000)),
    }));
    for (let start = 0; start < seeded.length; start += 500) {
      const chunk = seeded.slice(start, start + 500).map((delivery) => ({
        ...delivery,
        eventId: newId('evt', delivery.createdAt),
        id: newId('whd', delivery.createdAt),
      }));
      await db.run(
        db.qb.insertInto('Event').values(
          chunk.map((delivery) => ({
            id: delivery.eventId,
            projectId: delivery.endpointId === others[1] ? large.projectId : mixed.projectId,
            mode: delivery.endpointId === others[0] ? 'live' : 'test',
            type: 'transaction.completed',
            transactionId: null,
            payload: '{}',
            createdAt: delivery.createdAt,
          })),
        ),
      );
      await db.run(
        db.qb.insertInto('WebhookDelivery').values(
          chunk.map((delivery) => ({
            id: delivery.id,
            eventId: delivery.eventId,
            endpointId: delivery.endpointId,
            status: delivery.status,
            attempts: 1,
            nextAttemptAt: delivery.createdAt,
            createdAt: delivery.createdAt,
          })),
        ),
      );
    }
  }, 120_000);

  const expected = (status: string) =>
    seeded.filter(
      (delivery) =>
        counted.includes(delivery.endpointId) &&
        delivery.status === status &&
        delivery.createdAt >= window.from &&
        delivery.createdAt <= window.to,
    ).length;

  it('when counted in slices of any size, then the counts are exactly those of one scan', async () => {
    const scope = { projectId: mixed.projectId, mode: 'test' as const };
    const oneScan = await deliveryCounts(server.database(), scope, window, null);
    expect(oneScan).toEqual(
      STATUSES.map((status) => ({ status, count: expected(status) })).sort((a, b) =>
        a.status < b.status ? -1 : 1,
      ),
    );
    expect(expected('pending')).toBeGreaterThan(97);
    for (const sliceRows of [1000, 97, 1])
      expect(await deliveryCounts(server.database(), scope, window, sliceRows)).toEqual(oneScan);
  });

  it('when the service answers it, then the delivery counts are those of the window', async () => {
    const answer = await merchantClient(
      server.url,
      mixed,
    )({
      method: 'GET',
      path: `/api/v1/stats?from=${window.from.toISOString()}&to=${window.to.toISOString()}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.data.webhooks.deliveries).toMatchObject({
      succeeded: expected('succeeded'),
      failed: expected('failed'),
      pending: expected('pending'),
      // Of the pending ones, those whose last attempt failed: the seeded ones were never tried.
      retrying: 0,
    });
  });
});

describe('GET /api/v1/stats over a large window', () => {
  it('when a stats call is counting, then /health answers before the stats do', async () => {
    const db = server.database();
    const order: string[] = [];
    let health: Promise<unknown> | undefined;
    // Observes (and passes on) the service's own queries: /health is asked once the stats have begun.
    const all = db.all.bind(db);
    const spy = jest.spyOn(db, 'all').mockImplementation((query) => {
      const text = query.compile().sql;
      if (!health && /count\(\*\)/i.test(text) && text.includes('"Transaction"'))
        health = axios
          .get(`${server.url}/health`)
          .then((response) => order.push(`health ${response.status}`));
      return all(query);
    });
    try {
      const stats = await merchantClient(
        server.url,
        large,
      )({
        method: 'GET',
        path: `/api/v1/stats?from=${new Date(busyBase).toISOString()}&to=${new Date(busyBase + LARGE_ROWS * 1000).toISOString()}`,
      });
      order.push(`stats ${stats.status}`);
      expect(stats.data.payments.total).toBe(LARGE_ROWS);
      await health;
    } finally {
      spy.mockRestore();
    }
    expect(order).toEqual(['health 200', 'stats 200']);
  }, 60_000);
});
