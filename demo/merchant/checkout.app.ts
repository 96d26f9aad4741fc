// The merchant's backend, as small as it can be: it holds the API keys, starts payments with
// the SDK, and hands the browser only what it needs to follow one payment (id + client secret).
// Everything a real shop would add (orders, carts, auth) is left out on purpose.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import express from 'express';
import {
  CLIENT_SECRET_HEADER,
  MpesaBridgeError,
  type ClientTransaction,
  type MpesaBridgeClient,
  type Transaction,
} from '@mpesa-bridge/sdk';

export interface TestPhone {
  /** As a customer would type it, e.g. 0700000001. */
  phone: string;
  outcome: string;
}

export interface CheckoutAppOptions {
  mpesa: MpesaBridgeClient;
  /** The simulator's test inputs, listed on the page; empty against Daraja. */
  testPhones: readonly TestPhone[];
}

const PUBLIC_DIR = path.join(__dirname, '..', 'public');
/** How many started payments the demo remembers for the status fallback (a real shop has its orders table). */
const REMEMBERED_PAYMENTS_MAX = 1_000;

export function createCheckoutApp({ mpesa, testPhones }: CheckoutAppOptions) {
  const app = express();
  app.use(express.json({ limit: '4kb' }));
  // Which browser may read which payment: the client secret handed to it with the payment.
  const started = new Map<string, string>();
  const remember = (transactionId: string, clientSecret: string) => {
    started.set(transactionId, clientSecret);
    if (started.size > REMEMBERED_PAYMENTS_MAX) started.delete(started.keys().next().value as string);
  };

  app.post('/api/checkout', async (req, res) => {
    const { phone, amount } = (req.body ?? {}) as { phone?: unknown; amount?: unknown };
    // A real shop takes the amount from its order, never from the browser; the demo lets the visitor choose.
    const orderId = `ORD${Date.now().toString(36).toUpperCase()}`;
    try {
      const { transaction, clientSecret } = await mpesa.transactions.initiate(
        {
          phone: String(phone ?? ''),
          amount: Number(amount),
          accountReference: orderId,
          description: 'Demo order',
        },
        { idempotencyKey: orderId },
      );
      remember(transaction.id, clientSecret);
      res.status(201).json({
        transactionId: transaction.id,
        clientSecret,
        phone: transaction.phone,
        amount: transaction.amount,
      });
    } catch (error) {
      if (!(error instanceof MpesaBridgeError)) throw error;
      // Pass on what the customer can act on; keep the rest (request id) for our logs.
      const status = error.status && error.status < 500 ? error.status : 502;
      res
        .status(status)
        .json({ error: { code: error.code, message: customerMessage(error), requestId: error.requestId } });
    }
  });

  app.get('/api/config', (_req, res) => {
    res.json({ testPhones });
  });

  // The page's fallback while its socket is out of reach (see the SDK's `statusUrl`): the
  // payment's state, for the browser holding its client secret, in the view the socket sends.
  app.get('/api/payments/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const secret = req.get(CLIENT_SECRET_HEADER);
    if (!secret || started.get(req.params.id) !== secret) {
      res.status(404).json({
        error: {
          code: 'payment_not_found',
          message: 'No payment of this shop has that id and client secret',
          requestId: `req_${randomUUID()}`,
        },
      });
      return;
    }
    try {
      res.json({ transaction: browserView(await mpesa.transactions.get(req.params.id)) });
    } catch (error) {
      if (!(error instanceof MpesaBridgeError)) throw error;
      res.status(502).json({
        error: {
          code: error.code,
          message: 'Could not read the payment from mpesa-bridge',
          requestId: error.requestId ?? `req_${randomUUID()}`,
        },
      });
    }
  });

  // The page loads the SDK's browser entry as an ES module, and socket.io-client's ES build
  // for its one import (mapped in index.html): no bundler, no build step for the page.
  app.use('/sdk', express.static(sdkBrowserDir()));
  // A root for sendFile: without one, a dot segment anywhere in the absolute path (a clone
  // under ~/.cache/...) is refused as a dotfile (dashboard.pages.ts).
  app.get('/vendor/socket.io-client.js', (_req, res) =>
    res.sendFile(path.basename(socketIoClientEsm()), { root: path.dirname(socketIoClientEsm()) }),
  );
  app.use(express.static(PUBLIC_DIR));
  return app;
}

/** The fields the service sends browsers over Socket.io, the phone masked the same way. */
function browserView(transaction: Transaction): ClientTransaction {
  const { phone } = transaction;
  return {
    id: transaction.id,
    status: transaction.status,
    amount: transaction.amount,
    currency: transaction.currency,
    phone: `${phone.slice(0, 6)}***${phone.slice(-3)}`,
    customerMessage: transaction.customerMessage,
    mpesaReceiptNumber: transaction.mpesaReceiptNumber,
    failure: transaction.failure,
    paidElsewhere: transaction.paidAs !== null,
    updatedAt: transaction.updatedAt,
    settledAt: transaction.settledAt,
  };
}

function customerMessage(error: MpesaBridgeError): string {
  if (error.code === 'validation_failed') {
    const fields = (error.details?.fields ?? []) as Array<{ field?: string; message?: string }>;
    const first = fields[0];
    if (first?.field === 'phone') return 'Enter a Kenyan mobile number, e.g. 0712345678';
    if (first?.field === 'amount') return `Enter a whole amount in KES (${first.message ?? 'out of range'})`;
  }
  if (error.code === 'mpesa_subscriber_busy')
    return 'You already have an M-Pesa prompt open. Finish or cancel it, then try again in a minute.';
  if (error.code === 'mpesa_unavailable') return 'M-Pesa is busy right now. Please try again in a moment.';
  return error.message;
}

function sdkBrowserDir(): string {
  return path.join(path.dirname(require.resolve('@mpesa-bridge/sdk/package.json')), 'dist', 'esm');
}

function socketIoClientEsm(): string {
  return path.join(
    path.dirname(require.resolve('socket.io-client/package.json')),
    'dist',
    'socket.io.esm.min.js',
  );
}
