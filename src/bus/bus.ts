// The bus between instances of one deployment: what one instance must tell the others (a change
// for their browsers, a key that stopped working, a webhook to send), over PostgreSQL
// LISTEN/NOTIFY or Redis pub/sub (bus.postgres.ts, bus.redis.ts). Two rules make it cheap:
//
// - Alone, it sends nothing. An instance knows its peers because every instance says hello when
//   it starts listening, and is answered by every instance that hears it; a message is only
//   queued while some peer is known.
// - Not alone, everything queued in one turn of the event loop (the emits of one committed
//   settlement batch) goes as one payload (bus.wire.ts), and while one is on its way the next
//   ones gather behind it.
//
// A second instance cannot miss what the first one sends: before it finishes starting (and so
// before any browser can reach it) it counts the instances listening (the transport asks
// PostgreSQL or Redis, not the bus) and waits until each has answered its hello, so each has it
// among its peers before the newcomer serves anyone. An instance that does not answer within
// HELLO_TIMEOUT_MS is logged, and the start goes on: its browsers catch up by the periodic
// resync (src/realtime/realtime.server.ts). A peer is forgotten when it says goodbye, or when it
// has been silent for three heartbeats and the transport counts fewer listeners than peers; a
// peer that is merely slow is kept.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import { createDecoder, encode, type Entry, type Received } from './bus.wire';

/** How one instance reaches the others; the bus adds presence and batching. */
export interface BusTransport {
  kind: 'postgres' | 'redis';
  /** The largest payload the transport carries (bytes). */
  maxPayloadBytes: number;
  /**
   * Starts listening; resolves once it listens. `up` is called each time it listens again after
   * the connection was lost (`down`); payloads sent meanwhile never arrive.
   */
  listen(handlers: { payload(text: string): void; up(): void; down(): void }): Promise<void>;
  /** Sends the payloads, in order, in one round trip. */
  send(payloads: readonly string[]): Promise<void>;
  /** Instances listening now, this one included, as the server sees their connections. */
  listeners(): Promise<number>;
  close(): Promise<void>;
}

export type BusKind = 'local' | BusTransport['kind'];
export type BusHandler = (body: unknown, from: string) => void | Promise<void>;

export interface Bus {
  readonly kind: BusKind;
  /** Other instances this one knows; 0: alone, and publish sends nothing. */
  peerCount(): number;
  /** Called whenever peerCount changes. */
  onPeersChanged(listener: (count: number) => void): void;
  /** Queues `body` for every other instance, sent with the rest of this turn; dropped when alone. */
  publish(topic: string, body: unknown): void;
  /**
   * As publish, and resolves once every peer has handled it (or after CONFIRM_TIMEOUT_MS, with a
   * warning naming how many did not answer): for what must hold everywhere before we answer.
   */
  publishConfirmed(topic: string, body: unknown): Promise<void>;
  subscribe(topic: string, handler: BusHandler): () => void;
  /** False while this instance's own connection to the bus is down (it may be missing messages). */
  listening(): boolean;
  /** Called when this instance hears the bus again after losing it. */
  onReconnected(listener: () => void): void;
  /** Says goodbye (peers stop sending here) and closes the transport. */
  close(): Promise<void>;
}

export const HEARTBEAT_MS = 5_000;
export const HELLO_TIMEOUT_MS = 5_000;
export const CONFIRM_TIMEOUT_MS = 3_000;
const SILENT_HEARTBEATS = 3;

const HELLO = '.hello';
const HERE = '.here';
const BYE = '.bye';
const ACK = '.ack';

export interface BusOptions {
  logger: Logger;
  heartbeatMs?: number;
  helloTimeoutMs?: number;
  confirmTimeoutMs?: number;
  now?: () => number;
}

/** SQLite's one process: nobody to tell, nothing sent. */
export function createLocalBus(): Bus {
  return {
    kind: 'local',
    peerCount: () => 0,
    onPeersChanged: () => undefined,
    publish: () => undefined,
    publishConfirmed: async () => undefined,
    subscribe: () => () => undefined,
    listening: () => true,
    onReconnected: () => undefined,
    close: async () => undefined,
  };
}

/** Starts the bus on `transport`; resolves once every instance listening has heard this one. */
export async function createBus(transport: BusTransport, options: BusOptions): Promise<Bus> {
  const { logger } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const helloTimeoutMs = options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
  const confirmTimeoutMs = options.confirmTimeoutMs ?? CONFIRM_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const self = randomBytes(8).toString('hex');
  const decoder = createDecoder(now);
  /** Peer -> when it was last heard. */
  const peers = new Map<string, number>();
  const handlers = new Map<string, Set<BusHandler>>();
  const peerListeners: Array<(count: number) => void> = [];
  const reconnectListeners: Array<() => void> = [];
  const confirms = new Map<string, { waiting: Set<string>; done: () => void }>();
  let queue: Entry[] = [];
  let sending: Promise<void> | undefined;
  let flushScheduled = false;
  let lastSentAt = 0;
  let up = false;
  let closed = false;
  let greeting: { needed: number; heard: Set<string>; done: () => void } | undefined;

  const peersChanged = () => peerListeners.forEach((listener) => listener(peers.size));

  function enqueue(entry: Entry): void {
    queue.push(entry);
    if (flushScheduled || sending) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      void flush();
    });
  }

  async function flush(): Promise<void> {
    if (sending || queue.length === 0) return;
    const entries = queue;
    queue = [];
    sending = transport
      .send(encode(self, entries, transport.maxPayloadBytes))
      .then(() => {
        lastSentAt = now();
      })
      .catch((error: unknown) => {
        // Lost messages are caught up by what each feature does anyway (the resync of rooms,
        // the stream's rechecks, the delivery worker's poll); a confirmed one times out loudly.
        logger.warn('bus: sending to the other instances failed', { error, messages: entries.length });
      })
      .finally(() => {
        sending = undefined;
        if (queue.length > 0) void flush();
      });
    await sending;
  }

  function forget(peer: string): void {
    if (!peers.delete(peer)) return;
    for (const [id, confirm] of confirms) {
      confirm.waiting.delete(peer);
      if (confirm.waiting.size === 0) {
        confirms.delete(id);
        confirm.done();
      }
    }
    peersChanged();
  }

  async function handle(from: string, [topic, body, confirmId]: Entry): Promise<void> {
    if (topic === HELLO) enqueue([HERE, null]);
    else if (topic === BYE) forget(from);
    else if (topic === ACK) {
      const { id, to } = body as { id: string; to: string };
      const confirm = to === self ? confirms.get(id) : undefined;
      if (confirm?.waiting.delete(from) && confirm.waiting.size === 0) {
        confirms.delete(id);
        confirm.done();
      }
    } else if (topic !== HERE) {
      for (const handler of handlers.get(topic) ?? []) {
        try {
          await handler(body, from);
        } catch (error) {
          logger.error('bus: a message handler failed', { topic, error });
        }
      }
      if (confirmId) enqueue([ACK, { id: confirmId, to: from }]);
    }
  }

  function receive(payload: string): void {
    let received: Received | undefined;
    try {
      received = decoder.decode(payload);
    } catch (error) {
      logger.warn('bus: unreadable payload dropped', { error });
      return;
    }
    if (!received || received.from === self) return;
    const { from, entries } = received;
    const isNew = !peers.has(from);
    peers.set(from, now());
    if (greeting) {
      greeting.heard.add(from);
      if (greeting.heard.size >= greeting.needed) greeting.done();
    }
    if (isNew) peersChanged();
    void (async () => {
      for (const entry of entries) await handle(from, entry);
    })();
  }

  /** Says hello; resolves once as many instances as listen (besides this one) have answered. */
  async function announce(): Promise<void> {
    const others = (await transport.listeners().catch(() => 1)) - 1;
    const answered = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn(
          'bus: not every instance listening answered this one; their browsers may miss its updates until their next resync',
          { listening: others, answered: greeting?.heard.size ?? 0 },
        );
        resolve();
      }, helloTimeoutMs);
      timer.unref();
      greeting = {
        needed: others,
        heard: new Set(),
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      if (others <= 0) greeting.done();
    });
    // Nobody else listens: nobody to greet (one that starts listening later counts this one
    // and greets it).
    if (others > 0) enqueue([HELLO, null]);
    await answered;
    greeting = undefined;
  }

  async function heartbeat(): Promise<void> {
    if (peers.size === 0) return;
    if (now() - lastSentAt >= heartbeatMs) enqueue([HERE, null]);
    const silent = [...peers]
      .filter(([, heardAt]) => now() - heardAt > SILENT_HEARTBEATS * heartbeatMs)
      .sort(([, a], [, b]) => a - b)
      .map(([peer]) => peer);
    if (silent.length === 0) return;
    // Silent is not gone: a busy instance still gets what it is sent. Only as many as the
    // server no longer sees listening are forgotten.
    const others = (await transport.listeners().catch(() => Number.POSITIVE_INFINITY)) - 1;
    const gone = Math.min(silent.length, peers.size - others);
    for (const peer of silent.slice(0, Math.max(0, gone))) {
      logger.info('bus: an instance went silent and stopped listening; forgotten');
      forget(peer);
    }
  }

  await transport.listen({
    payload: receive,
    up() {
      up = true;
      decoder.reset();
      reconnectListeners.forEach((listener) => listener());
      announce().catch((error: unknown) => logger.warn('bus: hello after reconnecting failed', { error }));
    },
    down() {
      up = false;
    },
  });
  up = true;
  await announce();
  const timer = setInterval(() => {
    heartbeat().catch((error: unknown) => logger.warn('bus: heartbeat failed', { error }));
  }, heartbeatMs);
  timer.unref();

  return {
    kind: transport.kind,
    peerCount: () => peers.size,
    onPeersChanged: (listener) => void peerListeners.push(listener),
    publish(topic, body) {
      if (peers.size > 0 && !closed) enqueue([topic, body]);
    },
    publishConfirmed(topic, body) {
      if (peers.size === 0 || closed) return Promise.resolve();
      const id = randomBytes(8).toString('hex');
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          const confirm = confirms.get(id);
          confirms.delete(id);
          logger.warn('bus: not every instance confirmed a message in time', {
            topic,
            unconfirmed: confirm?.waiting.size ?? 0,
          });
          resolve();
        }, confirmTimeoutMs);
        timer.unref();
        confirms.set(id, {
          waiting: new Set(peers.keys()),
          done: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        enqueue([topic, body, id]);
      });
    },
    subscribe(topic, handler) {
      const set = handlers.get(topic) ?? new Set();
      handlers.set(topic, set);
      set.add(handler);
      return () => void set.delete(handler);
    },
    listening: () => up,
    onReconnected: (listener) => void reconnectListeners.push(listener),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (peers.size > 0) enqueue([BYE, null]);
      await sending;
      await flush();
      await transport.close();
    },
  };
}
