// Refused Socket.io subscriptions are counted per socket and per source address; past the
// allowance (SUBSCRIBE_FAILURES_PER_SOCKET / _PER_SOURCE in AUTH_FAILURE_WINDOW) the socket is
// answered `rate_limited` before any check. The source is read as Express reads `req.ip`
// (proxy-addr with the same TRUST_PROXY), so one setting decides for HTTP and sockets alike.
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Socket } from 'socket.io';
import type { Config } from '../config';
import { sourceKey, type FailureLimits } from '../security/failure-limiter';

export interface SubscribeGuard {
  /** Seconds until this socket may subscribe again; 0 when it may now. */
  blockedFor(socket: Socket): Promise<number>;
  failed(socket: Socket): Promise<void>;
}

export function createSubscribeGuard(
  failures: Pick<FailureLimits, 'subscribeBySocket' | 'subscribeBySource'>,
  trustProxy: Config['trustProxy'],
): SubscribeGuard {
  const addressOf = socketSource(trustProxy);
  const sourceOf = (socket: Socket) => sourceKey(addressOf(socket.request));
  return {
    async blockedFor(socket) {
      const [bySocket, bySource] = await Promise.all([
        failures.subscribeBySocket.blockedFor(socket.id),
        failures.subscribeBySource.blockedFor(sourceOf(socket)),
      ]);
      return Math.max(bySocket, bySource);
    },
    async failed(socket) {
      await Promise.all([
        failures.subscribeBySocket.fail(socket.id),
        failures.subscribeBySource.fail(sourceOf(socket)),
      ]);
    },
  };
}

/** A socket's source address as Express reads `req.ip` with the same TRUST_PROXY. */
export function socketSource(trustProxy: Config['trustProxy']): (request: IncomingMessage) => string {
  const trust = compileTrust(trustProxy);
  return (request) => proxyaddr(request, trust);
}

/** Express's reading of `trust proxy` (express/lib/utils.js compileTrust), for proxy-addr. */
export function compileTrust(value: Config['trustProxy']): (address: string, hop: number) => boolean {
  if (value === true) return () => true;
  if (typeof value === 'number') return (_address, hop) => hop < value;
  if (value === false) return () => false;
  return proxyaddr.compile([...value]);
}
