// A Daraja-shaped server whose STK Push answer is slow or never comes: the one behaviour the
// simulator (which answers promptly, like Daraja) does not offer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fixtures from '../fixtures/daraja-fixtures.json';

/** Serves `app` on a free loopback port; `close` also cuts keep-alive connections. */
export async function listenOnLoopback(app: express.Express) {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startSlowDaraja(pushDelayMs: number | 'never') {
  let pushes = 0;
  const app = express();
  app.get('/oauth/v1/generate', (_req, res) => {
    res.json({ access_token: 'slowtoken0000000000000000000', expires_in: '3599' });
  });
  app.post('/mpesa/stkpush/v1/processrequest', (_req, res) => {
    pushes += 1;
    if (pushDelayMs !== 'never') setTimeout(() => res.json({ ...fixtures.stk_push_ack_daraja3_doc.body, CheckoutRequestID: `ws_CO_SLOW${pushes}` }), pushDelayMs);
  });
  return { ...(await listenOnLoopback(app)), pushes: () => pushes };
}
