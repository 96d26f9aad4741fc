// Follow one transaction over the service's Socket.io room. Used by the browser entry (with
// socket.io's own reconnection) and by waitForResult in Node (without: it polls instead).
// Only socket.io-client here: no Node built-ins, no secret key.
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { MpesaBridgeError } from './errors.js';
import type { ClientTransaction } from './types.js';

export const TRANSACTION_UPDATED_EVENT = 'transaction.updated';
const SUBSCRIBE_ACK_TIMEOUT_MS = 10_000;

export interface SubscribeOptions {
  /** The mpesa-bridge service (not your backend), e.g. `https://pay.example.com`. */
  baseUrl: string;
  transactionId: string;
  /** The `clientSecret` your backend got from initiate. It opens this transaction only. */
  clientSecret: string;
  /** The current state right after subscribing (also on every reconnect), then every change. */
  onUpdate: (transaction: ClientTransaction) => void;
  /**
   * `subscription_refused` (wrong secret or unknown transaction: final, the socket is closed) or
   * `realtime_unavailable` (cannot connect, or the connection dropped; socket.io retries unless
   * `socketOptions.reconnection` is false).
   */
  onError?: (error: MpesaBridgeError) => void;
  /** Passed to socket.io-client's `io()`, e.g. `{ path }` behind a proxy or `{ reconnection: false }`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface TransactionSubscription {
  /** Settles once the first subscription is acknowledged; rejects if refused or it cannot connect and will not retry. */
  readonly subscribed: Promise<void>;
  close(): void;
}

interface SubscribeAck {
  ok: boolean;
  error?: { code?: string; message?: string };
}

export function subscribeToTransaction(options: SubscribeOptions): TransactionSubscription {
  const { transactionId, clientSecret, onUpdate } = options;
  const onError = options.onError ?? (() => undefined);
  const socket = io(options.baseUrl, { forceNew: true, ...options.socketOptions });
  let settle: { resolve: () => void; reject: (error: MpesaBridgeError) => void } | undefined;
  const subscribed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // Callers that only use callbacks must not see an unhandled rejection.
  subscribed.catch(() => undefined);
  let closed = false;
  let latest: ClientTransaction | undefined;

  const fail = (error: MpesaBridgeError, final: boolean) => {
    if (closed) return;
    if (final) close();
    settle?.reject(error);
    onError(error);
  };

  // Rooms do not survive a reconnect: subscribe on every connect, and get the current state again.
  socket.on('connect', () => {
    socket.timeout(SUBSCRIBE_ACK_TIMEOUT_MS).emit('subscribe', { transactionId, clientSecret }, (timeout: Error | null, ack?: SubscribeAck) => {
      if (closed) return;
      if (timeout || !ack) {
        fail(new MpesaBridgeError({ code: 'realtime_unavailable', message: 'The subscription was not acknowledged in time' }), !socket.active);
      } else if (!ack.ok) {
        fail(new MpesaBridgeError({ code: ack.error?.code ?? 'subscription_refused', message: ack.error?.message ?? 'Subscription refused', status: 403 }), true);
      } else {
        settle?.resolve();
      }
    });
  });

  socket.on(TRANSACTION_UPDATED_EVENT, (transaction: ClientTransaction) => {
    if (closed || transaction.id !== transactionId) return;
    // The snapshot sent on subscribe can race a change emitted to the room at the same moment;
    // never let an older state overwrite a newer one.
    if (latest && Date.parse(transaction.updatedAt) < Date.parse(latest.updatedAt)) return;
    latest = transaction;
    onUpdate(transaction);
  });

  socket.on('connect_error', (cause: Error) => {
    // `active` is false when socket.io will not try again (reconnection off, or refused by a middleware).
    fail(new MpesaBridgeError({ code: 'realtime_unavailable', message: `Cannot connect to ${options.baseUrl}: ${cause.message}`, cause }), !socket.active);
  });

  socket.on('disconnect', (reason: string) => {
    if (closed) return;
    fail(new MpesaBridgeError({ code: 'realtime_unavailable', message: `Disconnected: ${reason}` }), !socket.active);
  });

  function close() {
    if (closed) return;
    closed = true;
    socket.close();
  }

  return { subscribed, close };
}
