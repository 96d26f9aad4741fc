// What stands between a browser and the demo shop on a real deployment, in miniature, on
// loopback: a port forwarder (what a dev container, an SSH tunnel or a cloud IDE does), and a
// plain HTTP proxy that forwards requests but not Socket.io (what a strict corporate proxy or a
// misconfigured ingress does).
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

async function listen(server: net.Server, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Forwards every TCP connection on `host` (another loopback address than the one the services
 * listen on, so a page that guessed a service's own port there finds nothing) to `targetPort`.
 */
export async function startPortForward(targetPort: number, host = '127.0.0.3'): Promise<RunningProxy> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      socket.once('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await listen(server, host);
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        open.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** Forwards plain HTTP requests to `targetPort`, except those `refuse` names (answered 502), and no upgrades. */
export async function startHttpProxy(
  targetPort: number,
  refuse: (path: string) => boolean,
  host = '127.0.0.3',
): Promise<RunningProxy & { refused: () => number }> {
  let refused = 0;
  const server = http.createServer((req, res) => {
    if (refuse(req.url ?? '/')) {
      refused += 1;
      res.writeHead(502, { 'Content-Type': 'text/plain' }).end('not forwarded by this proxy');
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('upgrade', (_req, socket) => socket.destroy());
  const port = await listen(server, host);
  return {
    url: `http://${host}:${port}`,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
