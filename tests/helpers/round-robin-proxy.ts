// A load balancer in miniature, on loopback: each request and each WebSocket upgrade goes to the
// next instance in turn, with no sticky sessions (what deploy/nginx.conf does for the API). An
// instance that refuses the connection (stopped, or restarting) is skipped, as nginx's
// `proxy_next_upstream error` does: nothing was sent to it, so even a POST may go elsewhere.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** The instances' base URLs, in turn (replaced whole when one restarts on a new port). */
  setTargets(urls: readonly string[]): void;
  close(): Promise<void>;
}

const portOf = (url: string) => Number(new URL(url).port);

export async function startRoundRobinProxy(initial: readonly string[]): Promise<RoundRobinProxy> {
  let targets = initial.map(portOf);
  let next = 0;
  const pick = () => targets[next++ % targets.length]!;
  const open = new Set<net.Socket>();

  /** Connects to the next instance that accepts, trying each once. */
  function connectUpstream(
    onConnected: (socket: net.Socket) => void,
    onFailed: () => void,
    tries = targets.length,
  ) {
    const socket = net.connect(pick(), '127.0.0.1');
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      onConnected(socket);
    });
    socket.once('error', () => (tries > 1 ? connectUpstream(onConnected, onFailed, tries - 1) : onFailed()));
  }

  const server = http.createServer((req, res) => {
    connectUpstream(
      (socket) => {
        const upstream = http.request(
          {
            createConnection: () => socket,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, connection: 'close' },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.once('error', () => res.destroy());
        req.pipe(upstream);
      },
      () => res.writeHead(502).end('no instance accepted the connection'),
    );
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  // WebSocket upgrades: the raw request, then bytes both ways.
  server.on('upgrade', (req, client, head) => {
    connectUpstream(
      (upstream) => {
        open.add(upstream);
        upstream.once('close', () => open.delete(upstream));
        const headers = Object.entries(req.headers).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`),
        );
        upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.pipe(client).pipe(upstream);
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTargets(urls) {
      targets = urls.map(portOf);
    },
    close: () =>
      new Promise<void>((resolve) => {
        open.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
