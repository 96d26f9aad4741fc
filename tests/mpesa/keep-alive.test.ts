// Our Daraja client retires an idle keep-alive connection before the server closes it. A push
// written on a connection the server is closing at that moment is reset, and a reset push is an
// unknown outcome: the merchant gets a 202 and waits for the callback (seen once in the bench's
// 7,000-initiate phase, against a Node server's 5 s keep-alive). Against a real HTTP server on a
// real port whose keep-alive ends at 2.5 s (it says `Keep-Alive: timeout=2`), counting the
// connections it accepts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fixtures from '../fixtures/daraja-fixtures.json';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createMpesaService } from '../../src/mpesa/mpesa.service';

const config = loadConfig({});
const push = {
  phone: '254712345678',
  amount: 10,
  channel: 'paybill' as const,
  accountReference: 'INV1',
  description: 'Test',
  callbackUrl: 'http://127.0.0.1:9/cb',
};
const SERVER_KEEP_ALIVE_MS = 2_500;

let server: http.Server;
let url = '';
let connections = 0;
beforeAll(async () => {
  const app = express();
  app.get('/oauth/v1/generate', (_req, res) => res.json({ access_token: 'faketoken', expires_in: '3599' }));
  app.post('/mpesa/stkpush/v1/processrequest', express.json(), (_req, res) =>
    res.json({ ...fixtures.stk_push_ack_daraja3_doc.body, CheckoutRequestID: `ws_CO_${Date.now()}` }),
  );
  server = http.createServer(app);
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the Daraja client against a server whose keep-alive ends at 2.5 s', () => {
  it('when pushes follow at once, then they share a connection; after 1.6 s idle, a new one is opened before the server would close the old', async () => {
    const client = createMpesaService({
      app: config.mpesa,
      baseUrl: url,
      timeoutMs: 5_000,
      logger: createLogger(config, true),
    });
    const pushOnce = () => client.stkPush({ ...config.mpesa, tillNumber: null }, push);
    const before = connections;
    expect((await pushOnce()).kind).toBe('accepted');
    expect((await pushOnce()).kind).toBe('accepted');
    // The OAuth call and both pushes: one connection.
    expect(connections - before).toBe(1);

    // Past the hint less a second (1 s), well before the server's own close (2.5 s): the client
    // has let the connection go, so this push cannot meet the server closing it.
    await sleep(1_600);
    expect((await pushOnce()).kind).toBe('accepted');
    expect(connections - before).toBe(2);
  });
});
