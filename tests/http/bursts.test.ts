// Bursts on a small connection pool: every initiate of a burst is answered 201 (none 500), and
// every callback of a burst is applied by the time it is acknowledged, not left for the
// background sweep. On the engine the suite runs on; DATABASE_POOL_SIZE=2 makes PostgreSQL's
// pool the narrow part (SQLite has one connection anyway).
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { countRows } from '../helpers/rows';

const BURST = 150;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    DATABASE_POOL_SIZE: '2',
    RATE_LIMIT_MAX: '100000',
    SIMULATOR_CALLBACK_DELAY_MS: '3600000',
  });
});
afterAll(() => server.close());

describe(`when ${BURST} initiates and then their ${BURST} callbacks arrive at once`, () => {
  it('then every initiate is answered 201, and every acknowledged callback has already settled its payment', async () => {
    const merchant = await merchantFor(server);
    const initiated = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        merchant({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ accountReference: `B${i}` }),
        }),
      ),
    );
    expect(initiated.map((answer) => answer.status)).toEqual(Array(BURST).fill(201));

    const acknowledged = await Promise.all(
      initiated.map(({ data }) =>
        postCallback(
          server.url,
          server.callbackPath(data.transaction.id),
          successCallback(data.transaction.checkoutRequestId, 10),
        ),
      ),
    );
    expect(acknowledged.map((answer) => answer.status)).toEqual(Array(BURST).fill(200));

    // Read at once: no sweep has run (it runs every 30 s), so whatever is applied was applied
    // before its acknowledgement.
    const db = server.database();
    const unprocessed = await db.all(
      db.qb.selectFrom('CallbackRecord').select('id').where('processedAt', 'is', null),
    );
    expect(unprocessed).toEqual([]);
    const completed = await db.all(
      db.qb.selectFrom('Transaction').select('id').where('status', '=', 'completed'),
    );
    expect(completed).toHaveLength(BURST);
    expect(await countRows(db, 'CallbackRecord')).toBe(BURST);
  });
});
