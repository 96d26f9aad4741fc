// Ends the Socket.io connections an authority opened, on every instance, the moment it stops:
// a key pair rotated, a project disabled, a dashboard user disabled or given a new password,
// role or projects, a dashboard session signed out. HTTP needs none of this (every request checks
// its key or session again); a socket is checked once, at its handshake, and would otherwise
// stream on with what it was given.
//
// Each socket is tagged at its handshake with a room per authority it stands on (its public key
// and project, or its user and session; a payment subscriber with the payment's project). A
// revocation is `disconnectSockets` on that room, which the Socket.io adapter carries to every
// instance (Redis pub/sub, else PostgreSQL NOTIFY; SQLite is one process). Disconnected by the
// server, a client does not come back by itself; one that signs a new handshake with the old
// authority is refused there.
//
// Best effort across instances: when the bus is down at that moment (the adapters drop what they
// cannot publish), the other instances' sockets are ended by `recheck`, which each instance runs
// over its own sockets on a timer.
import type { Server, Socket } from 'socket.io';
import type { Logger } from '../logger';

export type Authority =
  { publicKey: string } | { projectId: string } | { userId: string } | { sessionId: string };

/** The room of the sockets an authority opened (in every namespace). */
export function authorityRoom(authority: Authority): string {
  if ('publicKey' in authority) return `authority:key:${authority.publicKey}`;
  if ('projectId' in authority) return `authority:project:${authority.projectId}`;
  if ('userId' in authority) return `authority:user:${authority.userId}`;
  return `authority:session:${authority.sessionId}`;
}

/** Tags a socket with the authorities it was admitted on. */
export async function standsOn(socket: Socket, authorities: readonly Authority[]): Promise<void> {
  await socket.join(authorities.map(authorityRoom));
}

export type Revoke = (authority: Authority) => void;

export interface Revocations {
  /** Ends, on every instance, the sockets that stand on `authority`. Call after the change committed. */
  revoke: Revoke;
  /**
   * The same once `at` has come (the end of a rolled key pair's grace). A timer of this process:
   * if it stops first, each instance's stream recheck ends those sockets instead.
   */
  revokeAt(authority: Authority, at: Date): void;
  /** Drops the timers of revokeAt (the service is stopping). */
  stop(): void;
  /** From then on revocations reach `io` (the service listens before Socket.io is attached). */
  attach(io: Server, namespaces: readonly string[]): void;
}

/** setTimeout's longest delay (about 24.8 days); a grace is at most 7 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createRevocations(logger: Logger, clock: () => Date = () => new Date()): Revocations {
  let target: { io: Server; namespaces: readonly string[] } | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const revoke: Revoke = (authority) => {
    // Before attach no socket can exist: nothing to end.
    if (!target) return;
    const room = authorityRoom(authority);
    // Not `close`: one connection may carry another namespace's socket that still holds.
    for (const name of target.namespaces) target.io.of(name).in(room).disconnectSockets();
    logger.info('connections revoked', { authority: Object.keys(authority)[0] });
  };
  return {
    attach(io, namespaces) {
      target = { io, namespaces };
    },
    revoke,
    revokeAt(authority, at) {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          revoke(authority);
        },
        Math.min(MAX_TIMER_MS, Math.max(0, at.getTime() - clock().getTime())),
      );
      timer.unref();
      timers.add(timer);
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
