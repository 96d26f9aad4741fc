// The checkout demo where visitors really are: on a 375 px phone, and behind something that
// forwards the shop's port (the only port the browser can reach: the proxies listen on
// 127.0.0.3, where no service's own port answers). Real Chromium, the real backend and service.
import type { Browser, Page } from 'playwright-core';
import { createProject } from '../helpers/merchant';
import { startHttpProxy, startPortForward, type RunningProxy } from '../helpers/proxies';
import { startTestServer, type TestServer } from '../helpers/server';
import { startMerchantBackend, type RunningMerchantBackend } from '../../demo/start-demo';
import { artifact, horizontalOverflow, launchChromium } from './chromium';

let server: TestServer;
let backend: RunningMerchantBackend;
let browser: Browser;
const proxies: RunningProxy[] = [];

beforeAll(async () => {
  server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '300' });
  const keys = await createProject(server.url, server.adminToken, 'Checkout demo');
  backend = await startMerchantBackend({
    serviceUrl: server.url,
    publicKey: keys.publicKey,
    secretKey: keys.secretKey,
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await backend?.close();
  await server?.close();
});

/** A page that records what went wrong in it (script errors, failed loads). */
async function openShop(url: string, width = 800): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);
  await page.waitForSelector('#test-phones td.phone');
  return { page, problems };
}

async function payAndWaitForPaid(page: Page): Promise<string> {
  await page.fill('#phone', '0712345678');
  await page.fill('#amount', '10');
  await page.click('#pay');
  await page.waitForSelector('#status-title[data-status="completed"]', { timeout: 20_000 });
  return (await page.textContent('#status-title')) ?? '';
}

describe('when the shop is opened on a 375 px phone', () => {
  it('then nothing scrolls sideways, before paying and once paid', async () => {
    const { page, problems } = await openShop(backend.url, 375);
    try {
      const selector = 'main, main *';
      expect(await page.evaluate(horizontalOverflow, selector)).toEqual({
        page: { scrollWidth: 375, clientWidth: 375 },
        elements: [],
      });
      await page.screenshot({ path: artifact('checkout-375-form'), fullPage: true });
      expect(await payAndWaitForPaid(page)).toBe('Paid');
      expect(await page.evaluate(horizontalOverflow, selector)).toEqual({
        page: { scrollWidth: 375, clientWidth: 375 },
        elements: [],
      });
      await page.screenshot({ path: artifact('checkout-375-paid'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('when the shop is reached only through a port forwarder', () => {
  it('then Socket.io goes through the same forwarded port and the page still reaches "Paid"', async () => {
    const forward = await startPortForward(backend.port);
    proxies.push(forward);
    const { page, problems } = await openShop(`${forward.url}/`);
    const socketRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/socket.io/')) socketRequests.push(new URL(request.url()).host);
    });
    // A WebSocket opened first (no polling before it) is not a 'request' in this Chromium.
    page.on('websocket', (socket) => {
      if (socket.url().includes('/socket.io/')) socketRequests.push(new URL(socket.url()).host);
    });
    try {
      expect(await payAndWaitForPaid(page)).toBe('Paid');
      expect(await page.textContent('#status-detail')).toMatch(
        /^KES 10 received\. M-Pesa receipt [A-Z0-9]{10}\.$/,
      );
      // Live updates came over the forwarded origin, nowhere else.
      expect(new Set(socketRequests)).toEqual(new Set([new URL(forward.url).host]));
      expect(problems).toEqual([]);
      await page.screenshot({ path: artifact('checkout-port-forwarded-paid'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});

describe('when the proxy in front of the shop forwards plain HTTP but not Socket.io', () => {
  it('then the page falls back to polling the shop for the payment and still reaches "Paid"', async () => {
    const proxy = await startHttpProxy(backend.port, (path) => path.startsWith('/socket.io/'));
    proxies.push(proxy);
    const { page, problems } = await openShop(`${proxy.url}/`);
    const polled: number[] = [];
    page.on('response', (response) => {
      if (/\/api\/payments\/txn_/.test(response.url())) polled.push(response.status());
    });
    try {
      expect(await payAndWaitForPaid(page)).toBe('Paid');
      expect(proxy.refused()).toBeGreaterThan(0);
      expect(polled.length).toBeGreaterThan(0);
      expect(polled.every((status) => status === 200)).toBe(true);
      expect(problems).toEqual([]);
      await page.screenshot({ path: artifact('checkout-polling-fallback-paid'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
