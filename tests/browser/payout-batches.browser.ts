// The dashboard's Payout batches page in Debian's Chromium against the real service and its
// simulator: a CSV with a bad row is checked (the preview names the line and field, and submit
// stays off); fixed, it is submitted by one user and waits for one approval; another user
// approves it on the batch's page, which shows its rows going out and settling live. axe-core
// finds no serious or critical violation; screenshots go to artifacts/payout-batches-*.png.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';
import { payoutProject, simulatorStats, type PayoutProject } from '../helpers/payouts';
import { artifact, launchChromium } from './chromium';
import { seriousViolations } from './axe';

let server: TestServer;
let browser: Browser;
let shop: PayoutProject;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer({ PAYOUT_BATCH_PACE: '100ms' });
  browser = await launchChromium();
  shop = await payoutProject(server, { approval: 'all' });
  for (const email of ['clerk@payroll.example', 'owner@payroll.example'])
    await createDashboardUser(server, {
      email,
      password: PASSWORD,
      role: 'member',
      projectIds: [shop.projectId],
    });
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
});

async function signedIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/dashboard/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

describe('when a clerk uploads a payroll batch and the owner approves it', () => {
  it('then a bad row is shown by line before anything is sent, and the approved batch is paid row by row, live', async () => {
    const before = await simulatorStats(server.url);
    const clerk = await signedIn('clerk@payroll.example');
    await clerk.goto(`${server.url}/dashboard/#/p/${shop.projectId}/test/payout-batches`);
    await clerk.getByRole('heading', { name: 'Payout batches' }).waitFor();
    const csv = clerk.getByLabel('CSV', { exact: true });
    await csv.fill(
      'phone,amount,remarks,reference\n0708374149,1500,Salary,EMP-1\n0708374150,lots,Salary,EMP-2\n',
    );
    await clerk.getByRole('button', { name: 'Check rows' }).click();
    const preview = clerk.getByRole('table', { name: 'Preview' });
    await preview.waitFor();
    expect(await preview.locator('tr[data-line="3"]').textContent()).toContain('amount must be');
    expect(await clerk.getByRole('button', { name: 'Submit batch' }).isDisabled()).toBe(true);
    await clerk.screenshot({ path: artifact('payout-batches-preview'), fullPage: true });
    expect(await seriousViolations(clerk)).toEqual([]);

    await csv.fill(
      'phone,amount,remarks,reference\n0708374149,1500,Salary,EMP-1\n0700000202,900,Salary,EMP-2\n',
    );
    await clerk.getByRole('button', { name: 'Check rows' }).click();
    await clerk.getByText('2 rows, 0 bad').waitFor();
    await clerk.getByRole('button', { name: 'Submit batch' }).click();
    await clerk.getByRole('heading', { name: /^Batch pob_/ }).waitFor();
    const batchUrl = clerk.url();
    await clerk.locator('dl.details .badge-awaiting_approval').waitFor();
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);

    const owner = await signedIn('owner@payroll.example');
    await owner.goto(batchUrl);
    await owner.getByRole('button', { name: 'Approve and send' }).click();
    await owner.getByText('Approved: its rows are going out.').waitFor();
    // The clerk's page, left open, follows the batch as its rows settle.
    await clerk
      .getByLabel('Progress')
      .getByText(/1 succeeded/)
      .waitFor({ timeout: 15_000 });
    await clerk
      .getByLabel('Progress')
      .getByText(/1 failed/)
      .waitFor({ timeout: 15_000 });
    const rows = clerk.getByRole('table', { name: 'Rows' });
    expect(await rows.locator('tr[data-line="3"]').textContent()).toContain('failed');
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(2);
    await clerk.screenshot({ path: artifact('payout-batches-done'), fullPage: true });
    expect(await seriousViolations(clerk)).toEqual([]);
  });
});
