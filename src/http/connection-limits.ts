// What one client address may hold open. Node's defaults let a slow sender keep a connection
// for 300 s (requestTimeout) and put no bound on connections per address: 1,500 slow uploads
// from one address were still open after 72 s, and with a common 1,024-descriptor limit
// Safaricom's callbacks would then be refused. Here: headers and the whole request have short
// deadlines (a callback is under 2 KB; nothing we accept needs long to send), and an address
// past CONNECTIONS_PER_ADDRESS has its new connections closed at once.
//
// Never capped: the callback allowlist (Safaricom's few addresses must not be starved by their
// own volume, and nobody else can send from them over TCP), and trusted proxies (behind one, every
// client shares its address; the proxy is where per-client limits belong, and Socket.io counts
// the forwarded address, socket-limit.ts). Counted per process: with several instances each
// allows its own CONNECTIONS_PER_ADDRESS.
import type http from 'node:http';
import { normalizeIp } from '../core/callback-allowlist';

/** How often Node looks for requests past their deadlines (its default, 30 s, would let them run long past). */
export const DEADLINE_CHECK_INTERVAL_MS = 1000;

export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  connectionsPerAddress: number;
  /** Addresses never capped: callback sources and trusted proxies. */
  exempt: (address: string) => boolean;
}

/** Options for http.createServer: deadlines must be set there, with the interval that enforces them. */
export function serverDeadlines(limits: Pick<ConnectionLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>) {
  return {
    // Node requires headersTimeout <= requestTimeout.
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
  };
}

export function capConnectionsPerAddress(server: http.Server, limits: ConnectionLimits): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = normalizeIp(socket.remoteAddress ?? '');
    if (limits.exempt(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.connectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
