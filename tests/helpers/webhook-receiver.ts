// A merchant's webhook receiver on a real loopback port. It answers by a script (e.g. 503 for
// the first N requests, then 200) and records every request exactly as it arrived.
import express from 'express';
import { listenOnLoopback } from './fake-daraja';
import { eventually } from './realtime';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Requests answered 2xx, one per distinct webhook-id (what a deduping merchant keeps). */
  accepted(): Map<string, ReceivedWebhook>;
  waitForAccepted(count: number, timeoutMs?: number): Promise<Map<string, ReceivedWebhook>>;
  close(): Promise<void>;
}

export type Answer = number | { status: number; headers: Record<string, string> };

/** `answer(n)` gives the status (and headers) of the n-th request (1-based); default: always 200. */
export async function startWebhookReceiver(
  answer: (n: number, webhook: ReceivedWebhook) => Answer = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const acceptedById = new Map<string, ReceivedWebhook>();
  const app = express();
  app.post('/hooks', express.text({ type: '*/*' }), (req, res) => {
    const webhook = {
      headers: req.headers as Record<string, string>,
      body: req.body as string,
      at: Date.now(),
    };
    received.push(webhook);
    const given = answer(received.length, webhook);
    const { status, headers } = typeof given === 'number' ? { status: given, headers: {} } : given;
    res.set(headers);
    if (status >= 200 && status < 300 && !acceptedById.has(webhook.headers['webhook-id']!))
      acceptedById.set(webhook.headers['webhook-id']!, webhook);
    res.status(status).send(status >= 300 ? 'receiver says no' : 'ok');
  });
  const server = await listenOnLoopback(app);
  return {
    url: `${server.url}/hooks`,
    received,
    accepted: () => acceptedById,
    waitForAccepted: (count, timeoutMs = 10_000) =>
      eventually(
        async () => acceptedById,
        (map) => map.size >= count,
        timeoutMs,
      ),
    close: server.close,
  };
}

/** Receivers a test file starts as it goes; `closeAll` in its afterAll closes every one. */
export function webhookReceivers() {
  const started: WebhookReceiver[] = [];
  return {
    async start(answer?: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
      const receiver = await startWebhookReceiver(answer);
      started.push(receiver);
      return receiver;
    },
    closeAll: async () => {
      await Promise.all(started.map((receiver) => receiver.close()));
    },
  };
}
