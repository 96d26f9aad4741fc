// One owner per SQLite file: at run time the service opens its database file once, so no two
// connections in one process wait on each other's lock (which froze the event loop for seconds
// while an endpoint was edited during a callback stream). SQLite only.
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { usingPostgres } from '../helpers/database';

const openHandlesTo = (file: string) =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;

(usingPostgres() ? describe.skip : describe)('when the service runs on SQLite', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '3600000' });
  });
  afterAll(() => server.close());

  it('then it holds its database file open exactly once, also while callbacks and endpoint edits run together', async () => {
    const file = path.resolve(server.config.databaseUrl.slice('file:'.length));
    expect(openHandlesTo(file)).toBe(1);

    const merchant = await merchantFor(server);
    const hooks = await startWebhookReceiver();
    try {
      const created = await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: hooks.url },
      });
      const endpointId = created.data.endpoint.id as string;
      const payments = await Promise.all(
        Array.from({ length: 20 }, () =>
          merchant({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() }),
        ),
      );
      const answers = await Promise.all(
        payments.flatMap((payment, index) => {
          const { id, checkoutRequestId } = payment.data.transaction;
          return [
            postCallback(server.url, server.callbackPath(id), successCallback(checkoutRequestId, 10)),
            merchant({
              method: 'PATCH',
              path: `/api/v1/webhook-endpoints/${endpointId}`,
              body: { description: `edit ${index}` },
            }),
          ];
        }),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(answers.length).fill(200));
      expect(openHandlesTo(file)).toBe(1);
      await hooks.waitForAccepted(20);
    } finally {
      await hooks.close();
    }
  });
});
