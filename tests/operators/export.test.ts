// The CSV export streams every matching payment in keyset pages (on both engines: run with
// TEST_DATABASE_URL for PostgreSQL), and the stats count in the database.
import axios from 'axios';
import { insertTransactions } from '../../src/payments/transaction.repository';
import { csvField } from '../../src/transactions/transaction.export';
import { createProject, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from '../helpers/dashboard';
import { completedPaymentRow } from '../helpers/rows';
import { startTestServer, type TestServer } from '../helpers/server';

const ROWS = 2600; // more than two export pages of 1000
let server: TestServer;
let shop: ProjectKeys;
let browser: DashboardBrowser;
const base = Date.UTC(2026, 0, 10, 6, 0, 0);

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), (i += 1));
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n')
      (row.push(field), rows.push(row), (row = []), (field = ''), (i += 1));
    else field += c;
  }
  return rows;
}

beforeAll(async () => {
  server = await startTestServer();
  shop = await createProject(server.url, server.adminToken, 'Export shop');
  const other = await createProject(server.url, server.adminToken, 'Other shop');
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const at = new Date(base + i * 1000);
    const failed = i % 10 === 0;
    return completedPaymentRow(shop.projectId, at, {
      status: failed ? 'cancelled' : 'completed',
      resultCode: failed ? '1032' : '0',
      amount: 100 + (i % 7),
      amountPaid: failed ? null : 100 + (i % 7),
      mpesaReceiptNumber: failed ? null : `RCP${String(i).padStart(7, '0')}`,
      accountReference: i === 5 ? '=HYPER(1)' : `INV${i % 3}`,
      description: i === 7 ? 'Order, "big"' : 'Order',
      settledBy: i % 50 === 1 ? 'stk_query' : 'callback',
    });
  });
  for (let i = 0; i < rows.length; i += 500)
    await insertTransactions(server.database(), rows.slice(i, i + 500));
  await insertTransactions(server.database(), [
    completedPaymentRow(other.projectId, new Date(base), { accountReference: 'NOTMINE' }),
  ]);
  await createDashboardUser(server, { email: 'owner@shop.example', password: PASSWORD });
  browser = await browserFor(server.url, 'owner@shop.example');
});
afterAll(() => server.close());

describe('when a project exports its payments as CSV', () => {
  it('then every row comes, newest first, once each, across the export pages', async () => {
    const response = await browser.request({
      method: 'GET',
      path: '/api/v1/transactions/export',
      project: shop.projectId,
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="payments-${shop.projectId}-test.csv"`,
    );
    const [header, ...rows] = parseCsv(response.data as string);
    expect(header).toEqual([
      'id',
      'createdAt',
      'status',
      'amount',
      'amountPaid',
      'phone',
      'accountReference',
      'description',
      'mpesaReceiptNumber',
      'failureCode',
      'resultCode',
      'resultDesc',
      'settledAt',
      'settledBy',
      'checkoutRequestId',
      'origin',
    ]);
    expect(rows).toHaveLength(ROWS);
    const ids = rows.map((row) => row[0]!);
    expect(new Set(ids).size).toBe(ROWS);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(rows.map((row) => row[6])).not.toContain('NOTMINE');
    const last = rows[rows.length - 1]!;
    expect(last.slice(1, 6)).toEqual([new Date(base).toISOString(), 'cancelled', '100', '', '254712345678']);
    expect(last[9]).toBe('cancelled_by_customer');
  });

  it('then a formula in a text is defused and quotes survive', async () => {
    const response = await browser.request({
      method: 'GET',
      path: '/api/v1/transactions/export?accountReference=%3DHYPER(1)',
      project: shop.projectId,
    });
    const rows = parseCsv(response.data as string).slice(1);
    expect(rows.map((row) => row[6])).toEqual(["'=HYPER(1)"]);
    expect(csvField('Order, "big"')).toBe('"Order, ""big"""');
  });

  it('then the filters apply: status, receipt (any case), date window', async () => {
    const cancelled = parseCsv(
      (
        await browser.request({
          method: 'GET',
          path: '/api/v1/transactions/export?status=cancelled',
          project: shop.projectId,
        })
      ).data,
    ).slice(1);
    expect(cancelled).toHaveLength(ROWS / 10);
    expect(new Set(cancelled.map((row) => row[2]))).toEqual(new Set(['cancelled']));
    const byReceipt = parseCsv(
      (
        await browser.request({
          method: 'GET',
          path: '/api/v1/transactions/export?receipt=rcp0000123',
          project: shop.projectId,
        })
      ).data,
    ).slice(1);
    expect(byReceipt.map((row) => row[8])).toEqual(['RCP0000123']);
    const from = new Date(base + 100_000).toISOString();
    const to = new Date(base + 199_000).toISOString();
    const windowed = parseCsv(
      (
        await browser.request({
          method: 'GET',
          path: `/api/v1/transactions/export?from=${from}&to=${to}`,
          project: shop.projectId,
        })
      ).data,
    ).slice(1);
    expect(windowed).toHaveLength(100);
  });

  it('then a signed request exports the same (no second back end)', async () => {
    const signed = merchantClient(server.url, shop);
    const response = await signed({ method: 'GET', path: '/api/v1/transactions/export?status=cancelled' });
    expect(response.status).toBe(200);
    expect(parseCsv(response.data as string)).toHaveLength(ROWS / 10 + 1);
  });

  it('then a bad filter is answered in the one error shape', async () => {
    const response = await browser.request({
      method: 'GET',
      path: '/api/v1/transactions/export?status=paid',
      project: shop.projectId,
    });
    expect(response.status).toBe(400);
    expect(response.data.error.code).toBe('validation_failed');
  });

  it('then a client that leaves mid-export stops it, and the server serves on', async () => {
    const controller = new AbortController();
    const started = axios.get(`${server.url}/api/v1/transactions/export`, {
      headers: { Cookie: browser.cookie, 'X-Project-Id': shop.projectId },
      responseType: 'stream',
      signal: controller.signal,
    });
    const response = await started;
    await new Promise<void>((resolve) => response.data.once('data', () => resolve()));
    controller.abort();
    expect((await browser.request({ method: 'GET', path: '/api/v1/dashboard/session' })).status).toBe(200);
  });
});

describe('when the overview asks for the stats of a window', () => {
  it('then the database counts them: statuses, success rate, amount, reasons, timing, settled by query', async () => {
    const from = new Date(base).toISOString();
    const to = new Date(base + ROWS * 1000).toISOString();
    const response = await browser.request({
      method: 'GET',
      path: `/api/v1/stats?from=${from}&to=${to}`,
      project: shop.projectId,
    });
    expect(response.status).toBe(200);
    const completed = ROWS - ROWS / 10;
    let collected = 0;
    for (let i = 0; i < ROWS; i += 1) if (i % 10 !== 0) collected += 100 + (i % 7);
    expect(response.data).toMatchObject({
      currency: 'KES',
      payments: { total: ROWS, completed, cancelled: ROWS / 10, failed: 0, pending: 0, expired: 0 },
      amountCollected: collected,
      failureReasons: [{ code: 'cancelled_by_customer', count: ROWS / 10 }],
      promptToPayment: { averageMs: 12_000, maxMs: 12_000 },
      settledByQuery: ROWS / 50,
      webhooks: { endpoints: 0, enabled: 0, failing: 0, deliveries: { succeeded: 0, failed: 0, pending: 0 } },
    });
    expect(response.data.successRate).toBeCloseTo(0.9, 5);
  });

  it('then without a window it counts today (Nairobi time), which here is empty', async () => {
    const response = await browser.request({ method: 'GET', path: '/api/v1/stats', project: shop.projectId });
    expect(response.data).toMatchObject({ payments: { total: 0 }, successRate: null, amountCollected: 0 });
  });
});
