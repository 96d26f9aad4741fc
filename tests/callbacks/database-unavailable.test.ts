// A callback that arrives while the database cannot take it (its tables locked by another
// session: on SQLite a writer holding the file's lock, on PostgreSQL a LOCK TABLE) is refused
// with 503 service_unavailable and Retry-After, and the log says it was refused and not stored
// (never "stored for retry" when nothing was). Safaricom's or the balancer's retry then lands.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor, type MerchantRequest } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { callbackRecords, storedTransaction } from '../helpers/rows';

const SILENT_PHONE = '0700000005';

let server: TestServer;
let merchant: MerchantRequest;
const logLines: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ DATABASE_STATEMENT_TIMEOUT: '1s' }, { logLines });
  merchant = await merchantFor(server);
});
afterAll(() => server.close());

/** Another session holding every table a callback writes to, until the returned function is called. */
async function lockTheTables(): Promise<() => Promise<void>> {
  const url = server.config.databaseUrl;
  if (url.startsWith('file:')) {
    const other = new BetterSqlite3(url.slice('file:'.length));
    other.prepare('BEGIN IMMEDIATE').run();
    return async () => {
      other.prepare('ROLLBACK').run();
      other.close();
    };
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema')!;
  parsed.searchParams.delete('schema');
  const other = new pg.Client({ connectionString: parsed.toString() });
  await other.connect();
  await other.query('BEGIN');
  await other.query(
    `LOCK TABLE "${schema}"."Transaction", "${schema}"."CallbackRecord" IN ACCESS EXCLUSIVE MODE`,
  );
  return async () => {
    await other.query('ROLLBACK');
    await other.end();
  };
}

describe('POST a callback while the database cannot take writes', () => {
  it('when its tables are locked, then it answers 503 service_unavailable with Retry-After, logs it as refused and not stored, and the retry is applied', async () => {
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: SILENT_PHONE }),
    });
    expect(initiated.status).toBe(201);
    const { id, checkoutRequestId } = initiated.data.transaction as { id: string; checkoutRequestId: string };
    const body = successCallback(checkoutRequestId, 100, 'UKM0LOCKED1');

    const unlock = await lockTheTables();
    let refused;
    try {
      refused = await postCallback(server.url, server.callbackPath(id), body);
    } finally {
      await unlock();
    }
    // The whole answer in one assertion: when it is not a 503, the failure shows what it was.
    expect({ status: refused.status, body: refused.data }).toMatchObject({
      status: 503,
      body: { error: { code: 'service_unavailable' } },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const said = logLines.filter(
      (line) => line.includes(`"transactionId":"${id}"`) || line.includes('callback'),
    );
    expect(said.some((line) => line.includes('callback refused: neither applied nor stored'))).toBe(true);
    expect(said.some((line) => line.includes('stored for retry'))).toBe(false);
    expect(await callbackRecords(server.database(), { transactionId: id })).toHaveLength(0);

    const retried = await postCallback(server.url, server.callbackPath(id), body);
    expect(retried.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    expect((await storedTransaction(server.database(), id))?.status).toBe('completed');
  }, 30_000);
});
