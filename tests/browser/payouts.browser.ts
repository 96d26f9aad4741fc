// The dashboard's Payouts page in Debian's Chromium against the real service and its simulator:
// a supplier payment (PayBill) and a till payment made through the API wait in the approvals
// queue; the owner, who did not ask, approves one (it is sent once and succeeds) and rejects the
// other; the list shows both outcomes; a payout's page shows its status history. axe-core finds
// no serious or critical violation; screenshots go to artifacts/payouts-*.png.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';
import { payoutProject, type PayoutProject } from '../helpers/payouts';
import { artifact, launchChromium } from './chromium';
import { seriousViolations } from './axe';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shop: PayoutProject;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  shop = await payoutProject(server, { approval: 'all' });
  await createDashboardUser(server, {
    email: 'owner@supplier.example',
    password: PASSWORD,
    role: 'member',
    projectIds: [shop.projectId],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

const statusOf = async (id: string) =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}` })).data.payout.status as string;

describe('when an approver uses the Payouts page', () => {
  it('then the waiting supplier payments are approved (sent once) or rejected from the queue, and a payout page shows its history', async () => {
    const paybill = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: { paybill: '888880', accountNumber: 'INV-88', amount: 2500 },
    });
    const till = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: { till: '5123456', amount: 700 },
    });
    expect([paybill.data.payout.status, till.data.payout.status]).toEqual([
      'awaiting_approval',
      'awaiting_approval',
    ]);

    await page.goto(`${server.url}/dashboard/`);
    await page.getByLabel('Email').fill('owner@supplier.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goto(`${server.url}/dashboard/#/p/${shop.projectId}/test/payouts`);
    await page.getByRole('heading', { name: 'Waiting for approval (2)' }).waitFor();
    const queue = page.getByRole('region', { name: 'Approvals' });
    expect(await queue.textContent()).toContain('PayBill 888880, account INV-88');
    await page.screenshot({ path: artifact('payouts-queue'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await queue
      .locator(`tr[data-payout="${paybill.data.payout.id}"]`)
      .getByRole('button', { name: 'Approve and send' })
      .click();
    await page.getByText(`${paybill.data.payout.id} approved and sent`).waitFor();
    await queue
      .locator(`tr[data-payout="${till.data.payout.id}"]`)
      .getByRole('button', { name: 'Reject' })
      .click();
    await page.getByText(`${till.data.payout.id} rejected`).waitFor();
    await page.getByRole('heading', { name: 'Waiting for approval (0)' }).waitFor();

    // Read five times a second: under the project's rate limit however slow the machine.
    for (let tries = 0; tries < 100 && (await statusOf(paybill.data.payout.id)) !== 'succeeded'; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await statusOf(till.data.payout.id)).toBe('failed');

    await page.goto(`${server.url}/dashboard/#/p/${shop.projectId}/test/payouts/${paybill.data.payout.id}`);
    const history = page.getByRole('list', { name: 'Status history' });
    await history.locator('li[data-status="succeeded"]').waitFor({ timeout: 10_000 });
    expect(
      await history.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-status'))),
    ).toEqual(['requested', 'awaiting_approval', 'submitted', 'succeeded']);
    expect(await page.locator('dl.details').textContent()).toContain('approved by user:');
    await page.screenshot({ path: artifact('payouts-page'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });
});
