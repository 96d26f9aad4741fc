// The API reference at /docs in a real browser, at a phone's, a tablet's and a laptop's width:
// no field table or code sample is clipped or scrolls sideways, the page itself never scrolls
// sideways, and webhook entries say how they are signed.
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { artifact, horizontalOverflow, launchChromium } from './chromium';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openDocs(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(`${server.url}/docs`);
  return page;
}

describe.each([375, 768, 1280])('when /docs is read %i px wide', (width) => {
  it('then no field table or code sample is clipped, and the page has no horizontal scroll', async () => {
    const page = await openDocs(width);
    try {
      const counted = await page.$$eval('table, pre', (found) => found.length);
      expect(counted).toBeGreaterThan(100);
      const overflow = await page.evaluate(horizontalOverflow, 'main table, main pre, main .two > *');
      expect(overflow.elements).toEqual([]);
      expect(overflow.page.scrollWidth).toBeLessThanOrEqual(overflow.page.clientWidth);
      await page.screenshot({ path: artifact(`docs-${width}`) });
      await page
        .locator('[id="op-initiateTransaction"]')
        .screenshot({ path: artifact(`docs-${width}-initiate`) });
    } finally {
      await page.close();
    }
  });
});

describe('when a reader looks at a webhook entry', () => {
  it('then it shows the Standard Webhooks signature scheme, linked to how to verify it, not "No authentication"', async () => {
    const page = await openDocs(1280);
    try {
      const entry = page.locator('[id="webhook-transaction.completed"]');
      const auth = (await entry.locator('.auth').textContent()) ?? '';
      expect(auth).toContain('Signed by mpesa-bridge with the Standard Webhooks signature');
      expect(auth).not.toContain('No authentication');
      await entry.locator('.auth a').click();
      const scheme = page.locator('[id="security-StandardWebhooksSignature"]');
      expect(await scheme.isVisible()).toBe(true);
      const explained = (await scheme.textContent()) ?? '';
      expect(explained).toContain('webhook-signature');
      expect(explained).toContain('whsec_');
      expect(page.url()).toMatch(/#security-StandardWebhooksSignature$/);
      await entry.screenshot({ path: artifact('docs-webhook-entry') });
    } finally {
      await page.close();
    }
  });
});
