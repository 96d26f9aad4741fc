// What a webhook claim takes and what it reads (src/webhooks/delivery.claim.ts), on the engine
// the run is for (TEST_DATABASE_URL), and that the worker needs no poll tick to send a first
// attempt or to drain a backlog. A claim once read every due delivery to rank them per endpoint;
// with an endpoint's 8 slots the worker claims after nearly every attempt, so a backlog made each
// delivery cost as much as the backlog (the bench's first attempts waited 400 ms, issue 17).
import { CompiledQuery } from 'kysely';
import { openDatabase, type Database, type Queryable } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { recordEvents } from '../../src/payments/event.repository';
import { claimDueDeliveries, claimLiveThenTest, type WorkerRoom } from '../../src/webhooks/delivery.claim';
import { newId } from '../../src/ids';
import type { Mode } from '../../src/core/scope';
import { freshDataDir, freshDatabaseUrl } from '../helpers/database';
import express from 'express';
import axios from 'axios';
import { keysOf } from '../helpers/accounts';
import { listenOnLoopback } from '../helpers/fake-daraja';
import { initiateBody, merchantClient, merchantFor, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { webhookReceivers } from '../helpers/webhook-receiver';

const NOW = new Date('2026-11-20T09:00:00.000Z');
const LEASE = new Date(NOW.getTime() + 20_000);
const secondsAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

let db: Database;
beforeAll(async () => {
  db = await openDatabase(freshDatabaseUrl(freshDataDir()));
  await applyMigrations(db, { legacyMode: 'test' });
});
afterAll(() => db.close());

let endpointCount = 0;
let deliveryCount = 0;

/** A project with one endpoint; `due(n, at)` adds n pending deliveries for it, due at `at`. */
async function endpointOf(project: string, options: { mode?: Mode; enabled?: boolean } = {}) {
  const endpointId = `we_${String((endpointCount += 1)).padStart(4, '0')}`;
  const mode = options.mode ?? 'test';
  await db.run(
    db.qb
      .insertInto('Project')
      .values({ id: project, name: project, createdAt: NOW })
      .onConflict((oc) => oc.column('id').doNothing()),
  );
  await db.run(
    db.qb.insertInto('WebhookEndpoint').values({
      id: endpointId,
      projectId: project,
      mode,
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: '["*"]',
      enabled: options.enabled ?? true,
      secretEnc: 'sealed',
      createdAt: NOW,
      updatedAt: NOW,
    }),
  );
  return {
    endpointId,
    async due(count: number, at: Date, lockedUntil: Date | null = null): Promise<string[]> {
      const ids: string[] = [];
      await db.transaction(async (tx) => {
        for (let start = 0; start < count; start += 500) {
          const rows = Array.from({ length: Math.min(500, count - start) }, () => {
            const n = String((deliveryCount += 1)).padStart(8, '0');
            return { id: `whd_${n}`, eventId: `evt_${n}`, n };
          });
          await tx.run(
            tx.qb.insertInto('Event').values(
              rows.map((row) => ({
                id: row.eventId,
                projectId: project,
                mode,
                type: 'transaction.completed',
                transactionId: null,
                payload: '{}',
                createdAt: at,
              })),
            ),
          );
          await tx.run(
            tx.qb.insertInto('WebhookDelivery').values(
              rows.map((row) => ({
                id: row.id,
                eventId: row.eventId,
                endpointId,
                status: 'pending',
                attempts: 0,
                nextAttemptAt: at,
                lockedUntil,
                createdAt: at,
              })),
            ),
          );
          ids.push(...rows.map((row) => row.id));
        }
      });
      return ids;
    },
  };
}

const claim = (
  limit: number,
  mode: Mode,
  limits = { perEndpoint: 8, perProject: 16 },
  q?: (tx: Queryable) => Queryable,
) =>
  db.transaction((tx) =>
    claimDueDeliveries(q ? q(tx) : tx, limit, NOW, LEASE, { mode, limits }).then((rows) =>
      rows.map((row) => row.id).sort(),
    ),
  );

/** The worker's claim: both modes in one transaction, ids per mode. */
const claimBoth = (
  room: WorkerRoom,
  limits = { perEndpoint: 8, perProject: 16 },
  q?: (tx: Queryable) => Queryable,
) =>
  db.transaction(async (tx) => {
    const { live, test, full } = await claimLiveThenTest(q ? q(tx) : tx, room, NOW, LEASE, limits);
    const ids = (rows: ReadonlyArray<{ id: string }>) => rows.map((row) => row.id).sort();
    return { live: ids(live), test: ids(test), full };
  });

/** Deliveries back to unclaimed, so each test starts from what it seeded. */
afterEach(() => db.run(db.qb.updateTable('WebhookDelivery').set({ status: 'succeeded', lockedUntil: null })));

describe('claimDueDeliveries', () => {
  it('when one endpoint’s backlog is longer than a claim reads at once, then another project’s newer delivery is among the first picks, and the endpoint gets no more than its cap', async () => {
    const a = await endpointOf('prj_backlog_a');
    const b = await endpointOf('prj_backlog_b');
    const backlog = await a.due(300, secondsAgo(60));
    const [newer] = await b.due(1, secondsAgo(1));

    const claimed = await claim(4, 'test', { perEndpoint: 2, perProject: 16 });

    expect(claimed).toEqual([backlog[0], backlog[1], newer].sort());
  });

  it('when the oldest due deliveries are ones a claim may not take (a disabled endpoint’s, the other mode’s, leased), then it takes the newer ones it may', async () => {
    await (await endpointOf('prj_held', { enabled: false })).due(300, secondsAgo(90));
    await (await endpointOf('prj_live', { mode: 'live' })).due(300, secondsAgo(80));
    await (await endpointOf('prj_leased')).due(300, secondsAgo(70), LEASE);
    const wanted = await (await endpointOf('prj_wanted')).due(2, secondsAgo(1));

    expect(await claim(4, 'test')).toEqual(wanted);
  });

  it('when an endpoint has attempts in flight, then a claim over its backlog takes only what its cap leaves', async () => {
    const endpoint = await endpointOf('prj_capped');
    await endpoint.due(3, secondsAgo(100), LEASE);
    const backlog = await endpoint.due(300, secondsAgo(60));

    expect(await claim(10, 'test', { perEndpoint: 5, perProject: 16 })).toEqual(backlog.slice(0, 2));
  });

  it('when the worker claims for both modes, then live takes from every free slot first and test only its share of what live left', async () => {
    const live = await (await endpointOf('prj_both_live', { mode: 'live' })).due(10, secondsAgo(30));
    const test = await (await endpointOf('prj_both_test')).due(10, secondsAgo(60));

    // Room for 12: live takes its endpoint's 8 (the cap), test 3 of the 4 left (its share).
    expect(await claimBoth({ total: 12, test: 3 })).toEqual({
      live: live.slice(0, 8),
      test: test.slice(0, 3),
      full: true,
    });
    await db.run(db.qb.updateTable('WebhookDelivery').set({ lockedUntil: null }));
    // Room for 4: live takes all of it, older test deliveries notwithstanding.
    expect(await claimBoth({ total: 4, test: 3 })).toEqual({ live: live.slice(0, 4), test: [], full: true });
  });

  it('when nothing is due, then the worker claim takes nothing and says there is no more', async () => {
    await (await endpointOf('prj_later', { mode: 'live' })).due(5, new Date(NOW.getTime() + 60_000));
    expect(await claimBoth({ total: 64, test: 32 })).toEqual({ live: [], test: [], full: false });
  });

  it('when a claim runs over a backlog of thousands, then each of its reads goes through an index and none reads the backlog', async () => {
    const busy = await endpointOf('prj_plan_a');
    await busy.due(3000, secondsAgo(60));
    // Retries scheduled later and attempts in flight: pending too, and not to be read either.
    await (await endpointOf('prj_plan_b')).due(3000, new Date(NOW.getTime() + 3_600_000));
    await (await endpointOf('prj_plan_c')).due(5, secondsAgo(120), LEASE);
    if (db.engine === 'postgres') await db.run(raw('ANALYZE "WebhookDelivery", "WebhookEndpoint"'));

    const statements: CompiledQuery[] = [];
    const recording = (tx: Queryable): Queryable => ({
      ...tx,
      all: (query) => (statements.push(query.compile()), tx.all(query)),
    });
    expect(await claim(8, 'test', undefined, recording)).toHaveLength(8);
    expect(statements.length).toBeGreaterThanOrEqual(4);
    // The worker's claim of both modes reads the same way (no mode to narrow its reads).
    await db.run(
      db.qb
        .updateTable('WebhookDelivery')
        .set({ lockedUntil: null })
        .where('endpointId', '=', busy.endpointId),
    );
    const before = statements.length;
    expect((await claimBoth({ total: 8, test: 4 }, undefined, recording)).test).toHaveLength(4);
    expect(statements.length - before).toBeGreaterThanOrEqual(4);

    for (const statement of statements) {
      if (db.engine === 'sqlite') expectIndexedOnSqlite(statement, await sqlitePlan(statement));
      else expectIndexedOnPostgres(statement, await postgresPlan(statement));
    }
  });
});

const raw = (text: string, parameters: readonly unknown[] = []) => ({
  compile: () => CompiledQuery.raw(text, [...parameters]),
});

async function sqlitePlan(statement: CompiledQuery): Promise<string[]> {
  const rows = await db.all<{ detail: string }>(
    raw(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.parameters),
  );
  return rows.map((row) => row.detail);
}

/**
 * SQLite: deliveries (aliases d and o) are never scanned whole, never searched by status alone
 * (every pending one, held and retrying included), and a walk in due order stops at its LIMIT
 * instead of sorting what is due.
 */
function expectIndexedOnSqlite(statement: CompiledQuery, plan: string[]) {
  const context = `${statement.sql}\n${plan.join('\n')}`;
  const deliveries = plan.filter((line) => /^(SCAN|SEARCH) (d|o|WebhookDelivery)\b/.test(line));
  expect({ context, scans: deliveries.filter((line) => line.startsWith('SCAN')) }).toEqual({
    context,
    scans: [],
  });
  expect({ context, byStatus: deliveries.filter((line) => /\(status=\?\)$/.test(line)) }).toEqual({
    context,
    byStatus: [],
  });
  if (deliveries.some((line) => /\(status=\? AND nextAttemptAt<\?\)/.test(line))) {
    expect({ context, limited: /\blimit\b/i.test(statement.sql) }).toEqual({ context, limited: true });
    expect({ context, sorts: plan.filter((line) => line.includes('TEMP B-TREE')) }).toEqual({
      context,
      sorts: [],
    });
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

async function postgresPlan(statement: CompiledQuery): Promise<PlanNode> {
  // EXPLAIN ANALYZE runs the statement: the UPDATE that leases is planned only.
  const analyze = /^\s*select/i.test(statement.sql) ? 'ANALYZE, ' : '';
  const [row] = await db.all<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    raw(`EXPLAIN (${analyze}FORMAT JSON) ${statement.sql}`, statement.parameters),
  );
  return row!['QUERY PLAN'][0]!.Plan;
}

/** PostgreSQL: no sequential scan of deliveries, and each statement reads a few dozen of them, not thousands. */
function expectIndexedOnPostgres(statement: CompiledQuery, plan: PlanNode) {
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    if (node['Relation Name'] === 'WebhookDelivery') nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk(plan);
  const read = nodes.reduce(
    (sum, node) =>
      sum +
      (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) +
      (node['Rows Removed by Filter'] ?? 0) +
      (node['Rows Removed by Index Recheck'] ?? 0),
    0,
  );
  const context = statement.sql;
  expect({ context, seqScans: nodes.filter((node) => node['Node Type'] === 'Seq Scan').length }).toEqual({
    context,
    seqScans: 0,
  });
  expect({ context, tooMany: read > 100 ? read : 0 }).toEqual({ context, tooMany: 0 });
}

// The worker, end to end, with a poll interval longer than any of these tests: whatever arrives
// was sent because something woke the worker, not because a tick came.
describe('when the poll interval is a minute', () => {
  const receivers = webhookReceivers();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      WEBHOOK_POLL_INTERVAL_MS: '60000',
      WEBHOOK_CONCURRENCY: '4',
      WEBHOOK_ENDPOINT_CONCURRENCY: '2',
    });
  });
  afterAll(async () => {
    await receivers.closeAll();
    await server.close();
  });

  async function register(merchant: MerchantRequest, url: string): Promise<string> {
    const response = await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url } });
    expect(response.status).toBe(201);
    return response.data.endpoint.id as string;
  }

  it('then a payment’s first webhook attempt starts when its callback commits, without waiting for a tick', async () => {
    const merchant = await merchantFor(server);
    const hooks = await receivers.start();
    await register(merchant, hooks.url);
    const paid = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody(),
    });
    expect(paid.status).toBe(201);

    const [webhook] = [...(await hooks.waitForAccepted(1)).values()];
    expect(JSON.parse(webhook!.body)).toMatchObject({
      type: 'transaction.completed',
      data: { transaction: { id: paid.data.transaction.id } },
    });
  });

  it('then an endpoint’s held backlog, longer than a claim reads at once, is all delivered once it is enabled, at most 2 at a time, without a tick', async () => {
    const created = await axios.post(
      `${server.url}/api/v1/projects`,
      { name: 'Backlog' },
      { headers: { Authorization: `Bearer ${server.adminToken}` } },
    );
    const projectId = created.data.project.id as string;
    const merchant = merchantClient(server.url, keysOf(created.data, 'test'));
    const hooks = await slowReceiver();
    try {
      const endpointId = await register(merchant, hooks.url);
      const toggle = (enabled: boolean) =>
        merchant({ method: 'PATCH', path: `/api/v1/webhook-endpoints/${endpointId}`, body: { enabled } });
      expect((await toggle(false)).status).toBe(200);
      await happen(server, projectId, 40);

      expect((await toggle(true)).status).toBe(200);
      expect(
        await eventually(
          async () => hooks.accepted.size,
          (size) => size === 40,
          10_000,
        ),
      ).toBe(40);
      expect(hooks.mostOpen()).toBeLessThanOrEqual(2);
    } finally {
      await hooks.close();
    }
  });
});

/** A receiver that answers each webhook 200 a few milliseconds later, and counts how many it held at once. */
async function slowReceiver() {
  const accepted = new Set<string>();
  let open = 0;
  let mostOpen = 0;
  const app = express();
  app.post('/hooks', express.text({ type: '*/*' }), (req, res) => {
    mostOpen = Math.max(mostOpen, (open += 1));
    setTimeout(() => {
      open -= 1;
      accepted.add(String(req.headers['webhook-id']));
      res.status(200).send('ok');
    }, 5);
  });
  const server = await listenOnLoopback(app);
  return { url: `${server.url}/hooks`, accepted, mostOpen: () => mostOpen, close: server.close };
}

/** `count` committed events of the project's test mode, straight into the outbox. */
async function happen(server: TestServer, projectId: string, count: number): Promise<void> {
  const events = Array.from({ length: count }, () => {
    const id = newId('evt', new Date());
    return {
      id,
      projectId,
      mode: 'test' as const,
      type: 'transaction.completed' as const,
      transactionId: null,
      payload: JSON.stringify({ id, type: 'transaction.completed', data: {} }),
      createdAt: new Date(),
    };
  });
  await server.database().transaction((tx) => recordEvents(tx, events));
}
