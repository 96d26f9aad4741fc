// The project stream: Socket.io namespace `/projects`, for a merchant's server, the CLI and the
// dashboard, everything that happens in one project and mode as it happens: payments started
// and changed (`transaction`), outbox events (`event`, with the exact webhook body) and
// callbacks that arrived for its payments, refused ones included (`callback`).
//
// The handshake is signed like a REST call, with the keys of the mode it follows: auth
// `{ publicKey, timestamp, signature }`, the signature over GET and the fixed path
// PROJECT_STREAM_PATH with an empty body. A captured handshake opens a read-only stream until
// its timestamp is stale, as a captured signed GET reads again: nothing is acted on twice.
//
// Several instances: each emits what it committed to the room `project:<id>:<mode>`; the
// Socket.io adapter carries it to the sockets held by the other instances.
//
// A stream lasts only as long as what admitted it: each socket stands on its key and project, or
// on its dashboard user and session (revocations.ts), and is ended on every instance when that
// authority is revoked. The authority is checked again once the socket has joined its rooms (a
// revocation published while its handshake was being checked reached no room it was in yet) and
// every RECHECK_EVERY_MS (a revocation lost while the bus was down).
//
// A key pair rolled with a grace period keeps its streams until the grace ends: a socket whose
// key the lookup says stops at a time (at its handshake or at a recheck) is ended then by a
// timer of the instance that holds it, so every instance ends its own on time; the instance
// that rolled the key also revokes it through the bus at that moment (revocations.ts).
import type { IncomingMessage } from 'node:http';
import type { Namespace, Server, Socket } from 'socket.io';
import { isFreshTimestamp, verifySignature, type Signer } from '../security/signature';
import { signatureFailures, sourceKey } from '../security/failure-limiter';
import type { Logger } from '../logger';
import type { Mode } from '../core/scope';
import type { CallbackReceipt, TransactionEvents } from '../payments/payment.news';
import { toMerchantView, type TransactionRow } from '../payments/transaction.view';
import type { NewEvent } from '../payments/event.types';
import {
  projectStreamAuth,
  projectStreamSessionAuth,
  type ProjectStreamError,
} from './project-stream.schema';
import { fromOwnOrigin, sessionTokenOf } from '../security/session-cookie';
import { canSeeProject, type SessionAuthenticator } from '../core/principal';
import { standsOn } from './revocations';

export const PROJECT_NAMESPACE = '/projects';
/** What the handshake signs as its path: the namespace, under the Socket.io path. */
export const PROJECT_STREAM_PATH = '/socket.io/projects';
export const STREAM_EVENTS = { transaction: 'transaction', event: 'event', callback: 'callback' } as const;

const roomOf = (projectId: string, mode: Mode) => `project:${projectId}:${mode}`;

/** How often each instance checks again the authority of the streams it holds. */
export const RECHECK_EVERY_MS = 60_000;

/** Whether what admitted a socket still holds. */
type Recheck = () => Promise<boolean>;

interface Deps {
  io: Server;
  projects: {
    findSigner(publicKey: string): Promise<Signer | undefined>;
    /** Read now, past any cache: what the periodic recheck asks. */
    currentSigner(publicKey: string): Promise<Signer | undefined>;
    exists(id: string): Promise<boolean>;
  };
  /** How often held streams are checked again (RECHECK_EVERY_MS). */
  recheckEveryMs?: number;
  /** Dashboard sessions: a signed-in page follows its projects with its cookie. */
  dashboard?: SessionAuthenticator;
  events: TransactionEvents;
  failures: Parameters<typeof signatureFailures>[0];
  toleranceSeconds: number;
  /** The caller's address as Express reads it (same TRUST_PROXY). */
  sourceOf: (request: IncomingMessage) => string | undefined;
  logger: Logger;
}

/** A refused handshake: the client's `connect_error` has this as `err.data`. */
class StreamRefused extends Error {
  constructor(readonly data: ProjectStreamError) {
    super(data.message);
  }
}

export function attachProjectStream({
  io,
  projects,
  events,
  failures,
  toleranceSeconds,
  sourceOf,
  dashboard,
  logger,
  recheckEveryMs = RECHECK_EVERY_MS,
}: Deps): () => void {
  const namespace: Namespace = io.of(PROJECT_NAMESPACE);
  const signatures = signatureFailures(failures);
  // In this process only, beside the socket it checks (which is this instance's too).
  const rechecks = new WeakMap<Socket, Recheck>();
  const endings = new WeakMap<Socket, NodeJS.Timeout>();

  /** Ends `socket` at `at` (its key's grace ends then), replacing any earlier such timer. */
  function endAt(socket: Socket, at: Date): void {
    const earlier = endings.get(socket);
    if (earlier) clearTimeout(earlier);
    else socket.once('disconnect', () => clearTimeout(endings.get(socket)));
    const timer = setTimeout(() => socket.disconnect(true), Math.max(0, at.getTime() - Date.now()));
    timer.unref();
    endings.set(socket, timer);
  }

  namespace.use((socket, next) => {
    admit(socket).then(
      () => next(),
      (error: unknown) => {
        if (error instanceof StreamRefused) return next(error);
        logger.error('project stream handshake failed', { error });
        next(
          new StreamRefused({
            code: 'service_unavailable',
            message: 'The handshake could not be checked; retry shortly',
          }),
        );
      },
    );
  });

  /**
   * A dashboard page: its session cookie, from our own origin (a cookie rides along on a
   * WebSocket from any site, so without the origin check another page could listen in).
   */
  async function admitSession(socket: Socket, auth: { projectId: string; mode: Mode }): Promise<void> {
    const headers = socket.request.headers;
    const proto = (socket.request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const forwarded =
      typeof headers['x-forwarded-proto'] === 'string'
        ? headers['x-forwarded-proto'].split(',')[0]!.trim()
        : undefined;
    const own = [`${proto}://${headers.host}`, ...(forwarded ? [`${forwarded}://${headers.host}`] : [])];
    const token = sessionTokenOf(socket.request);
    const principal = token && fromOwnOrigin(headers, own) ? await dashboard!.authenticate(token) : undefined;
    if (!principal)
      throw refused(
        'session_invalid',
        'Sign in to the dashboard again: the session is missing, expired or ended',
      );
    if (!canSeeProject(principal, auth.projectId) || !(await projects.exists(auth.projectId)))
      throw refused('project_not_found', `No project ${auth.projectId}`);
    await standsOn(socket, [{ userId: principal.userId }, { sessionId: principal.sessionId }]);
    await socket.join(roomOf(auth.projectId, auth.mode));
    socket.data.scope = { projectId: auth.projectId, mode: auth.mode };
    rechecks.set(socket, async () => {
      const now = await dashboard!.authenticate(token!);
      return now?.sessionId === principal.sessionId && canSeeProject(now, auth.projectId);
    });
  }

  async function admit(socket: Socket): Promise<void> {
    const sessionAuth = projectStreamSessionAuth.safeParse(socket.handshake.auth);
    if (dashboard && sessionAuth.success) return admitSession(socket, sessionAuth.data);
    const source = sourceKey(sourceOf(socket.request));
    const parsed = projectStreamAuth.safeParse(socket.handshake.auth);
    if (!parsed.success)
      throw refused('signature_missing', 'Send auth { publicKey, timestamp, signature } with the handshake');
    const { publicKey, timestamp, signature } = parsed.data;
    if (!isFreshTimestamp(timestamp, toleranceSeconds))
      throw refused(
        'signature_expired',
        `timestamp must be unix seconds within ${toleranceSeconds} s of now`,
      );
    const signer = await projects.findSigner(publicKey);
    if (!signer) {
      const blocked = await signatures.unknownKey(source);
      if (blocked)
        throw refused(
          'rate_limited',
          `Too many unknown public keys from this address; try again in ${blocked} s`,
          blocked,
        );
      throw refused('api_key_unknown', 'No project has this public key');
    }
    if (signer.disabled)
      throw refused('project_disabled', 'This project is disabled; its operator can enable it again');
    if (
      !verifySignature(
        signer.secretKey,
        { timestamp, method: 'GET', path: PROJECT_STREAM_PATH, body: '' },
        signature,
      )
    ) {
      const keyBlocked = await signatures.badSignature(source, publicKey);
      if (keyBlocked)
        throw refused(
          'rate_limited',
          `Too many failed signatures for this public key; try again in ${keyBlocked} s`,
          keyBlocked,
        );
      throw refused(
        'signature_invalid',
        `The signature does not match GET ${PROJECT_STREAM_PATH} at this timestamp`,
      );
    }
    await standsOn(socket, [{ publicKey }, { projectId: signer.projectId }]);
    await socket.join(roomOf(signer.projectId, signer.mode));
    socket.data.scope = { projectId: signer.projectId, mode: signer.mode };
    if (signer.expiresAt) endAt(socket, signer.expiresAt);
    rechecks.set(socket, async () => {
      const now = await projects.currentSigner(publicKey);
      if (now?.expiresAt) endAt(socket, now.expiresAt);
      return now !== undefined && now.projectId === signer.projectId && !now.disabled;
    });
  }

  /** Ends `socket` unless what admitted it still holds (an unanswered check keeps it: the next one decides). */
  async function recheck(socket: Socket): Promise<void> {
    const check = rechecks.get(socket);
    if (!check || !socket.connected) return;
    const holds = await check().catch((error: unknown) => {
      logger.warn('project stream recheck failed', { error });
      return true;
    });
    if (!holds) socket.disconnect(true);
  }

  // Connected: in its rooms now, so a revocation from here on reaches it; one published before
  // is caught by this check, which reads after it.
  namespace.on('connection', (socket) => void recheck(socket));
  // One socket at a time: thousands of streams must not become a burst of queries.
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      for (const socket of [...namespace.sockets.values()]) await recheck(socket);
    })().finally(() => (sweeping = false));
  }, recheckEveryMs);
  sweeper.unref();

  const transaction = (row: TransactionRow) =>
    namespace
      .to(roomOf(row.projectId, row.mode as Mode))
      .emit(STREAM_EVENTS.transaction, { transaction: toMerchantView(row) });
  const event = (recorded: NewEvent) =>
    namespace.to(roomOf(recorded.projectId, recorded.mode)).emit(STREAM_EVENTS.event, {
      id: recorded.id,
      type: recorded.type,
      transactionId: recorded.transactionId,
      createdAt: recorded.createdAt.toISOString(),
      payload: recorded.payload,
    });
  const callback = (receipt: CallbackReceipt) =>
    namespace.to(roomOf(receipt.projectId, receipt.mode)).emit(STREAM_EVENTS.callback, {
      id: receipt.id,
      transactionId: receipt.transactionId,
      receivedAt: receipt.receivedAt.toISOString(),
      sourceIp: receipt.sourceIp,
      allowed: receipt.allowed,
      outcome: receipt.outcome,
      body: receipt.body,
    });

  const stops = [
    events.onStarted(transaction),
    events.onChanged(transaction),
    events.onRecorded(event),
    events.onCallback(callback),
  ];
  return () => {
    clearInterval(sweeper);
    stops.forEach((stop) => stop());
  };
}

function refused(
  code: ProjectStreamError['code'],
  message: string,
  retryAfterSeconds?: number,
): StreamRefused {
  return new StreamRefused(
    retryAfterSeconds === undefined ? { code, message } : { code, message, retryAfterSeconds },
  );
}
