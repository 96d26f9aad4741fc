// The checkout demo in a real browser: Debian's Chromium driven by playwright-core, the demo's
// merchant backend, and the real service in simulator mode. What a visitor sees is what we check.
import type { Browser, Page } from 'playwright-core';
import { postCallback, successCallback } from '../helpers/callbacks';
import { createProject, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { startMerchantBackend, type RunningMerchantBackend } from '../../demo/start-demo';
import { artifact, launchChromium } from './chromium';

// The simulated customer's answer for the phones whose outcome the simulator plays. Where the
// test must see the waiting state first, it plays Safaricom itself instead (no race with this).
const CALLBACK_DELAY_MS = 1200;
/** The simulator accepts the push and never calls back: the test posts the callback when it chooses. */
const NO_CALLBACK_PHONE = '0700000005';

let server: TestServer;
let backend: RunningMerchantBackend;
let browser: Browser;
let page: Page;
let merchant: MerchantRequest;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: String(CALLBACK_DELAY_MS) });
  const keys = await createProject(server.url, server.adminToken, 'Checkout demo');
  merchant = merchantClient(server.url, keys);
  backend = await startMerchantBackend({
    serviceUrl: server.url,
    publicKey: keys.publicKey,
    secretKey: keys.secretKey,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Chromium also logs every HTTP error as a console error; those are judged by the response below.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      pageErrors.push(message.text());
  });
  page.on('response', (response) => {
    const expectedRefusal = response.url().endsWith('/api/checkout') && response.status() === 409;
    if (response.status() >= 400 && !expectedRefusal)
      pageErrors.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) =>
    pageErrors.push(`failed ${request.url()}: ${request.failure()?.errorText}`),
  );
  await page.goto(`http://127.0.0.1:${backend.port}/`);
});

afterAll(async () => {
  await browser?.close();
  await backend?.close();
  await server?.close();
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

async function pay(phone: string, amount: number) {
  if (await page.isVisible('#again')) await page.click('#again');
  await page.fill('#phone', phone);
  await page.fill('#amount', String(amount));
  await page.click('#pay');
}

async function statusShown(status: string, timeout = 10_000) {
  await page.waitForSelector(`#status-title[data-status="${status}"]`, { timeout });
  return { title: await page.textContent('#status-title'), detail: await page.textContent('#status-detail') };
}

async function screenshot(name: string) {
  await page.screenshot({ path: artifact(name), fullPage: true });
}

describe('the checkout page', () => {
  it('when the page opens, then it lists the simulator test phones', async () => {
    const phones = await page.$$eval('#test-phones td.phone', (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(phones).toEqual(expect.arrayContaining(['0712345678', '0700000001', '0700000004', '0700000011']));
  });

  it('when the customer pays, then it says "Check your phone", then "Paid" with the receipt', async () => {
    const started = page.waitForResponse((response) => response.url().endsWith('/api/checkout'));
    await pay(NO_CALLBACK_PHONE, 10);
    const { transactionId } = (await (await started).json()) as { transactionId: string };
    const waiting = await statusShown('pending', 3_000);
    expect(waiting.title).toBe('Check your phone');
    await page.waitForSelector('#status-detail:has-text("Enter your M-Pesa PIN")');
    expect(await page.textContent('#status-detail')).toBe(
      'Enter your M-Pesa PIN on 254700***005 to pay KES 10.',
    );
    await screenshot('checkout-waiting');

    // The page shows the live state; only now does the customer pay (Safaricom's callback).
    const { transaction } = (await merchant({ method: 'GET', path: `/api/v1/transactions/${transactionId}` }))
      .data as { transaction: { checkoutRequestId: string } };
    expect(
      (
        await postCallback(
          server.url,
          server.callbackPath(transactionId),
          successCallback(transaction.checkoutRequestId, 10, 'UKM1PAID01'),
        )
      ).status,
    ).toBe(200);
    const paid = await statusShown('completed');
    expect(paid).toEqual({ title: 'Paid', detail: 'KES 10 received. M-Pesa receipt UKM1PAID01.' });
    await screenshot('checkout-paid');
  });

  it('when the page is reloaded after the payment finished, then it subscribes late and still shows "Paid"', async () => {
    const receipt = await page.textContent('#status-detail');
    await page.reload();
    const paid = await statusShown('completed', 5_000);
    expect(paid).toEqual({ title: 'Paid', detail: receipt });
  });

  it('when the customer cancels the prompt (0700000001), then it says so with the reason', async () => {
    await pay('0700000001', 25);
    expect((await statusShown('pending', 3_000)).title).toBe('Check your phone');
    const cancelled = await statusShown('cancelled');
    expect(cancelled).toEqual({
      title: 'Payment cancelled',
      detail: 'The customer cancelled the M-Pesa prompt',
    });
    await screenshot('checkout-cancelled');
  });

  it('when the customer enters a wrong PIN (0700000004), then it says the payment failed and why', async () => {
    await pay('0700000004', 30);
    const failed = await statusShown('failed');
    expect(failed).toEqual({ title: 'Payment failed', detail: 'The customer entered a wrong M-Pesa PIN' });
  });

  it('when M-Pesa refuses the push (0700000008), then the form shows what to do', async () => {
    await pay('0700000008', 10);
    await page.waitForSelector('#form-error:not([hidden])');
    expect(await page.textContent('#form-error')).toMatch(/already have an M-Pesa prompt open/);
    expect(await page.isVisible('#payment')).toBe(false);
  });
});
