// What one client address may hold open, with real sockets: slow headers and slow bodies are
// cut at their deadlines (408), an address past CONNECTIONS_PER_ADDRESS has new connections
// closed while callback sources are never capped, and Socket.io clients are capped per source
// address (the forwarded one behind a trusted proxy).
import net from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server';

/** A loopback address outside simulator mode's callback allowlist (127.0.0.1, ::1). */
const OTHER_CLIENT = '127.0.0.5';

function open(server: TestServer, localAddress: string): Promise<net.Socket> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
function untilClosed(socket: net.Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

/** Sends GET /health on an open connection and resolves with the status line. */
function health(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString().split('\r\n')[0]!));
    socket.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
  });
}

describe('HTTP read deadlines', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ HTTP_HEADERS_TIMEOUT: '1s', HTTP_REQUEST_TIMEOUT: '2s' });
  });
  afterAll(() => server.close());

  it('when a client sends its headers and never finishes them, then the server answers 408 and closes the connection', async () => {
    const socket = await open(server, OTHER_CLIENT);
    const closed = untilClosed(socket);
    socket.write('POST /api/v1/callbacks/stk HTTP/1.1\r\nHost: test\r\n');
    expect(await closed).toMatch(/^HTTP\/1\.1 408/);
  });

  it('when a client sends its body slower than the request deadline, then the server answers 408 and closes the connection', async () => {
    const socket = await open(server, OTHER_CLIENT);
    const closed = untilClosed(socket);
    socket.write(
      'POST /api/v1/projects HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{"na',
    );
    expect(await closed).toMatch(/HTTP\/1\.1 408/);
  });
});

describe('connections per address', () => {
  let server: TestServer;
  const connections: net.Socket[] = [];
  const clients: Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      CONNECTIONS_PER_ADDRESS: '5',
      SOCKETS_PER_ADDRESS: '3',
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(async () => {
    connections.forEach((socket) => socket.destroy());
    clients.forEach((client) => client.close());
    await server.close();
  });

  it('when an address holds CONNECTIONS_PER_ADDRESS connections, then its next one is closed at once, while a callback source still connects', async () => {
    // Without TRUST_PROXY, loopback would be a trusted proxy (never capped): this server trusts
    // loopback, so a server of its own checks the cap on the direct address.
    const capped = await startTestServer({ CONNECTIONS_PER_ADDRESS: '5' });
    try {
      const held = await Promise.all(Array.from({ length: 5 }, () => open(capped, OTHER_CLIENT)));
      connections.push(...held);
      const extra = await open(capped, OTHER_CLIENT);
      expect(await untilClosed(extra)).toBe('');
      expect(await health(held[0]!)).toBe('HTTP/1.1 200 OK');

      // 127.0.0.1 is on the callback allowlist in simulator mode: never capped.
      const callbackSource = await Promise.all(Array.from({ length: 6 }, () => open(capped, '127.0.0.1')));
      connections.push(...callbackSource);
      expect(await health(callbackSource[5]!)).toBe('HTTP/1.1 200 OK');

      // A connection closed frees its place (once the server has seen it close: tried until then).
      held[1]!.destroy();
      let answer = 'closed';
      while (answer === 'closed') {
        const again = await open(capped, OTHER_CLIENT);
        connections.push(again);
        answer = await Promise.race([health(again), untilClosed(again).then(() => 'closed')]);
      }
      expect(answer).toBe('HTTP/1.1 200 OK');
    } finally {
      connections.forEach((socket) => socket.destroy());
      await capped.close();
    }
  });

  it('when a source holds SOCKETS_PER_ADDRESS Socket.io clients, then its next one is refused, and another source still connects', async () => {
    const connect = (forwardedFor: string) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = io(server.url, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          extraHeaders: { 'X-Forwarded-For': forwardedFor },
        });
        clients.push(socket);
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    for (let i = 0; i < 3; i += 1) await connect('198.51.100.7');
    await expect(connect('198.51.100.7')).rejects.toThrow();
    await expect(connect('198.51.100.8')).resolves.toBeDefined();
  });
});
