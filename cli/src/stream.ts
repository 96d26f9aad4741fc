// The project stream (the service's Socket.io namespace `/projects`): everything that happens
// in the keys' project and mode, as it happens. The handshake is signed like a REST call (GET
// /socket.io/projects, empty body) and given as a function, so every reconnection signs afresh
// (a handshake's timestamp goes stale in SIGNATURE_TOLERANCE_SECONDS).
import { signRequest, type Transaction } from '@mpesa-bridge/sdk';
import { io, type Socket } from 'socket.io-client';
import { CliError, EXIT } from './exit';
import type { Credentials } from './profiles';

const STREAM_SIGNED_PATH = '/socket.io/projects';
/** Refusals worth trying again after a pause (the others are wrong keys or a disabled project). */
const PASSING_REFUSALS = new Set(['rate_limited', 'service_unavailable']);
const RETRY_REFUSED_MS = 5_000;
const SERVER_LET_GO_RETRY_MS = 1_000;

export interface StreamEvent {
  id: string;
  type: string;
  transactionId: string | null;
  createdAt: string;
  /** The exact webhook body of this event. */
  payload: string;
}

export interface StreamCallback {
  id: string | null;
  /** null for a C2B validation (no payment yet). */
  transactionId: string | null;
  /** stk, c2b_confirmation, c2b_validation or c2b_pull (older services leave it out: stk). */
  kind?: string;
  receivedAt: string;
  sourceIp: string;
  allowed: boolean;
  outcome: string;
  body: string;
}

export interface StreamHandlers {
  onEvent?(event: StreamEvent): void;
  onCallback?(callback: StreamCallback): void;
  onTransaction?(transaction: Transaction): void;
  /** The connection dropped (socket.io reconnects by itself). */
  onLost?(reason: string): void;
  /** Connected again after a drop. */
  onBack?(): void;
  /** The stream cannot go on (refused); the promise of `followProject` has resolved already. */
  onFatal?(error: CliError): void;
}

export interface ProjectStream {
  close(): void;
}

/** Resolves once the first handshake is accepted; rejects if it is refused or the service cannot be reached. */
export function followProject(credentials: Credentials, handlers: StreamHandlers): Promise<ProjectStream> {
  const socket: Socket = io(`${credentials.url}/projects`, {
    transports: ['websocket', 'polling'],
    forceNew: true,
    reconnectionDelayMax: 10_000,
    auth: (send: (auth: Record<string, string>) => void) => {
      const signed = signRequest({
        publicKey: credentials.publicKey,
        secretKey: credentials.secretKey,
        method: 'GET',
        pathWithQuery: STREAM_SIGNED_PATH,
        body: '',
      });
      send({
        publicKey: signed['X-Api-Key'],
        timestamp: signed['X-Timestamp'],
        signature: signed['X-Signature'],
      });
    },
  });
  socket.on('event', (event: StreamEvent) => handlers.onEvent?.(event));
  socket.on('callback', (callback: StreamCallback) => handlers.onCallback?.(callback));
  socket.on('transaction', ({ transaction }: { transaction: Transaction }) =>
    handlers.onTransaction?.(transaction),
  );

  return new Promise((resolve, reject) => {
    let connected = false;
    let lost = false;
    const stream = { close: () => socket.close() };
    socket.on('connect', () => {
      if (!connected) {
        connected = true;
        resolve(stream);
      } else if (lost) {
        lost = false;
        handlers.onBack?.();
      }
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      lost = true;
      handlers.onLost?.(reason);
      // socket.io reconnects by itself after a network loss, not when the server let us go
      // (an instance draining for a restart does): then ask again, another instance answers.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), SERVER_LET_GO_RETRY_MS);
    });
    socket.on(
      'connect_error',
      (error: Error & { data?: { code?: string; message?: string; retryAfterSeconds?: number } }) => {
        const refusal = error.data?.code;
        if (refusal && PASSING_REFUSALS.has(refusal) && connected) {
          setTimeout(
            () => socket.connect(),
            (error.data?.retryAfterSeconds ?? RETRY_REFUSED_MS / 1000) * 1000,
          );
          return;
        }
        if (refusal) {
          socket.close();
          const fatal = new CliError(
            `The project stream refused the handshake: ${error.data?.message ?? refusal}`,
            { exit: EXIT.service, code: refusal },
          );
          if (connected) handlers.onFatal?.(fatal);
          else reject(fatal);
          return;
        }
        // Not reachable (yet): fatal at start, a wait for socket.io's next attempt once we were following.
        if (!connected) {
          socket.close();
          reject(
            new CliError(`Could not reach ${credentials.url}: ${error.message}`, {
              exit: EXIT.service,
              code: 'network_error',
              fix: 'Is the service running at that URL? Check it with `mpesa-bridge doctor`',
            }),
          );
        } else if (!lost) {
          lost = true;
          handlers.onLost?.(error.message);
        }
      },
    );
  });
}

/** Resolves on Ctrl-C (or SIGTERM): how a person stops `listen` and `tail`. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
