// The dashboard's C2B parts in Debian's Chromium against the real service and its simulator: an
// operator switches C2B on from the account's card and sees its registration and validation
// rules; a customer pays the PayBill from the M-Pesa menu (the simulator posts the confirmation
// to the URL the service registered); the Payments list shows that walk-in payment beside a
// prompt, each with its channel. Waits are Playwright's own (a locator polled until it holds), never a fixed time.
import axios from 'axios';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { accountBody } from '../helpers/accounts';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { createProject, initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { horizontalOverflow, launchChromium } from './chromium';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let merchant: MerchantRequest;
let projectId: string;
let accountId: string;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  const shop = await createProject(server.url, server.adminToken, 'Maji Mazuri');
  projectId = shop.projectId;
  merchant = merchantClient(server.url, shop);
  const account = await merchant({
    method: 'POST',
    path: '/api/v1/mpesa-accounts',
    body: accountBody({ name: 'Water PayBill', shortcode: '600984' }),
  });
  expect(account.status).toBe(201);
  accountId = account.data.account.id;
  await createDashboardUser(server, { email: 'owner@maji.example', password: PASSWORD, name: 'Wanjiru' });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(`${server.url}/dashboard/`);
  await page.getByLabel('Email').fill('owner@maji.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('when an operator opens an M-Pesa account with C2B off', () => {
  it('then switching C2B on registers the URLs, and the card shows the registration and the validation rules', async () => {
    await page.goto(`${server.url}/dashboard/#/p/${projectId}/test/accounts`);
    const card = page.getByLabel('C2B of Water PayBill');
    await card.getByText('off').first().waitFor();
    await card.getByRole('button', { name: /Switch C2B on/ }).click();
    await card.getByText('on (v2, default Completed)').first().waitFor();
    await card.getByText('URLs registered with Daraja').first().waitFor();
    await card.getByText('Validation: none, every payment is accepted.').first().waitFor();
    const settings = await merchant({ method: 'GET', path: `/api/v1/mpesa-accounts/${accountId}/c2b` });
    expect(settings.data.c2b).toMatchObject({ enabled: true, registeredAt: expect.any(String) });

    // Rules set through the API show on the card once it is read again.
    const rules = await merchant({
      method: 'POST',
      path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
      body: {
        version: 'v2',
        responseType: 'Cancelled',
        validation: { billReferences: ['HOUSE-1', 'HOUSE-2'], minAmount: 10, maxAmount: 50000 },
      },
    });
    expect(rules.status).toBe(200);
    await page.reload();
    await card.getByText('on (v2, default Cancelled)').first().waitFor();
    await card
      .getByText('Validation: bill reference one of HOUSE-1, HOUSE-2; KES 10 to 50000.')
      .first()
      .waitFor();
  });
});

describe('when a customer pays the PayBill from the M-Pesa menu', () => {
  it('then the Payments list shows the walk-in payment with its channel, beside a prompt', async () => {
    const prompt = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ amount: 40, accountReference: 'HOUSE-2', account: accountId }),
    });
    expect(prompt.status).toBe(201);
    const paid = await axios.post(`${server.url}/simulator/__simulator/c2b/payments`, {
      shortCode: '600984',
      amount: 75,
      msisdn: '254712345678',
      billRefNumber: 'HOUSE-1',
      commandId: 'CustomerPayBillOnline',
    });
    expect(paid.data).toMatchObject({ status: 'completed', confirmation: { delivered: true } });

    await page.goto(`${server.url}/dashboard/#/p/${projectId}/test/payments`);
    const list = page.getByRole('list', { name: 'Payments' });
    const walkIn = list.locator('li', { hasText: paid.data.transId });
    await walkIn.getByText('PayBill (menu)').first().waitFor();
    await walkIn.getByText('HOUSE-1').first().waitFor();
    await list.locator(`li[data-id="${prompt.data.transaction.id}"]`).getByText('prompt (STK)').waitFor();

    // On a phone's width the rows, channel included, still fit: nothing scrolls sideways.
    await page.setViewportSize({ width: 375, height: 900 });
    await walkIn.getByText('PayBill (menu)').waitFor();
    const overflow = await page.evaluate(horizontalOverflow, 'main *, header *');
    expect({ ...overflow.page, elements: overflow.elements }).toEqual({
      scrollWidth: overflow.page.clientWidth,
      clientWidth: overflow.page.clientWidth,
      elements: [],
    });
    await page.setViewportSize({ width: 1280, height: 900 });

    // The channel filter keeps the menu payment only.
    await page.getByLabel('Channel').selectOption('paybill');
    await page.getByRole('button', { name: 'Search' }).click();
    await list.locator(`li[data-id="${prompt.data.transaction.id}"]`).waitFor({ state: 'detached' });
    await walkIn.getByText('PayBill (menu)').waitFor();
  });
});
