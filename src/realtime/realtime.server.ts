// Socket.io: a browser subscribes to one transaction with its id and client secret, gets the
// current state at once (a late subscriber never misses a finished payment), then every change.
// Event: `transaction.updated` with the client view (transaction.view.ts). With several
// instances the adapter (realtime.adapter.ts) carries each emit to the sockets of all of them:
// a change is emitted once, by the instance that committed it, and reaches its room everywhere.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { TransactionSecrets } from '../security/transaction-secrets';
import type { TransactionEvents } from '../payments/payment.news';
import { findTransaction, listTransactionsByIds } from '../payments/transaction.repository';
import { toClientView } from '../payments/transaction.view';
import { subscribeRequest, type SubscribeAck } from './realtime.schema';
import type { SubscribeGuard } from './subscribe-guard';
import type { RealtimeAdapter } from './realtime.adapter';
import { authorityRoom } from './revocations';
import type { SocketLimit } from './socket-limit';

export const TRANSACTION_UPDATED = 'transaction.updated';
const roomOf = (transactionId: string) => `txn:${transactionId}`;

type Ack = (answer: SubscribeAck) => void;

interface Deps {
  httpServer: HttpServer;
  corsOrigins: readonly string[];
  db: Database;
  secrets: TransactionSecrets;
  events: TransactionEvents;
  logger: Logger;
  guard: SubscribeGuard;
  adapter: RealtimeAdapter;
  /** A disabled project's payments are not followed (revocations.ts ends the ones followed when it is disabled). */
  projectState: (id: string) => Promise<{ disabled: boolean } | undefined>;
  /** How often this instance's rooms get any change of their payments they may have missed. */
  resyncIntervalMs: number;
  /** Sockets per source address (SOCKETS_PER_ADDRESS). */
  socketLimit?: SocketLimit;
  clock?: () => Date;
}

/** Payments read per query when rooms are brought up to date. */
const RESYNC_BATCH = 500;

const REFUSED = {
  ok: false,
  error: { code: 'subscription_refused', message: 'Unknown transaction or wrong client secret' },
} as const;

export type Realtime = Awaited<ReturnType<typeof attachRealtime>>;

export async function attachRealtime({
  httpServer,
  corsOrigins,
  db,
  secrets,
  events,
  logger,
  guard,
  adapter,
  projectState,
  resyncIntervalMs,
  socketLimit,
  clock = () => new Date(),
}: Deps) {
  const io = new Server(httpServer, {
    cors: { origin: corsOrigins.includes('*') ? '*' : [...corsOrigins] },
    serveClient: false,
    ...(socketLimit ? { allowRequest: socketLimit.allowRequest } : {}),
  });
  socketLimit?.track(io);
  await adapter.install(io);

  io.on('connection', (socket) => {
    const subscribe = async (payload: unknown, reply: Ack) => {
      const retryAfterSeconds = await guard.blockedFor(socket);
      if (retryAfterSeconds) {
        reply({
          ok: false,
          error: {
            code: 'rate_limited',
            message: `Too many refused subscriptions; try again in ${retryAfterSeconds} s`,
            retryAfterSeconds,
          },
        });
        return;
      }
      const parsed = subscribeRequest.safeParse(payload);
      // One refusal for a bad secret and an unknown id, so ids cannot be probed.
      if (!parsed.success || !secrets.isClientSecret(parsed.data.transactionId, parsed.data.clientSecret)) {
        await guard.failed(socket);
        reply(REFUSED);
        return;
      }
      const { transactionId } = parsed.data;
      // Join before reading: a change committed after the read still reaches this socket.
      await socket.join(roomOf(transactionId));
      const row = await findTransaction(db, transactionId);
      // The socket stands on the payment's project from before that project is read: disabling
      // it after the read still ends this socket (revocations.ts).
      if (row) await socket.join(authorityRoom({ projectId: row.projectId }));
      if (!row || (await projectState(row.projectId))?.disabled !== false) {
        await socket.leave(roomOf(transactionId));
        reply(REFUSED);
        return;
      }
      reply({ ok: true });
      socket.emit(TRANSACTION_UPDATED, toClientView(row));
    };

    socket.on('subscribe', (payload: unknown, ack?: Ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => undefined;
      // A listener's rejection would be unhandled: log it and let the client retry.
      subscribe(payload, reply).catch((error: unknown) => logger.error('subscribe failed', { error }));
    });

    socket.on('unsubscribe', async (payload: unknown) => {
      const id = (payload as { transactionId?: unknown } | undefined)?.transactionId;
      if (typeof id === 'string') await socket.leave(roomOf(id));
    });
  });

  const stopListening = events.onChanged((row) => {
    io.to(roomOf(row.id)).emit(TRANSACTION_UPDATED, toClientView(row));
  });

  // A change reaches other instances' browsers only through the bus: while it is away (Redis or
  // PostgreSQL restarting), or when the instance that committed a change dies before emitting
  // it, the emit is lost. So each instance brings its own rooms up to date from the database:
  // everything at once when its adapter hears the others again, and on a timer whatever changed
  // in the last two periods (a browser may see a state twice, never miss the last one). Only
  // this instance's sockets (`io.local`): every instance does the same for its own.
  const resync = async (since?: Date) => {
    const ids = [...io.of('/').adapter.rooms.keys()]
      .filter((room) => room.startsWith('txn:'))
      .map((room) => room.slice('txn:'.length));
    for (let start = 0; start < ids.length; start += RESYNC_BATCH) {
      const rows = await listTransactionsByIds(db, ids.slice(start, start + RESYNC_BATCH), since);
      for (const row of rows) io.local.to(roomOf(row.id)).emit(TRANSACTION_UPDATED, toClientView(row));
    }
  };
  const resyncLogged = (since?: Date) =>
    resync(since).catch((error: unknown) => logger.warn('realtime resync failed', { error }));
  adapter.onReconnected(() => {
    logger.info("realtime bus reconnected; sending current states to this instance's rooms");
    void resyncLogged();
  });
  const resyncTimer = setInterval(
    () => void resyncLogged(new Date(clock().getTime() - 2 * resyncIntervalMs)),
    resyncIntervalMs,
  );
  resyncTimer.unref();
  logger.debug('realtime attached');

  return {
    io,
    /** Whether other instances hear this one (and it them). */
    shared: adapter.kind !== 'memory',
    /**
     * Lets this instance's browsers go: their connections close as in an outage, so they
     * reconnect (to another instance) and subscribe again. Not `disconnectSockets`, which tells
     * a client it was sent away and must not come back (and, through an adapter, reaches every
     * instance's sockets).
     */
    disconnectLocal: () => io.engine.close(),
    close: async () => {
      clearInterval(resyncTimer);
      stopListening();
      // The bus under the adapter stays open: the service closes it after its last emit.
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
