// A CSV export of many rows shares the process fairly: it yields between pages (so /health and
// other tenants answer while it streams), at most EXPORT_CONCURRENCY run at once (more answer
// 429 rate_limited with Retry-After), and a date filter outside years 1970..9999 is a 400, not a 500 after
// the CSV's 200 went out (PostgreSQL refuses year 0). On both engines (TEST_DATABASE_URL).
import type { IncomingMessage } from 'node:http';
import axios from 'axios';
import { insertTransactions } from '../../src/payments/transaction.repository';
import { createProject, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { completedPaymentRow as paymentRow } from '../helpers/rows';
import { startTestServer, type TestServer } from '../helpers/server';
import { sign } from '../../src/security/signature';

const ROWS = 12_000; // dozens of export pages
let server: TestServer;
let shop: ProjectKeys;

beforeAll(async () => {
  server = await startTestServer({ EXPORT_CONCURRENCY: '1' });
  shop = await createProject(server.url, server.adminToken, 'Export shop');
  const base = Date.UTC(2026, 0, 10);
  const rows = Array.from({ length: ROWS }, (_, i) =>
    paymentRow(shop.projectId, new Date(base + i * 1000), {
      status: 'completed',
      resultCode: '0',
      amount: 100,
      amountPaid: 100,
    }),
  );
  for (let i = 0; i < rows.length; i += 500)
    await insertTransactions(server.database(), rows.slice(i, i + 500));
}, 120_000);
afterAll(() => server.close());

/** The export as a stream the test reads (or not) itself. */
async function openExport(query = ''): Promise<IncomingMessage> {
  const path = `/api/v1/transactions/export${query}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await axios.get<IncomingMessage>(`${server.url}${path}`, {
    responseType: 'stream',
    validateStatus: () => true,
    headers: {
      'X-Api-Key': shop.publicKey,
      'X-Timestamp': timestamp,
      'X-Signature': sign(shop.secretKey, { timestamp, method: 'GET', path, body: '' }),
    },
  });
  return response.data;
}

describe('GET /api/v1/transactions/export', () => {
  it('when an export of many rows streams to a fast reader, then /health answers before the export has finished', async () => {
    const stream = await openExport();
    expect(stream.statusCode).toBe(200);
    const order: string[] = [];
    const ended = new Promise<void>((resolve) => stream.once('end', resolve));
    stream.on('data', () => undefined);
    const healthy = axios.get(`${server.url}/health`).then(() => order.push('health'));
    await ended;
    order.push('export');
    await healthy;
    expect(order).toEqual(['health', 'export']);
  }, 60_000);

  it('when EXPORT_CONCURRENCY exports are running, then another answers 429 rate_limited with Retry-After, and runs once one has ended', async () => {
    const running = await openExport();
    expect(running.statusCode).toBe(200);
    // Not read: it stays running, waiting for this reader to take its bytes.
    const merchant = merchantClient(server.url, shop);
    const refused = await merchant({ method: 'GET', path: '/api/v1/transactions/export' });
    expect(refused.status).toBe(429);
    expect(refused.data.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    const closed = new Promise((resolve) => running.once('close', resolve));
    running.destroy();
    await closed;
    let answer = refused;
    // The server sees the reader leave a moment after the reader does.
    while (answer.status === 429)
      answer = await merchant({ method: 'GET', path: '/api/v1/transactions/export?status=failed' });
    expect(answer.status).toBe(200);
  }, 60_000);

  it.each(['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '10000-01-01T00:00:00Z'])(
    'when a date filter is %s, then it answers 400 validation_failed (lists and stats too)',
    async (date) => {
      const merchant = merchantClient(server.url, shop);
      for (const path of ['/api/v1/transactions/export', '/api/v1/transactions', '/api/v1/stats']) {
        const answer = await merchant({ method: 'GET', path: `${path}?from=${encodeURIComponent(date)}` });
        expect({ path, status: answer.status, code: answer.data?.error?.code }).toEqual({
          path,
          status: 400,
          code: 'validation_failed',
        });
      }
    },
  );
});
