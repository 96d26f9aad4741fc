// One receiver cannot delay the others (issue 18 C2): receivers that never answer hold their
// attempts for the whole timeout, and the caps (delivery.fairness.ts) keep them from holding
// every worker. The bound is structural: the other project's webhook arrives while every one
// of the hanging attempts is still open, on a service whose timeout (60 s) outlives the test.
import type { IncomingMessage, ServerResponse } from 'node:http';
import axios from 'axios';
import express from 'express';
import { recordEvents } from '../../src/payments/event.repository';
import { newId } from '../../src/ids';
import type { Mode } from '../../src/core/scope';
import { keysOf } from '../helpers/accounts';
import { listenOnLoopback } from '../helpers/fake-daraja';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { webhookReceivers } from '../helpers/webhook-receiver';

const receivers = webhookReceivers();
afterAll(() => receivers.closeAll());

/** A receiver that reads each request and never answers; `open` are the requests still waiting. */
async function startHangingReceiver() {
  const open: Array<{ path: string; res: ServerResponse<IncomingMessage> }> = [];
  const app = express();
  app.post('/*path', express.text({ type: '*/*' }), (req, res) => {
    open.push({ path: req.path, res });
  });
  const server = await listenOnLoopback(app);
  return {
    url: server.url,
    open,
    /** Distinct paths (endpoints) among the open requests, with how many each. */
    perPath: () =>
      open.reduce(
        (counts, { path }) => counts.set(path, (counts.get(path) ?? 0) + 1),
        new Map<string, number>(),
      ),
    close: server.close,
  };
}

async function projectKeys(server: TestServer) {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Shop' },
    { headers: { Authorization: `Bearer ${server.adminToken}` } },
  );
  return {
    projectId: created.data.project.id as string,
    test: merchantClient(server.url, keysOf(created.data, 'test')),
    live: merchantClient(server.url, keysOf(created.data, 'live')),
  };
}

async function register(merchant: MerchantRequest, url: string): Promise<string> {
  const response = await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url } });
  expect(response.status).toBe(201);
  return response.data.endpoint.id as string;
}

/** `count` committed events of the project (the outbox fans them out as a payment's would). */
async function happen(server: TestServer, projectId: string, mode: Mode, count: number): Promise<void> {
  const now = new Date();
  const events = Array.from({ length: count }, () => {
    const id = newId('evt', now);
    return {
      id,
      projectId,
      mode,
      type: 'transaction.completed' as const,
      transactionId: null,
      payload: JSON.stringify({ id, type: 'transaction.completed', timestamp: now.toISOString(), data: {} }),
      createdAt: now,
    };
  });
  await server.database().transaction((tx) => recordEvents(tx, events));
}

describe('when one project’s endpoints never answer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      WEBHOOK_CONCURRENCY: '4',
      WEBHOOK_ENDPOINT_CONCURRENCY: '1',
      WEBHOOK_PROJECT_CONCURRENCY: '2',
      WEBHOOK_TIMEOUT_MS: '60000',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    });
  });
  afterAll(() => server.close());

  it('then another project’s webhook is delivered while all of those attempts are still in flight, each endpoint holding at most its cap', async () => {
    const hanging = await startHangingReceiver();
    try {
      const a = await projectKeys(server);
      for (const name of ['a1', 'a2', 'a3']) await register(a.live, `${hanging.url}/${name}`);
      await happen(server, a.projectId, 'live', 3);
      // A's project cap (2) of its 9 due deliveries, on two different endpoints (1 each).
      expect(
        await eventually(
          async () => hanging.open.length,
          (open) => open >= 2,
        ),
      ).toBe(2);

      const b = await projectKeys(server);
      const hooks = await receivers.start();
      await register(b.live, hooks.url);
      await happen(server, b.projectId, 'live', 1);
      expect((await hooks.waitForAccepted(1)).size).toBe(1);

      // Every one of A's attempts is still open (none answered, none timed out), and no more
      // than the caps allowed were ever started.
      expect(hanging.open.every(({ res }) => !res.writableEnded && !res.destroyed)).toBe(true);
      expect(hanging.open).toHaveLength(2);
      expect([...hanging.perPath().values()].every((count) => count === 1)).toBe(true);
    } finally {
      await hanging.close();
    }
  });
});

describe('when test-mode endpoints never answer', () => {
  let server: TestServer;
  beforeAll(async () => {
    // No per-endpoint or per-project cap to speak of: only the test/live split protects live here.
    server = await startTestServer({
      WEBHOOK_CONCURRENCY: '4',
      WEBHOOK_ENDPOINT_CONCURRENCY: '100',
      WEBHOOK_PROJECT_CONCURRENCY: '100',
      WEBHOOK_TIMEOUT_MS: '60000',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    });
  });
  afterAll(() => server.close());

  it('then a live webhook of another project is delivered while the test attempts hold their share of the workers', async () => {
    const hanging = await startHangingReceiver();
    try {
      const a = await projectKeys(server);
      await register(a.test, `${hanging.url}/test`);
      await happen(server, a.projectId, 'test', 8);
      // Test deliveries take at most half of the 4 workers.
      expect(
        await eventually(
          async () => hanging.open.length,
          (open) => open >= 2,
        ),
      ).toBe(2);

      const b = await projectKeys(server);
      const hooks = await receivers.start();
      await register(b.live, hooks.url);
      await happen(server, b.projectId, 'live', 1);
      expect((await hooks.waitForAccepted(1)).size).toBe(1);

      expect(hanging.open.every(({ res }) => !res.writableEnded && !res.destroyed)).toBe(true);
      expect(hanging.open).toHaveLength(2);
    } finally {
      await hanging.close();
    }
  });
});

describe('POST /api/v1/webhook-endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('when a project has 16 endpoints in a mode, then a 17th is refused with 409 webhook_endpoint_limit_reached, the other mode and a freed place still work', async () => {
    const project = await projectKeys(server);
    const hooks = await receivers.start();
    const ids: string[] = [];
    for (let n = 0; n < 16; n += 1) ids.push(await register(project.test, `${hooks.url}?n=${n}`));

    const refused = await project.test({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: hooks.url },
    });
    expect(refused.status).toBe(409);
    expect(refused.data.error).toMatchObject({ code: 'webhook_endpoint_limit_reached' });
    expect(refused.data.error.message).toContain('16');

    await register(project.live, hooks.url);
    expect(
      (await project.test({ method: 'DELETE', path: `/api/v1/webhook-endpoints/${ids[0]}` })).status,
    ).toBe(204);
    await register(project.test, hooks.url);
  });
});
