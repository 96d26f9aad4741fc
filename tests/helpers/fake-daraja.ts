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
    if (pushDelayMs !== 'never')
      setTimeout(
        () =>
          res.json({ ...fixtures.stk_push_ack_daraja3_doc.body, CheckoutRequestID: `ws_CO_SLOW${pushes}` }),
        pushDelayMs,
      );
  });
  return { ...(await listenOnLoopback(app)), pushes: () => pushes };
}

type Handler = (req: express.Request, res: express.Response, n: number) => void;

/**
 * A Daraja that answers each path as the test scripts it (`n`: the call's number, from 1), with
 * a plain token endpoint unless scripted. Counts the calls per path.
 */
export async function startFakeDaraja(script: { oauth?: Handler; push?: Handler; query?: Handler }) {
  const calls = { oauth: 0, push: 0, query: 0 };
  const app = express();
  app.get('/oauth/v1/generate', (req, res) => {
    calls.oauth += 1;
    if (script.oauth) return script.oauth(req, res, calls.oauth);
    res.json({ access_token: `faketoken${calls.oauth}`, expires_in: '3599' });
  });
  app.post('/mpesa/stkpush/v1/processrequest', express.json(), (req, res) => {
    calls.push += 1;
    if (script.push) return script.push(req, res, calls.push);
    res.json({ ...fixtures.stk_push_ack_daraja3_doc.body, CheckoutRequestID: `ws_CO_FAKE${calls.push}` });
  });
  app.post('/mpesa/stkpushquery/v1/query', express.json(), (req, res) => {
    calls.query += 1;
    if (script.query) return script.query(req, res, calls.query);
    res.json(fixtures.stk_query_response_in_flight_4999.body);
  });
  return { ...(await listenOnLoopback(app)), calls };
}

/** Sends the status and headers at once, then one byte every `everyMs`, forever (until the client goes). */
export function drip(res: express.Response, everyMs = 20): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write('{');
  const timer = setInterval(() => res.write(' '), everyMs);
  res.on('close', () => clearInterval(timer));
}

/** Streams `totalBytes` of a JSON-looking body, honouring backpressure; `written()` is what left before the client cut it. */
export function hugeBody(
  res: express.Response,
  totalBytes: number,
): { written: () => number; closed: Promise<void> } {
  let written = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const pump = () => {
    while (written < totalBytes && !res.destroyed) {
      written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
  pump();
  return { written: () => written, closed };
}
