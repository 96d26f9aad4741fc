// A browser's view: a real socket.io-client that subscribes to a transaction's room.
import { io, type Socket } from 'socket.io-client';

export interface ClientEvent {
  id: string;
  status: string;
  [field: string]: unknown;
}

export interface Subscriber {
  socket: Socket;
  events: ClientEvent[];
  subscribe(transactionId: string, clientSecret: string): Promise<{ ok: boolean; error?: { code: string } }>;
  waitForStatus(status: string, timeoutMs?: number): Promise<ClientEvent>;
  /** The first event `match` accepts (one that changes a field other than the status). */
  waitFor(match: (event: ClientEvent) => boolean, timeoutMs?: number): Promise<ClientEvent>;
  close(): void;
}

export async function connectSubscriber(
  baseUrl: string,
  options: { transports?: string[] } = {},
): Promise<Subscriber> {
  const socket = io(baseUrl, {
    transports: options.transports ?? ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const events: ClientEvent[] = [];
  const waiters: Array<() => void> = [];
  socket.on('transaction.updated', (event: ClientEvent) => {
    events.push(event);
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    socket,
    events,
    subscribe: (transactionId, clientSecret) =>
      socket.timeout(5000).emitWithAck('subscribe', { transactionId, clientSecret }),
    waitForStatus: (status, timeoutMs = 5000) =>
      firstMatch(
        events,
        waiters,
        (event) => event.status === status,
        () => `no ${status} event; got ${JSON.stringify(events.map((e) => e.status))}`,
        timeoutMs,
      ),
    waitFor: (match, timeoutMs = 5000) =>
      firstMatch(events, waiters, match, () => `no matching event; got ${JSON.stringify(events)}`, timeoutMs),
    close: () => socket.close(),
  };
}

/**
 * The first of `items` (already there, or pushed later: whoever pushes calls every waiter) that
 * `match` accepts; rejects with `failure()` after `timeoutMs`.
 */
export function firstMatch<T>(
  items: readonly T[],
  waiters: Array<() => void>,
  match: (item: T) => boolean,
  failure: () => string,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(failure())), timeoutMs);
    const check = () => {
      const found = items.find(match);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      } else waiters.push(check);
    };
    check();
  });
}

/** Polls `read` until `done` holds (for server state that is not pushed). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
