// The operator's logs and charts in Debian's Chromium against the real service (issue 23): the
// overview charts payments per hour (today) and per day (the last 7 days) with real data under
// one period picker; the events page lists an event, shows its delivery and attempt, and
// resends it (the receiver gets it again with the same webhook-id); the request log shows a
// refused signature with its code and request id. Every page is screenshotted at 1280 and
// 375 px (artifacts/logs-*.png), none scrolls sideways at 375 px, and axe-core finds no
// serious or critical violation on any of them.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  createProject,
  initiateBody,
  merchantClient,
  type MerchantRequest,
  type ProjectKeys,
} from '../helpers/merchant';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { completedPaymentRow, paymentRow } from '../helpers/rows';
import { startTestServer, type TestServer } from '../helpers/server';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { eventually } from '../helpers/realtime';
import { insertTransactions } from '../../src/payments/transaction.repository';
import { artifact, horizontalOverflow, launchChromium } from './chromium';
import { seriousViolations } from './axe';

const OPERATOR = 'operator@logs.example';
const WIDTHS = [1280, 375] as const;
const DAY_MS = 86_400_000;

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shop: ProjectKeys;
let signed: MerchantRequest;
let receiver: WebhookReceiver;
let paidToday = 0;

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_POLL_INTERVAL_MS: '50', REQUEST_LOG_FLUSH: '100ms' });
  browser = await launchChromium();
  shop = await createProject(server.url, server.adminToken, 'Duka la Kumbukumbu');
  signed = merchantClient(server.url, shop);
  receiver = await startWebhookReceiver();
  expect(
    (await signed({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: receiver.url } })).status,
  ).toBe(201);
  // Today's payments, through the simulator; and earlier days' rows, for the weekly chart.
  for (const reference of ['LOG1', 'LOG2', 'LOG3']) {
    const started = await signed({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ accountReference: reference }),
    });
    expect(started.status).toBe(201);
  }
  paidToday = 3;
  await receiver.waitForAccepted(3);
  const now = Date.now();
  await insertTransactions(server.database(), [
    ...[1, 1, 2, 4].map((days, i) =>
      completedPaymentRow(shop.projectId, new Date(now - days * DAY_MS), { amount: 100 + i }),
    ),
    {
      ...paymentRow({ projectId: shop.projectId, createdAt: new Date(now - 2 * DAY_MS) }),
      status: 'failed',
      resultCode: '2001',
    },
    {
      ...paymentRow({ projectId: shop.projectId, createdAt: new Date(now - 3 * DAY_MS) }),
      status: 'cancelled',
      resultCode: '1032',
    },
  ]);
  await createDashboardUser(server, { email: OPERATOR, password: PASSWORD, name: 'Otieno' });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 60_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await receiver?.close();
  await server?.close();
});

/** Screenshots at both widths (nothing may scroll sideways at 375 px), and axe on the page. */
async function check(name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    if (width === 375) {
      const overflow = await page.evaluate(horizontalOverflow, 'main *, header *, .test-banner');
      expect({ name, ...overflow.page, elements: overflow.elements }).toEqual({
        name,
        scrollWidth: overflow.page.clientWidth,
        clientWidth: overflow.page.clientWidth,
        elements: [],
      });
    }
    await page.screenshot({ path: artifact(`logs-${name}-${width}`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  expect({ name, violations: await seriousViolations(page) }).toEqual({ name, violations: [] });
}

/** How many pixels of each canvas in `selector` were painted (a chart drew something). */
function paintedPixels(selector: string): number[] {
  const { document } = globalThis as unknown as {
    document: {
      querySelectorAll(s: string): Iterable<{
        width: number;
        height: number;
        getContext(k: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      }>;
    };
  };
  return [...document.querySelectorAll(selector)].map((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
    return painted;
  });
}

const base = () => `${server.url}/dashboard/#/p/${shop.projectId}/test`;

describe('when an operator reads the logs and the charts', () => {
  it('then the overview charts today by the hour and the last 7 days by the day, under one period picker', async () => {
    await page.goto(`${server.url}/dashboard/`);
    await page.getByLabel('Email').fill(OPERATOR);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // One period picker; no second "Range" card.
    expect(await page.getByLabel('Period', { exact: true }).inputValue()).toBe('today');
    expect(await page.getByRole('region', { name: 'Range' }).count()).toBe(0);
    const charts = page.locator('.over-time');
    await charts.waitFor();
    expect(await charts.getAttribute('data-bucket')).toBe('hour');
    expect(Number(await charts.getAttribute('data-payments'))).toBe(paidToday);
    const drawn = await page.evaluate(paintedPixels, '.over-time canvas');
    expect(drawn).toHaveLength(2);
    expect(drawn.every((pixels) => pixels > 500)).toBe(true);
    await check('overview-today');

    await page.getByLabel('Period', { exact: true }).selectOption('week');
    await eventually(
      async () => charts.getAttribute('data-bucket'),
      (bucket) => bucket === 'day',
    );
    expect(Number(await charts.getAttribute('data-points'))).toBe(7);
    expect(Number(await charts.getAttribute('data-payments'))).toBe(paidToday + 6);
    expect(await page.locator('.numbers dd').first().textContent()).toBe(String(paidToday + 6));
    await page.getByText('The numbers per day').click();
    const rows = page.getByRole('region', { name: 'Payments per day' }).locator('tbody tr');
    expect(await rows.count()).toBe(7);
    // Today's row: the three payments, all completed.
    expect(await rows.last().locator('td').first().textContent()).toBe(String(paidToday));
    expect(await rows.last().locator('td').nth(2).textContent()).toBe('100.0%');
    expect((await page.evaluate(paintedPixels, '.over-time canvas')).every((pixels) => pixels > 500)).toBe(
      true,
    );
    await check('overview-week');
  });

  it('then the events page lists a payment event, shows its delivery and attempt, and resends it with the same webhook-id', async () => {
    await page.goto(`${base()}/events`);
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    const list = page.getByRole('list', { name: 'Events' });
    await list.locator('li[data-id]').first().waitFor();
    expect(await list.locator('li[data-id]').count()).toBe(3);
    await page.getByLabel('Type').selectOption('transaction.failed');
    await list.getByText('No events yet.').waitFor();
    await page.getByLabel('Type').selectOption('transaction.completed');
    await eventually(
      async () => list.locator('li[data-id]').count(),
      (count) => count === 3,
    );
    await check('events');

    const first = list.locator('li[data-id]').first();
    const eventId = (await first.getAttribute('data-id'))!;
    await first.locator('a').click();
    await page.getByRole('heading', { name: 'transaction.completed' }).waitFor();
    const deliveries = page.getByRole('region', { name: 'Deliveries' });
    expect(await deliveries.locator('li[data-delivery]').count()).toBe(1);
    expect(await deliveries.locator('.badge-succeeded').count()).toBe(1);
    expect(await deliveries.locator('.attempts li').first().textContent()).toMatch(/HTTP 200 in \d+ ms/);
    const before = receiver.received.filter((hook) => hook.headers['webhook-id'] === eventId).length;
    expect(before).toBe(1);

    await page.getByRole('button', { name: 'Resend', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '1 delivery queued' }).waitFor();
    await eventually(
      async () => receiver.received.filter((hook) => hook.headers['webhook-id'] === eventId).length,
      (count) => count === 2,
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    // The same delivery, sent again: its attempt log keeps both attempts, the second one succeeded.
    await eventually(
      async () => deliveries.locator('.attempts li').count(),
      (count) => count === 2,
    );
    expect(await deliveries.locator('li[data-delivery]').count()).toBe(1);
    expect(await deliveries.locator('.badge-succeeded').count()).toBe(1);
    expect(await deliveries.locator('.attempts li').last().textContent()).toMatch(/HTTP 200 in \d+ ms/);
    await check('event');
  });

  it('then the request log shows a refused signature with its code and request id, and no secret', async () => {
    const refused = await signed({
      method: 'GET',
      path: '/api/v1/transactions?phone=0712345678',
      signWith: { secretKey: 'sk_test_not_the_right_one' },
    });
    expect([refused.status, refused.data.error.code]).toEqual([401, 'signature_invalid']);
    const requestId = refused.headers['x-request-id'] as string;

    await page.goto(`${base()}/requests`);
    await page.getByRole('heading', { name: 'Request log' }).waitFor();
    await page.getByLabel('Error code').fill('signature_invalid');
    await page.getByRole('button', { name: 'Filter' }).click();
    const row = page.locator(`.requests li[data-request-id="${requestId}"]`);
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return row.count();
      },
      (count) => count === 1,
    );
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('401');
    expect(text).toContain('signature_invalid');
    expect(text).toContain('GET');
    expect(text).toContain('/api/v1/transactions');
    expect(text).toContain(shop.publicKey);
    expect(await page.locator('.requests li[data-request-id]').count()).toBe(1);
    const html = await page.content();
    expect(html).not.toContain(shop.secretKey);
    expect(html).not.toContain('0712345678');
    await check('requests-refused');

    // Every answer again: the payments started above, refused and accepted alike.
    await page.getByRole('button', { name: 'Clear' }).click();
    await eventually(
      async () => page.locator('.requests li[data-request-id]').count(),
      (count) => count >= 5,
    );
    expect(await page.locator('.requests li[data-error-code=""]').count()).toBeGreaterThanOrEqual(4);
    await check('requests');
  });
});
