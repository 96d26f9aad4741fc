// Socket.io clients one source address may hold open (SOCKETS_PER_ADDRESS): 2,000 sockets from
// one address were accepted before. The source is the address Express would read (TRUST_PROXY),
// so behind a proxy each forwarded client counts for itself. Generous by default: customers on
// a mobile carrier share NAT addresses. Counted per process (each instance allows its own).
import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';

export interface SocketLimit {
  /** engine.io's allowRequest: refuses a new client of an address at its cap. */
  allowRequest(
    request: IncomingMessage,
    answer: (error: string | null | undefined, ok: boolean) => void,
  ): void;
  /** Counts the clients `io` accepts, until each closes. */
  track(io: Server): void;
}

export function createSocketLimit(
  perAddress: number,
  sourceOf: (request: IncomingMessage) => string,
): SocketLimit {
  const open = new Map<string, number>();
  return {
    allowRequest(request, answer) {
      // Only a new client's handshake comes here; its later requests carry its session id.
      const full = (open.get(sourceOf(request)) ?? 0) >= perAddress;
      answer(full ? 'Too many connections from this address' : null, !full);
    },
    track(io) {
      // Emitted in the same turn as allowRequest's answer: concurrent handshakes count exactly.
      io.engine.on(
        'connection',
        (client: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => {
          const source = sourceOf(client.request);
          open.set(source, (open.get(source) ?? 0) + 1);
          client.once('close', () => {
            const left = (open.get(source) ?? 1) - 1;
            if (left > 0) open.set(source, left);
            else open.delete(source);
          });
        },
      );
    },
  };
}
