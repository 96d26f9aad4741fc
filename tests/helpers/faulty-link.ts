// A TCP link between the service and one of its shared parts (PostgreSQL, Redis) that a test
// can break the ways networks break, without touching the shared server other test files use:
// - pause(): a stall (a partition): bytes stop both ways, sockets stay open, new connections hang;
// - hold(match): the same stall for some connections only (or only new ones), named by what the
//   client says first (PostgreSQL's startup message carries application_name): e.g. only the
//   Socket.io adapter's;
// - cut(): every connection dropped and new ones refused until restore() (an outage);
// - refuseNew(): new connections refused, open ones kept (the test then ends them, e.g. with
//   pg_terminate_backend, as a restart of PostgreSQL does).
// Bytes held when a side closes are dropped, as a dying host's are.
// upstreamPorts() are the link's own ports towards the server: PostgreSQL shows them as
// pg_stat_activity.client_port, which is how a test finds (and terminates) only its service's backends.
// Both protocols it carries have the client speak first; the link reads that first chunk
// before it connects upstream.
import net, { type AddressInfo } from 'node:net';

export interface FaultyLink {
  /** `url` with its host and port replaced by the link's. */
  through(url: string): string;
  upstreamPorts(): number[];
  /** Connections held (by pause or hold) before they reached the server. */
  waiting(): number;
  pause(): void;
  /**
   * Stalls the connections whose first bytes (the client's) `match`, until resume(): open ones
   * and new ones, or (`{ newOnly: true }`) only those opened from now on.
   */
  hold(match: (first: Buffer) => boolean, options?: { newOnly?: boolean }): void;
  resume(): void;
  cut(): void;
  /** New connections are refused; those open stay (for a test that ends them its own way). */
  refuseNew(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startFaultyLink(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultyLink> {
  type Pair = { client: net.Socket; first?: Buffer; upstream?: net.Socket; frozen?: boolean };
  const pairs = new Set<Pair>();
  const held: Pair[] = [];
  let paused = false;
  let holding: ((first: Buffer) => boolean) | undefined;
  let refusing = false;

  const stalled = (pair: Pair) => paused || (pair.first !== undefined && holding?.(pair.first) === true);

  const connect = (pair: Pair) => {
    if (!pairs.has(pair)) return;
    const upstream = net.connect(targetPort, targetHost);
    pair.upstream = upstream;
    const end = () => {
      pair.client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    for (const socket of [pair.client, upstream]) {
      socket.once('close', end);
      socket.once('error', end);
    }
    upstream.write(pair.first!);
    pair.client.pipe(upstream).pipe(pair.client);
  };
  const freeze = (pair: Pair) => {
    if (pair.frozen || !pair.upstream) return;
    pair.frozen = true;
    pair.client.unpipe();
    pair.upstream.unpipe();
    pair.client.pause();
    pair.upstream.pause();
  };
  const thaw = (pair: Pair) => {
    if (!pair.frozen || !pair.upstream) return;
    pair.frozen = false;
    pair.client.pipe(pair.upstream).pipe(pair.client);
    pair.client.resume();
    pair.upstream.resume();
  };

  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const pair: Pair = { client };
    pairs.add(pair);
    client.once('error', () => undefined);
    client.once('close', () => {
      if (!pair.upstream) pairs.delete(pair);
    });
    client.once('data', (first: Buffer) => {
      client.pause();
      pair.first = first;
      if (stalled(pair)) held.push(pair);
      else connect(pair);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    through(url) {
      const target = new URL(url);
      target.hostname = '127.0.0.1';
      target.port = String(port);
      return target.toString();
    },
    upstreamPorts: () =>
      [...pairs].flatMap((pair) => (pair.upstream?.localPort ? [pair.upstream.localPort] : [])),
    waiting: () => held.filter((pair) => pairs.has(pair)).length,
    pause() {
      paused = true;
      pairs.forEach(freeze);
    },
    hold(match, { newOnly = false } = {}) {
      holding = match;
      if (!newOnly)
        pairs.forEach((pair) => {
          if (stalled(pair)) freeze(pair);
        });
    },
    resume() {
      paused = false;
      holding = undefined;
      pairs.forEach(thaw);
      held.splice(0).forEach(connect);
    },
    cut() {
      refusing = true;
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
    },
    refuseNew() {
      refusing = true;
    },
    restore() {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        refusing = true;
        for (const pair of pairs) {
          pair.client.destroy();
          pair.upstream?.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
