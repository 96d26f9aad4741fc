// The Refund button of a payment's page in Debian's Chromium against the real service and its
// simulator: a member asks for the refund of a completed payment from the page (the session
// and its CSRF token, no key); the page shows the refund waiting for another user's approval
// and no second button; a second member approves it (the session API), and the page then shows
// it succeeded with the payment reversed. axe-core finds no serious or critical violation;
// screenshots go to artifacts/payment-refund-*.png.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import {
  dashboardUserOf,
  paidByStk,
  refundShop,
  reversalRequests,
  type RefundShop,
} from '../helpers/refunds';
import { startTestServer, type TestServer } from '../helpers/server';
import { artifact, launchChromium } from './chromium';
import { seriousViolations } from './axe';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shop: RefundShop;

const EMAIL = 'cashier@refund-shop.example';

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  shop = await refundShop(server);
  const created = await createDashboardUser(server, {
    email: EMAIL,
    password: PASSWORD,
    role: 'member',
    projectIds: [shop.projectId],
  });
  expect(created.status).toBe(201);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('when a member refunds a completed payment from its page', () => {
  it('then the refund waits for another user, nothing is sent before, and once approved the page shows it succeeded', async () => {
    const payment = await paidByStk(shop, 320);
    await page.goto(`${server.url}/dashboard/`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goto(`${server.url}/dashboard/#/p/${shop.projectId}/test/payments/${payment.id}`);
    const card = page.getByRole('region', { name: 'Refunds' });
    await card.getByText('No refund asked for.').waitFor();
    const before = await reversalRequests(server.url);

    await card.getByRole('button', { name: 'Refund KES 320' }).click();
    await card.locator('.badge-awaiting_approval').waitFor();
    expect(await card.textContent()).toContain('Waits for approval by another dashboard user');
    expect(await card.getByRole('button').count()).toBe(0);
    const listed = await shop.merchant({
      method: 'GET',
      path: `/api/v1/refunds?transactionId=${payment.id}`,
    });
    expect(listed.data.data).toHaveLength(1);
    const refund = listed.data.data[0];
    expect(refund).toMatchObject({
      status: 'awaiting_approval',
      amount: 320,
      receipt: payment.mpesaReceiptNumber,
    });
    expect(refund.requestedBy).toMatch(/^user:/);
    expect(await reversalRequests(server.url)).toBe(before);
    await page.screenshot({ path: artifact('payment-refund-waiting'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    const approver = await dashboardUserOf(server, shop);
    const approved = await approver.request({
      method: 'POST',
      path: `/api/v1/refunds/${refund.id}/approve`,
      project: shop.projectId,
      mode: 'test',
      body: { note: 'Goods came back' },
    });
    expect(approved.status).toBe(200);
    // The page follows the payment live: its reversal reloads it.
    await card.locator('.badge-succeeded').waitFor({ timeout: 15_000 });
    await page.locator('h1 .badge-reversed').waitFor();
    expect(await card.textContent()).toContain('M-Pesa gave the money back.');
    expect(await reversalRequests(server.url)).toBe(before + 1);
    await page.screenshot({ path: artifact('payment-refund-done'), fullPage: true });
  });
});
