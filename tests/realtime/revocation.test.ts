// Revoked authority ends the sockets it opened, on one instance (SQLite's, or PostgreSQL's
// without a second instance): rotated keys, a disabled project, a changed dashboard user, a
// signed-out session. tests/instances/revocation.test.ts runs the same stories across instances.
import { createProject, merchantClient } from '../helpers/merchant';
import { connectProjectStream } from '../helpers/project-stream';
import { revocationStories } from '../helpers/revocation';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RECONCILE_AFTER: '1h', RECONCILE_EXPIRE_AFTER: '2h' });
});
afterAll(() => server.close());

revocationStories(() => ({ changeAt: server.url, followAt: server.url, adminToken: server.adminToken }));

describe('when a revocation never reached this instance (the bus was down when it was sent)', () => {
  let quick: TestServer;
  beforeAll(async () => {
    quick = await startTestServer({ STREAM_RECHECK_INTERVAL: '200ms' });
  });
  afterAll(() => quick.close());

  it('then the next recheck ends the streams whose key or session no longer holds, and only those', async () => {
    const [gone, kept] = [
      await createProject(quick.url, quick.adminToken, 'Disabled behind its back'),
      await createProject(quick.url, quick.adminToken, 'Still fine'),
    ];
    const [goneStream, keptStream] = [
      await connectProjectStream(quick.url, gone),
      await connectProjectStream(quick.url, kept),
    ];
    const goneEnded = new Promise((resolve) => goneStream.socket.once('disconnect', resolve));
    try {
      // Written straight to the database: no revocation is published, as if it had been lost.
      const db = quick.database();
      await db.run(
        db.qb.updateTable('Project').set({ disabledAt: new Date() }).where('id', '=', gone.projectId),
      );
      expect(await goneEnded).toBe('io server disconnect');
      // The sweep that ended the other went over this one too: it still streams.
      const payment = await merchantClient(
        quick.url,
        kept,
      )({ method: 'POST', path: '/api/v1/test-payments', body: { outcome: 'paid' } });
      await keptStream.waitFor(
        (message) =>
          message.kind === 'transaction' && message.body.transaction.id === payment.data.transaction.id,
        'the payment of the project still enabled',
      );
      expect(keptStream.socket.connected).toBe(true);
    } finally {
      goneStream.close();
      keptStream.close();
    }
  });
});
