// Callback ingestion: real STK success callbacks posted to the real callback URLs of real
// pending payments, each settling a distinct one (stored, state changed, event emitted), with
// a Socket.io client subscribed to some so the emits reach a socket. The same requests, with
// the same autocannon settings, go to a bare Express JSON echo for the ceiling and to the
// naive Express + Prisma handler (bench/naive-server.ts) for what users would write instead.
import { createHash } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { CALLBACK_PATH } from '../src/callbacks/callback.routes';
import type { TransactionSecrets } from '../src/security/transaction-secrets';
import { runLoad, type LoadRequest, type LoadResult } from './load';
import { BENCH_AMOUNT, NO_CALLBACK_PHONE, type PendingPayment } from './merchant';
import { perOperation, type PerOperation, type Reading } from './probe';

/** One payment in this many has a subscribed browser. */
const SUBSCRIBE_EVERY = 10;
const EMIT_WAIT_MS = 10_000;

/**
 * Daraja's documented success callback (developer.safaricom.co.ke MpesaExpressSimulate, as in
 * tests/fixtures/daraja-fixtures.json `stk_callback_success_daraja3_doc`), with each payment's own ids.
 */
function successCallback(payment: PendingPayment): string {
  return JSON.stringify({
    Body: {
      stkCallback: {
        MerchantRequestID: payment.merchantRequestId,
        CheckoutRequestID: payment.checkoutRequestId,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        CallbackMetadata: {
          Item: [
            { Name: 'Amount', Value: BENCH_AMOUNT },
            { Name: 'MpesaReceiptNumber', Value: receiptOf(payment) },
            { Name: 'TransactionDate', Value: 20191219102115 },
            { Name: 'PhoneNumber', Value: Number(NO_CALLBACK_PHONE) },
          ],
        },
      },
    },
  });
}

/**
 * A receipt of the payment's own: two payments given one receipt are one payment to the ledger
 * (the second is linked to the first, `paidAs`, and never completes: docs/c2b.md).
 */
function receiptOf(payment: PendingPayment): string {
  const digest = BigInt(`0x${createHash('sha256').update(payment.id).digest('hex').slice(0, 12)}`);
  return `BE${digest.toString(36).toUpperCase().padStart(8, '0').slice(-8)}`;
}

export function callbackRequests(
  payments: readonly PendingPayment[],
  secrets: TransactionSecrets,
): LoadRequest[] {
  return payments.map((payment) => ({
    path: `${CALLBACK_PATH}/${payment.id}/${secrets.callbackToken(payment.id)}`,
    body: successCallback(payment),
  }));
}

export interface Subscriber {
  subscribed: number;
  completedEvents(): number;
  waitForCompleted(expected: number): Promise<number>;
  close(): void;
}

/** A browser-like client in the rooms of every SUBSCRIBE_EVERY-th payment. */
export async function subscribeSome(
  serverUrl: string,
  payments: readonly PendingPayment[],
): Promise<Subscriber> {
  const socket: Socket = io(serverUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const completed = new Set<string>();
  socket.on('transaction.updated', (event: { id: string; status: string }) => {
    if (event.status === 'completed') completed.add(event.id);
  });
  const chosen = payments.filter((_, i) => i % SUBSCRIBE_EVERY === 0);
  const answers = await Promise.all(
    chosen.map(
      (p) =>
        socket
          .timeout(10_000)
          .emitWithAck('subscribe', { transactionId: p.id, clientSecret: p.clientSecret }) as Promise<{
          ok: boolean;
        }>,
    ),
  );
  const refused = answers.filter((answer) => !answer.ok).length;
  if (refused > 0) throw new Error(`${refused} Socket.io subscriptions refused`);

  return {
    subscribed: chosen.length,
    completedEvents: () => completed.size,
    async waitForCompleted(expected) {
      const deadline = Date.now() + EMIT_WAIT_MS;
      while (completed.size < expected && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      return completed.size;
    },
    close: () => socket.close(),
  };
}

export interface IngestionResult {
  ours: LoadResult;
  echo: LoadResult;
  /** ours / echo, callbacks per second. */
  ratio: number;
  /** The tutorial Express + Prisma handler on the same requests (bench/naive-server.ts), when measured. */
  naive?: LoadResult;
  /** ours / naive, callbacks per second. */
  ratioToNaive?: number;
  /** Round trips and CPU per callback of our measured load, when the server was read around it. */
  perCallback?: PerOperation;
  subscribed: number;
  completedEvents: number;
}

export async function benchCallbackIngestion(opts: {
  serverUrl: string;
  echoUrl: string;
  secrets: TransactionSecrets;
  warmup: readonly PendingPayment[];
  measured: readonly PendingPayment[];
  connections: number;
  /** The naive baseline's server, holding the same pending payments. */
  naiveUrl?: string;
  /** Reads the server (round trips, CPU) just before and after our measured load. */
  read?: () => Promise<Reading>;
}): Promise<IngestionResult> {
  const warmup = callbackRequests(opts.warmup, opts.secrets);
  const measured = callbackRequests(opts.measured, opts.secrets);
  const subscriber = await subscribeSome(opts.serverUrl, opts.measured);
  try {
    // Warm both (JIT, connection pools, database pages) before anything counts.
    if (warmup.length > 0) {
      await runLoad(opts.echoUrl, warmup, opts.connections);
      if (opts.naiveUrl) await runLoad(opts.naiveUrl, warmup, opts.connections);
      await runLoad(opts.serverUrl, warmup, opts.connections);
    }
    const echo = await runLoad(opts.echoUrl, measured, opts.connections);
    const naive = opts.naiveUrl ? await runLoad(opts.naiveUrl, measured, opts.connections) : undefined;
    const before = await opts.read?.();
    const ours = await runLoad(opts.serverUrl, measured, opts.connections);
    const after = await opts.read?.();
    const completedEvents = await subscriber.waitForCompleted(subscriber.subscribed);
    return {
      ours,
      echo,
      ratio: ours.perSecond / echo.perSecond,
      ...(naive ? { naive, ratioToNaive: ours.perSecond / naive.perSecond } : {}),
      ...(before && after ? { perCallback: perOperation(before, after, measured.length) } : {}),
      subscribed: subscriber.subscribed,
      completedEvents,
    };
  } finally {
    subscriber.close();
  }
}
