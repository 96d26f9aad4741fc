// Webhook delivery: how soon the merchant hears of a payment, and how fast a backlog drains.
// A receiver on 127.0.0.1 in this process stands in for the merchant (always 200 when open).
// 1. Latency: callbacks posted at a modest concurrency; for each, the time from our 200 to
//    the callback (Safaricom's view: acknowledged) to the first attempt reaching the receiver.
// 2. Throughput: a backlog of deliveries held while the endpoint is down, released at once
//    by re-enabling the endpoint (which makes every kept delivery due now); deliveries per
//    second from the re-enable to the last 200, and the CPU the service and its database
//    processes spent per delivery meanwhile (a figure the machine's other load moves less).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TransactionSecrets } from '../src/security/transaction-secrets';
import { callbackRequests } from './callbacks';
import { callJson, createAgent, mapConcurrent } from './http';
import { createPending } from './initiate';
import { createProject, signedCall, type ProjectKeys } from './merchant';
import { percentile } from './stats';
import type { BenchChild } from './child';
import { perOperation, read, type PerOperation } from './probe';

const LATENCY_CALLBACKS = 500;
const LATENCY_CONCURRENCY = 10;
const BACKLOG = 3000;
const BACKLOG_CONCURRENCY = 25;
const WAIT_LIMIT_MS = 60_000;

export interface WebhookBenchResult {
  latency: { samples: number; p50Ms: number; p99Ms: number };
  throughput: { deliveries: number; seconds: number; perSecond: number };
  /** Round trips and CPU per delivery while the backlog drained (the two PATCHes included). */
  perDelivery: PerOperation;
}

function startReceiver() {
  let open = true;
  const firstArrival = new Map<string, number>(); // transaction id -> performance.now()
  const accepted = new Set<string>(); // webhook-id answered 200
  let refused = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      const id = String(req.headers['webhook-id']);
      const transactionId = (
        JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { transaction: { id: string } } }
      ).data.transaction.id;
      if (!firstArrival.has(transactionId)) firstArrival.set(transactionId, at);
      if (!open) {
        refused += 1;
        res.writeHead(503).end();
        return;
      }
      accepted.add(id);
      res.writeHead(200).end('ok');
    });
  });
  return {
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`),
        ),
      ),
    setOpen: (value: boolean) => (open = value),
    firstArrival,
    accepted: () => accepted.size,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`webhook bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function registerEndpoint(
  agent: http.Agent,
  serverUrl: string,
  keys: ProjectKeys,
  url: string,
): Promise<string> {
  const answer = await signedCall(agent, serverUrl, keys, 'POST', '/api/v1/webhook-endpoints', { url });
  const id = (answer.body as { endpoint?: { id?: string } }).endpoint?.id;
  if (answer.status !== 201 || !id)
    throw new Error(`endpoint registration failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return id;
}

export async function benchWebhooks(opts: {
  server: BenchChild;
  adminToken: string;
  secrets: TransactionSecrets;
}): Promise<WebhookBenchResult> {
  const { secrets } = opts;
  const serverUrl = opts.server.url;
  const agent = createAgent(BACKLOG_CONCURRENCY);
  const receiver = startReceiver();
  const receiverUrl = await receiver.listen();
  try {
    // 1. Latency, endpoint up.
    const latencyKeys = await createProject(agent, serverUrl, opts.adminToken);
    await registerEndpoint(agent, serverUrl, latencyKeys, receiverUrl);
    const payments = await createPending(
      agent,
      serverUrl,
      latencyKeys,
      LATENCY_CALLBACKS,
      BACKLOG_CONCURRENCY,
    );
    const requests = callbackRequests(payments, secrets);
    const acknowledgedAt = new Map<string, number>();
    await mapConcurrent(requests.length, LATENCY_CONCURRENCY, async (i) => {
      const answer = await callJson(agent, {
        method: 'POST',
        url: `${serverUrl}${requests[i]!.path}`,
        body: requests[i]!.body,
      });
      if (answer.status !== 200) throw new Error(`callback refused: ${answer.status}`);
      acknowledgedAt.set(payments[i]!.id, performance.now());
    });
    await until(
      () => payments.every((payment) => receiver.firstArrival.has(payment.id)),
      'the latency deliveries',
    );
    const latencies = payments.map(
      (payment) => receiver.firstArrival.get(payment.id)! - acknowledgedAt.get(payment.id)!,
    );

    // 2. Throughput: a backlog built while the merchant answers 503, then released.
    receiver.setOpen(false);
    const backlogKeys = await createProject(agent, serverUrl, opts.adminToken);
    const endpointId = await registerEndpoint(agent, serverUrl, backlogKeys, receiverUrl);
    const backlog = await createPending(agent, serverUrl, backlogKeys, BACKLOG, BACKLOG_CONCURRENCY);
    const backlogRequests = callbackRequests(backlog, secrets);
    await mapConcurrent(backlogRequests.length, BACKLOG_CONCURRENCY, async (i) => {
      const answer = await callJson(agent, {
        method: 'POST',
        url: `${serverUrl}${backlogRequests[i]!.path}`,
        body: backlogRequests[i]!.body,
      });
      if (answer.status !== 200) throw new Error(`callback refused: ${answer.status}`);
    });
    // Every first attempt has failed; retries are an hour away (the bench's schedule).
    await until(() => receiver.refused() >= BACKLOG, 'the backlog first attempts');
    receiver.setOpen(true);
    const acceptedBefore = receiver.accepted();
    const disabled = await signedCall(
      agent,
      serverUrl,
      backlogKeys,
      'PATCH',
      `/api/v1/webhook-endpoints/${endpointId}`,
      { enabled: false },
    );
    if (disabled.status !== 200) throw new Error(`disable failed: ${disabled.status}`);
    const before = await read([opts.server]);
    const started = performance.now();
    const enabled = await signedCall(
      agent,
      serverUrl,
      backlogKeys,
      'PATCH',
      `/api/v1/webhook-endpoints/${endpointId}`,
      { enabled: true },
    );
    if (enabled.status !== 200) throw new Error(`enable failed: ${enabled.status}`);
    await until(() => receiver.accepted() - acceptedBefore >= BACKLOG, 'the backlog deliveries');
    const seconds = (performance.now() - started) / 1000;
    const perDelivery = perOperation(before, await read([opts.server]), BACKLOG);

    return {
      latency: {
        samples: latencies.length,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
      },
      throughput: { deliveries: BACKLOG, seconds, perSecond: BACKLOG / seconds },
      perDelivery,
    };
  } finally {
    agent.destroy();
    await receiver.close();
  }
}
