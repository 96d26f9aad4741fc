// Follow one transaction over the service's Socket.io room. Used by the browser entry (with
// socket.io's own reconnection, and polling a status URL while the socket is out of reach) and
// by waitForResult in Node (without either: it polls the signed API instead).
// Only socket.io-client and fetch here: no Node built-ins, no secret key.
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { MpesaBridgeError } from './errors.js';
import { isSettled, type ClientTransaction } from './types.js';

export const TRANSACTION_UPDATED_EVENT = 'transaction.updated';
/** The header a status URL receives the client secret in. */
export const CLIENT_SECRET_HEADER = 'X-Client-Secret';
const SUBSCRIBE_ACK_TIMEOUT_MS = 10_000;
const DEFAULT_POLL_INTERVAL_MS = 3_000;

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
  /**
   * The fallback while the socket cannot connect or has dropped: a URL your backend serves
   * (absolute, or relative to the page) that answers a GET carrying the client secret in the
   * `X-Client-Secret` header with `{ transaction }`, the same view the socket sends (404 or 403:
   * refused). Polled every `pollIntervalMs` until the socket is back or the payment is final.
   * Without it there is no fallback: updates wait for socket.io to reconnect.
   */
  statusUrl?: string;
  /** Default 3000 ms. */
  pollIntervalMs?: number;
}

export interface TransactionSubscription {
  /**
   * Settles once the first subscription is acknowledged (or, polling, the status URL first
   * answered); rejects if refused, or if it cannot connect, will not retry and has no status URL.
   */
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
  // WebSocket first: one connection to one instance, so a balancer needs no sticky sessions.
  // Long-polling (several requests that must reach the instance holding the session) only when
  // WebSocket cannot get through.
  const socket = io(options.baseUrl, {
    forceNew: true,
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    ...options.socketOptions,
  });
  let settle: { resolve: () => void; reject: (error: MpesaBridgeError) => void } | undefined;
  const subscribed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // Callers that only use callbacks must not see an unhandled rejection.
  subscribed.catch(() => undefined);
  let closed = false;
  let latest: ClientTransaction | undefined;
  const poller = options.statusUrl
    ? statusPoller(options.statusUrl, clientSecret, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS)
    : undefined;

  const deliver = (transaction: ClientTransaction, polled: boolean) => {
    if (closed || transaction.id !== transactionId) return;
    // The snapshot sent on subscribe can race a change emitted to the room at the same moment,
    // and a poll can answer after the socket told more: never let an older state overwrite a newer one.
    if (latest && Date.parse(transaction.updatedAt) < Date.parse(latest.updatedAt)) return;
    // A poll that finds nothing new says nothing (the socket, by contract, repeats the state on subscribe).
    if (
      polled &&
      latest &&
      latest.updatedAt === transaction.updatedAt &&
      latest.status === transaction.status
    )
      return;
    latest = transaction;
    onUpdate(transaction);
    if (isSettled(transaction)) poller?.stop();
  };

  const fail = (error: MpesaBridgeError, final: boolean) => {
    if (closed) return;
    const unreachable = error.code === 'realtime_unavailable';
    // Out of reach with a status URL: not final, the poller carries on while socket.io retries.
    if (unreachable && poller) {
      onError(error);
      if (!latest || !isSettled(latest)) {
        poller.start(
          (transaction) => {
            settle?.resolve();
            deliver(transaction, true);
          },
          (refusal) => fail(refusal, true),
        );
      }
      return;
    }
    if (final) close();
    settle?.reject(error);
    onError(error);
  };

  // Rooms do not survive a reconnect: subscribe on every connect, and get the current state again.
  socket.on('connect', () => {
    poller?.stop();
    socket
      .timeout(SUBSCRIBE_ACK_TIMEOUT_MS)
      .emit('subscribe', { transactionId, clientSecret }, (timeout: Error | null, ack?: SubscribeAck) => {
        if (closed) return;
        if (timeout || !ack) {
          fail(
            new MpesaBridgeError({
              code: 'realtime_unavailable',
              message: 'The subscription was not acknowledged in time',
            }),
            !socket.active,
          );
        } else if (!ack.ok) {
          fail(
            new MpesaBridgeError({
              code: ack.error?.code ?? 'subscription_refused',
              message: ack.error?.message ?? 'Subscription refused',
              status: 403,
            }),
            true,
          );
        } else {
          settle?.resolve();
        }
      });
  });

  socket.on(TRANSACTION_UPDATED_EVENT, (transaction: ClientTransaction) => deliver(transaction, false));

  socket.on('connect_error', (cause: Error) => {
    // `active` is false when socket.io will not try again (reconnection off, or refused by a middleware).
    fail(
      new MpesaBridgeError({
        code: 'realtime_unavailable',
        message: `Cannot connect to ${options.baseUrl}: ${cause.message}`,
        cause,
      }),
      !socket.active,
    );
  });

  socket.on('disconnect', (reason: string) => {
    if (closed) return;
    fail(
      new MpesaBridgeError({ code: 'realtime_unavailable', message: `Disconnected: ${reason}` }),
      !socket.active,
    );
  });

  function close() {
    if (closed) return;
    closed = true;
    poller?.stop();
    socket.close();
  }

  return { subscribed, close };
}

/** GETs the status URL every `intervalMs` while started; a 403 or 404 is a refusal and stops it. */
function statusPoller(url: string, clientSecret: string, intervalMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  // A poll still in flight when the poller is stopped and started again must not become a second loop.
  let generation = 0;
  const stop = () => {
    running = false;
    generation += 1;
    clearTimeout(timer);
  };
  return {
    stop,
    start(
      onTransaction: (transaction: ClientTransaction) => void,
      onRefused: (error: MpesaBridgeError) => void,
    ) {
      if (running) return;
      running = true;
      const mine = ++generation;
      const current = () => running && generation === mine;
      const poll = async () => {
        try {
          const response = await fetch(url, {
            headers: { [CLIENT_SECRET_HEADER]: clientSecret, Accept: 'application/json' },
          });
          if (!current()) return;
          if (response.status === 403 || response.status === 404) {
            stop();
            onRefused(
              new MpesaBridgeError({
                code: 'subscription_refused',
                message: `The status URL refused this payment (HTTP ${response.status})`,
                status: 403,
              }),
            );
            return;
          }
          if (response.ok)
            onTransaction(((await response.json()) as { transaction: ClientTransaction }).transaction);
        } catch {
          // Unreachable too, for now: ask again at the next tick.
        }
        if (current()) timer = setTimeout(() => void poll(), intervalMs);
      };
      void poll();
    },
  };
}
