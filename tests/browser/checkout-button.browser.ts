// The embeddable button on a merchant's page served from another origin (localhost against the
// service's 127.0.0.1): one <script> with the public key, a button with data-mpesa-link; the
// hosted page opens in an overlay and the merchant's page receives pending → paid (or cancelled)
// as DOM events and through MpesaBridgeCheckout.on. A public key of another project opens nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { createProject, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { artifact, launchChromium } from './chromium';

let server: TestServer;
let keys: ProjectKeys;
let shop: http.Server;
let shopUrl: string;
let browser: Browser;
let context: BrowserContext;
let slug: string;
let pageHtml = '';

beforeAll(async () => {
  server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '700' });
  keys = await createProject(server.url, server.adminToken, 'Button shop');
  const merchant = merchantClient(server.url, keys);
  slug = (
    await merchant({ method: 'POST', path: '/api/v1/payment-links', body: { title: 'Kikoi', amount: 900 } })
  ).data.link.slug;
  shop = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(pageHtml));
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  // Another origin than the service's: another host name and port.
  shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => shop?.close(resolve));
  await server?.close();
});
afterEach(() => context?.close());

/** The merchant's page, as docs/checkout.md tells them to write it; it records what it is told. */
function merchantPage(publicKey: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kikoi shop</title></head><body>
<h1>Kikoi, KES 900</h1>
<button id="buy" data-mpesa-link="${slug}">Pay with M-Pesa</button>
<script src="${server.url}/checkout/assets/button.js" data-key="${publicKey}"></script>
<script>
window.seen = [];
for (const type of ['pending', 'paid', 'failed', 'cancelled', 'expired', 'closed'])
  document.getElementById('buy').addEventListener('mpesa:' + type, (event) => window.seen.push(event.detail));
MpesaBridgeCheckout.on('paid', (detail) => { window.paidByApi = detail; });
</script></body></html>`;
}

async function openShop(publicKey: string): Promise<Page> {
  pageHtml = merchantPage(publicKey);
  context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await page.goto(shopUrl);
  await page.click('#buy');
  return page;
}

/**
 * The customer sends the form from the phone field (Enter: the keyboard's "Go"). Playwright's
 * pointer click waits forever on a target in an out-of-process (cross-site) frame here.
 */
const payInFrame = (frame: FrameLocator) => frame.locator('#phone').press('Enter');

const seen = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as { seen: Array<{ type: string; transactionId?: string }> }).seen,
  );

describe('the embeddable button on another origin', () => {
  it('when the customer pays in the overlay, then the merchant page receives pending then paid, with the payment', async () => {
    const page = await openShop(keys.publicKey);
    const frame = page.frameLocator('iframe[title="M-Pesa checkout"]');
    await frame.locator('#phone').fill('0712345678');
    await page.screenshot({ path: artifact('button-overlay-375'), fullPage: true });
    await payInFrame(frame);
    await page.waitForFunction(
      () => (globalThis as unknown as { seen: Array<{ type: string }> }).seen.some((e) => e.type === 'paid'),
      undefined,
      { timeout: 15_000 },
    );
    const events = await seen(page);
    expect(events.map((event) => event.type)).toEqual(['pending', 'paid']);
    expect(events[1]).toMatchObject({ amount: 900, transactionId: events[0]!.transactionId });
    expect(events[1]).toHaveProperty('mpesaReceiptNumber', expect.stringMatching(/^[A-Z0-9]{10}$/));
    const byApi = await page.evaluate(() => (globalThis as unknown as { paidByApi: unknown }).paidByApi);
    expect(byApi).toEqual(events[1]);
    expect(await frame.locator('#status-title').textContent()).toBe('Paid');

    await page.click('button[aria-label="Close"]');
    expect(await page.isVisible('iframe')).toBe(false);
    expect((await seen(page)).map((event) => event.type)).toEqual(['pending', 'paid', 'closed']);
  });

  it('when the customer cancels the prompt, then the merchant page receives pending then cancelled', async () => {
    const page = await openShop(keys.publicKey);
    const frame = page.frameLocator('iframe[title="M-Pesa checkout"]');
    await frame.locator('#phone').fill('0700000001');
    await payInFrame(frame);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { seen: Array<{ type: string }> }).seen.some((e) => e.type === 'cancelled'),
      undefined,
      { timeout: 15_000 },
    );
    expect((await seen(page)).map((event) => event.type)).toEqual(['pending', 'cancelled']);
  });

  it("when the script carries another project's public key, then the overlay opens nothing of this link", async () => {
    const other = await createProject(server.url, server.adminToken, 'Someone else');
    const page = await openShop(other.publicKey);
    const frame = page.frameLocator('iframe[title="M-Pesa checkout"]');
    await frame.locator('h1[data-status="closed"]').waitFor();
    expect(await frame.locator('h1').textContent()).toBe(
      'This payment page does not exist. Check the link you were given.',
    );
    expect(await frame.locator('#pay').count()).toBe(0);
  });
});
