// Revoked authority ends the sockets it opened, on one instance (SQLite's, or PostgreSQL's
// without a second instance): rotated keys, a disabled project, a changed dashboard user, a
// signed-out session. tests/instances/revocation.test.ts runs the same stories across instances.
import { revocationStories } from '../helpers/revocation';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RECONCILE_AFTER: '1h', RECONCILE_EXPIRE_AFTER: '2h' });
});
afterAll(() => server.close());

revocationStories(() => ({ changeAt: server.url, followAt: server.url, adminToken: server.adminToken }));
