// The checkout page reaches the service's Socket.io through this backend, on the page's own
// origin (`/socket.io/`): whatever forwards the shop's port to a browser (a dev container's
// port forwarding, a tunnel, a reverse proxy) then carries Socket.io too, and the service's own
// port never has to be reachable from the browser. Same origin also means no CORS to set up.
// Both transports pass: long-polling requests, and WebSocket upgrades as raw bytes.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';

export const SOCKET_IO_PREFIX = '/socket.io/';

export interface RealtimeProxy {
  handles(url: string | undefined): boolean;
  request(req: http.IncomingMessage, res: http.ServerResponse): void;
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Cuts the open WebSocket tunnels (an upgraded socket no longer belongs to the HTTP server). */
  close(): void;
}

export function createRealtimeProxy(serviceUrl: string): RealtimeProxy {
  const target = new URL(serviceUrl);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 80);
  const tunnels = new Set<() => void>();

  return {
    handles: (url) => (url ?? '').startsWith(SOCKET_IO_PREFIX),

    request(req, res) {
      const upstream = http.request(
        { host, port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.once('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end('mpesa-bridge is not reachable from the shop');
      });
      req.pipe(upstream);
    },

    upgrade(req, socket, head) {
      const upstream = net.connect(port, host, () => {
        // The request head exactly as the browser sent it; the service answers the handshake.
        const headers = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2)
          headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${headers.join('\r\n')}\r\n\r\n`);
        if (head.length) upstream.write(head);
        socket.pipe(upstream).pipe(socket);
      });
      const close = () => {
        tunnels.delete(close);
        socket.destroy();
        upstream.destroy();
      };
      tunnels.add(close);
      upstream.once('error', close);
      socket.once('error', close);
      upstream.once('close', close);
      socket.once('close', close);
    },

    close() {
      for (const cut of [...tunnels]) cut();
    },
  };
}
