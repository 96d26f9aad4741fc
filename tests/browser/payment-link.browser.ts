// The hosted checkout page in a real browser: Debian's Chromium driven by playwright-core, the
// real service in simulator mode, a phone-sized window (375 px). A customer pays through a link
// (paid, paid as a walk-in PayBill payment, cancelled, wrong PIN), meets an expired and a used-up
// link and an amount outside the range, in English and in Swahili; axe finds no serious or
// critical problem; the printed QR code decodes to the link; screenshots at 320, 375 and 1280 px
// in both languages go to artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { accountBody } from '../helpers/accounts';
import { postCallback, successCallback } from '../helpers/callbacks';
import { createProject, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { en, sw } from '../../checkout/src/strings';
import { artifact, horizontalOverflow, launchChromium } from './chromium';

const PER_PHONE = 3;
let server: TestServer;
let merchant: MerchantRequest;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];
let phoneSeq = 0;
/** A phone the simulator pays (any number but its outcome numbers), new for each payment. */
const payingPhone = () => `07120${String(++phoneSeq).padStart(5, '0')}`;

beforeAll(async () => {
  server = await startTestServer({
    SIMULATOR_CALLBACK_DELAY_MS: '700',
    CHECKOUT_PUSHES_PER_PHONE: String(PER_PHONE),
  });
  merchant = merchantClient(
    server.url,
    await createProject(server.url, server.adminToken, 'Mama Mboga Grocers'),
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  expect(problems.splice(0)).toEqual([]);
});

async function createLink(body: Record<string, unknown>): Promise<{ id: string; slug: string; url: string }> {
  const answer = await merchant({ method: 'POST', path: '/api/v1/payment-links', body });
  expect(answer.status).toBe(201);
  return answer.data.link;
}

/** A phone-sized page in `locale`, recording script errors and unexpected HTTP failures. */
async function openPage(url: string, options: { width?: number; locale?: string; bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 375, height: 800 },
    locale: options.locale ?? 'en-KE',
    bypassCSP: options.bypassCSP,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    const expected = /\/pay$/.test(response.url()) && [400, 409, 410, 429].includes(response.status());
    if (response.status() >= 400 && !expected) problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector('main:not([aria-busy])');
  return page;
}

async function pay(page: Page, phone: string, amount?: number) {
  if (amount !== undefined) await page.fill('#amount', String(amount));
  await page.fill('#phone', phone);
  await page.click('#pay');
}

async function statusShown(page: Page, status: string, timeout = 15_000) {
  await page.waitForSelector(`#status-title[data-status="${status}"]`, { timeout });
  return { title: await page.textContent('#status-title'), detail: await page.textContent('#status-detail') };
}

describe('paying through a link at 375 px', () => {
  it('when the customer pays, then the page says "Check your phone", then "Paid" with the receipt, and nothing scrolls sideways', async () => {
    const link = await createLink({ title: 'Sukuma wiki', amount: 150, referenceTemplate: 'INV-{n}' });
    const page = await openPage(link.url);
    expect(await page.textContent('.merchant')).toBe('Mama Mboga Grocers');
    expect(await page.textContent('#amount-due')).toBe('KES 150');
    expect(await page.textContent('#test-banner')).toBe(en.testBanner);
    expect(await page.textContent('#pay')).toBe('Pay KES 150');
    const phone = payingPhone();
    await pay(page, phone);
    const waiting = await statusShown(page, 'pending', 5_000);
    expect(waiting.title).toBe('Check your phone');
    expect(waiting.detail).toBe(
      `Enter your M-Pesa PIN on 254${phone.slice(1, 4)}***${phone.slice(-3)} to pay KES 150.`,
    );
    await page.screenshot({ path: artifact('link-375-en-pending'), fullPage: true });
    const done = await statusShown(page, 'completed');
    expect(done.title).toBe('Paid');
    expect(done.detail).toMatch(/^KES 150 received\. M-Pesa receipt [A-Z0-9]{10}\.$/);
    expect(await page.textContent('#payment')).toContain('Reference INV-1');
    expect(await page.evaluate(horizontalOverflow, 'main, main *')).toEqual({
      page: { scrollWidth: 375, clientWidth: 375 },
      elements: [],
    });
    await page.screenshot({ path: artifact('link-375-en-paid'), fullPage: true });

    // A reload after paying still shows the outcome (the session is kept for this tab).
    await page.reload();
    expect((await statusShown(page, 'completed', 5_000)).title).toBe('Paid');
  });

  it('when the customer cancels the prompt, then the page says so and "Try again" sends a new prompt with the same reference', async () => {
    const link = await createLink({ title: 'Cancelled order', amount: 20, referenceTemplate: 'C-{n}' });
    const page = await openPage(link.url);
    await pay(page, '0700000001');
    const cancelled = await statusShown(page, 'cancelled');
    expect(cancelled).toEqual({ title: 'Payment cancelled', detail: en.cancelledDetail });
    await page.screenshot({ path: artifact('link-375-en-cancelled'), fullPage: true });
    await page.click('#again');
    await pay(page, payingPhone());
    expect((await statusShown(page, 'completed')).title).toBe('Paid');
    expect(await page.textContent('#payment')).toContain('Reference C-1');
  });

  it('when the customer enters a wrong PIN, then the page says "Wrong PIN" and offers to try again', async () => {
    const link = await createLink({ title: 'Wrong PIN', amount: 20 });
    const page = await openPage(link.url);
    await pay(page, '0700000004');
    expect(await statusShown(page, 'failed')).toEqual({ title: 'Wrong PIN', detail: en.wrongPinDetail });
    expect(await page.isVisible('#again')).toBe(true);
  });

  it('when the link has expired, then the page says so and shows no Pay button', async () => {
    const link = await createLink({
      title: 'Old',
      amount: 20,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const db = server.database();
    await db.run(
      db.qb
        .updateTable('PaymentLink')
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where('id', '=', link.id),
    );
    const page = await openPage(link.url);
    expect(await page.textContent('h1')).toBe(en.expiredLink);
    expect(await page.isVisible('#pay')).toBe(false);
  });

  it('when a single-use link has been paid, then the next visitor is told it is used up', async () => {
    const link = await createLink({ title: 'One seat', amount: 20, maxUses: 1 });
    const first = await openPage(link.url);
    await pay(first, payingPhone());
    await statusShown(first, 'completed');
    const second = await openPage(link.url);
    expect(await second.textContent('h1')).toBe(en.usedUpLink);
    expect(await second.isVisible('#pay')).toBe(false);
  });

  it('when the prompt\'s receipt is one a walk-in PayBill payment already holds (the request is linked by paidAs), then the page shows "Paid" and a way back to the merchant', async () => {
    const body = accountBody({ shortcode: '600317' });
    const account = await merchant({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
    expect(account.status).toBe(201);
    const accountId = account.data.account.id as string;
    const c2b = await merchant({
      method: 'POST',
      path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
      body: { version: 'v2' },
    });
    expect(c2b.status).toBeLessThan(300);
    const link = await createLink({
      title: 'Linked order',
      amount: 45,
      account: accountId,
      redirectUrl: 'https://shop.example/thanks',
    });
    const page = await openPage(link.url);
    // The simulator accepts this phone's prompt and never answers: the test plays Safaricom.
    await pay(page, '0700000005');
    await statusShown(page, 'pending', 5_000);
    const walkIn = await axios.post(`${server.url}/simulator/__simulator/c2b/payments`, {
      shortCode: '600317',
      msisdn: '254712345678',
      consumerKey: body.consumerKey,
      amount: 45,
      billRefNumber: 'NO-SUCH-ORDER',
    });
    expect(walkIn.status).toBe(200);
    const [request] = (await merchant({ method: 'GET', path: `/api/v1/payment-links/${link.id}/payments` }))
      .data.data as Array<{ id: string; checkoutRequestId: string }>;
    const callback = await postCallback(
      server.url,
      server.callbackPath(request!.id),
      successCallback(request!.checkoutRequestId, 45, walkIn.data.transId),
    );
    expect(callback.status).toBe(200);

    // The request keeps its status (pending): the page reads its link, not its status.
    await page.waitForSelector('#status-title.paid', { timeout: 10_000 });
    expect(await page.textContent('#status-title')).toBe(en.paidTitle);
    expect(await page.textContent('#status-detail')).toBe('KES 45 received.');
    expect(await page.getAttribute('#continue', 'href')).toBe('https://shop.example/thanks');
    expect(await page.isVisible('.spinner')).toBe(false);
  });

  it('when the customer types an amount outside the range, then the page refuses it and no prompt is sent', async () => {
    const link = await createLink({ title: 'Harambee', minAmount: 50, maxAmount: 5000 });
    const page = await openPage(link.url);
    expect(await page.textContent('#amount-hint')).toBe('From KES 50 to KES 5,000');
    await pay(page, payingPhone(), 10);
    await page.waitForSelector('#form-error');
    expect(await page.textContent('#form-error')).toBe('Enter a whole amount from KES 50 to KES 5,000');
    const payments = await merchant({ method: 'GET', path: `/api/v1/payment-links/${link.id}/payments` });
    expect(payments.data.data).toEqual([]);
    await pay(page, payingPhone(), 75);
    expect((await statusShown(page, 'completed')).detail).toMatch(/^KES 75 received/);
  });

  it(`when one phone has had ${PER_PHONE} prompts, then the next Pay is refused with how long to wait`, async () => {
    const link = await createLink({ title: 'Bombed', amount: 10 });
    const target = '0799000001';
    for (let i = 0; i < PER_PHONE; i++) {
      const answer = await axios.post(`${server.url}/api/v1/checkout/links/${link.slug}/pay`, {
        phone: target,
      });
      expect(answer.status).toBe(201);
    }
    const page = await openPage(link.url);
    await pay(page, target);
    await page.waitForSelector('#form-error');
    expect(await page.textContent('#form-error')).toMatch(
      /^Too many payment prompts\. Try again in \d+ seconds\.$/,
    );
  });
});

describe('English and Swahili', () => {
  /** The visible text of the page: no {placeholder} left, and each string of the language's table that it shows. */
  const visibleText = (page: Page) =>
    page.evaluate(
      () => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText,
    );

  it('when the browser prefers Swahili, then the page is in Swahili; switching language changes every string', async () => {
    const link = await createLink({ title: 'Mboga', minAmount: 50, maxAmount: 500 });
    const page = await openPage(link.url, { locale: 'sw-KE' });
    expect(await page.getAttribute('html', 'lang')).toBe('sw');
    expect(await page.textContent('label[for="phone"]')).toBe(sw.phone);
    expect(await page.textContent('#test-banner')).toBe(sw.testBanner);
    expect(await page.textContent('#pay')).toBe(sw.payAmount);
    await page.click('button.lang[lang="en"]');
    expect(await page.textContent('label[for="phone"]')).toBe(en.phone);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.click('button.lang[lang="sw"]');
    await pay(page, '0700000004', 60);
    expect(await statusShown(page, 'failed')).toEqual({ title: sw.wrongPinTitle, detail: sw.wrongPinDetail });
    expect(await visibleText(page)).not.toMatch(/[{}]/);
    await page.click('#again');
    await pay(page, payingPhone());
    const paid = await statusShown(page, 'completed');
    expect(paid.title).toBe(sw.paidTitle);
    expect(paid.detail).toMatch(/^KES 60 imepokelewa\. Risiti ya M-Pesa [A-Z0-9]{10}\.$/);
    expect(await visibleText(page)).not.toMatch(/[{}]/);
  });

  it('when every string is filled in, then both tables have the same keys, the same {values}, and no empty text', () => {
    expect(Object.keys(sw).sort()).toEqual(Object.keys(en).sort());
    const values = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect([key, values(sw[key])]).toEqual([key, values(en[key])]);
      expect(sw[key].trim()).not.toBe('');
    }
  });

  it('when the page is shown at 320, 375 and 1280 px in both languages, then nothing scrolls sideways (screenshots in artifacts/)', async () => {
    const link = await createLink({
      title: 'Mchango wa harusi ya Wanjiku na Otieno',
      description: 'Michango yote inakaribishwa',
      minAmount: 100,
      maxAmount: 100000,
    });
    for (const locale of ['en-KE', 'sw-KE'])
      for (const width of [320, 375, 1280]) {
        const page = await openPage(link.url, { width, locale });
        expect([width, await page.evaluate(horizontalOverflow, 'main, main *')]).toEqual([
          width,
          { page: { scrollWidth: width, clientWidth: width }, elements: [] },
        ]);
        await page.screenshot({
          path: artifact(`checkout-page-${locale.slice(0, 2)}-${width}`),
          fullPage: true,
        });
      }
  });
});

describe('accessibility (axe-core)', () => {
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  interface AxeViolation {
    id: string;
    impact: string | null;
    nodes: Array<{ target: string[] }>;
  }
  async function seriousViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ content: axeSource });
    const violations = (await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as { axe: { run: (root: unknown) => Promise<{ violations: unknown[] }> } }
      ).axe;
      return (await axe.run((globalThis as unknown as { document: unknown }).document)).violations;
    })) as AxeViolation[];
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
  }

  it('when the form, an error, a payment and a closed link are shown, in both languages, then axe finds nothing serious or critical', async () => {
    const link = await createLink({
      title: 'Axe',
      minAmount: 50,
      maxAmount: 500,
      referenceLabel: 'House number',
    });
    for (const locale of ['en-KE', 'sw-KE']) {
      // bypassCSP: only so that the test can inject axe; the page itself allows no inline script.
      const page = await openPage(link.url, { locale, bypassCSP: true });
      expect(await seriousViolations(page)).toEqual([]);
      await pay(page, 'not a phone', 10);
      await page.waitForSelector('#form-error');
      expect(await seriousViolations(page)).toEqual([]);
      await page.fill('#reference', 'B12');
      await pay(page, '0700000001', 60);
      await statusShown(page, 'cancelled');
      expect(await seriousViolations(page)).toEqual([]);
    }
    await merchant({ method: 'PATCH', path: `/api/v1/payment-links/${link.id}`, body: { disabled: true } });
    const closed = await openPage(link.url, { bypassCSP: true });
    expect(await seriousViolations(closed)).toEqual([]);
  });
});

describe('QR codes', () => {
  it('when the PNG QR code is decoded, then it is the link URL', async () => {
    const link = await createLink({ title: 'Poster', amount: 100 });
    const answer = await axios.get(`${link.url}/qr?format=png&width=256`, { responseType: 'arraybuffer' });
    expect(answer.headers['content-type']).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(answer.data as ArrayBuffer));
    // Whole pixels per module: the widest image of at most 256 px.
    expect(image.width).toBeLessThanOrEqual(256);
    expect(image.width).toBeGreaterThan(200);
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(decoded?.data).toBe(link.url);
  });

  it('when the SVG QR code is drawn by the browser and decoded, then it is the link URL', async () => {
    const link = await createLink({ title: 'Poster SVG', amount: 100 });
    const context = await browser.newContext({ viewport: { width: 600, height: 600 } });
    contexts.push(context);
    const page = await context.newPage();
    // Opened on its own, the SVG (a viewBox, no size) fills the 600 px window, as a print would.
    const svg = await page.goto(`${link.url}/qr`);
    expect(svg?.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    const shot = PNG.sync.read(await page.screenshot({ path: artifact('link-qr-svg-drawn') }));
    expect(jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data).toBe(link.url);
    fs.writeFileSync(
      path.join(path.dirname(artifact('x')), 'link-qr.svg'),
      (await axios.get(`${link.url}/qr`)).data,
    );
  });
});
