// The dashboard in Debian's Chromium against the real service: sign in; a payment made through
// the API appears live on the list and its page shows the callback; filter by receipt; export
// CSV and check its rows; replay a failed delivery to a receiver that now answers 200; a member
// cannot open another project's payment by URL; sign out. Every page is screenshotted at a
// laptop's and a phone's width (artifacts/dashboard-*.png), none scrolls sideways at 375 px, and
// axe-core finds no serious or critical violation on any of them.
import fs from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createProject, merchantClient, type MerchantRequest, type ProjectKeys } from '../helpers/merchant';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { eventually } from '../helpers/realtime';
import { artifact, horizontalOverflow, launchChromium } from './chromium';
import { seriousViolations } from './axe';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shop: ProjectKeys;
let signed: MerchantRequest;
let receiver: WebhookReceiver;
let receiverAnswers = 500;
let paymentId = '';
let receipt = '';
let phone = '';

const WIDTHS = [1280, 375] as const;

beforeAll(async () => {
  // One retry 100 ms after the first attempt, then the delivery is failed: quick to reach.
  server = await startTestServer({ WEBHOOK_RETRY_SCHEDULE: '100ms', WEBHOOK_POLL_INTERVAL_MS: '50' });
  browser = await launchChromium();
  shop = await createProject(server.url, server.adminToken, 'Duka la Mama');
  signed = merchantClient(server.url, shop);
  receiver = await startWebhookReceiver(() => receiverAnswers);
  const endpoint = await signed({
    method: 'POST',
    path: '/api/v1/webhook-endpoints',
    body: { url: receiver.url },
  });
  expect(endpoint.status).toBe(201);
  await createDashboardUser(server, { email: 'owner@shop.example', password: PASSWORD, name: 'Amina' });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await receiver?.close();
  await server?.close();
});

/** Screenshots of the page as it is now, at both widths; at 375 px nothing may scroll sideways. */
async function screenshots(target: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await target.setViewportSize({ width, height: 900 });
    await target.waitForTimeout(150);
    if (width === 375) {
      const overflow = await target.evaluate(horizontalOverflow, 'main *, header *');
      expect({ name, ...overflow.page, elements: overflow.elements }).toEqual({
        name,
        scrollWidth: overflow.page.clientWidth,
        clientWidth: overflow.page.clientWidth,
        elements: [],
      });
    }
    await target.screenshot({ path: artifact(`dashboard-${name}-${width}`), fullPage: true });
  }
  await target.setViewportSize({ width: 1280, height: 900 });
  expect({ name, violations: await seriousViolations(target) }).toEqual({ name, violations: [] });
}

const base = () => `${server.url}/dashboard/#/p/${shop.projectId}/test`;

describe('when the operator uses the dashboard', () => {
  it('then GET / leads to the sign-in page, and signing in shows the overview', async () => {
    await page.goto(`${server.url}/`);
    expect(page.url()).toBe(`${server.url}/dashboard/`);
    await page.getByLabel('Email').waitFor();
    await screenshots(page, 'sign-in');
    await page.getByLabel('Email').fill('owner@shop.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(page.url()).toContain(`#/p/${shop.projectId}/test/overview`);
  });

  it('then a payment made through the API appears on the list live, and settles there', async () => {
    await page.goto(`${base()}/payments`);
    await page.locator('.live.on').waitFor();
    const started = await signed({
      method: 'POST',
      path: '/api/v1/test-payments',
      body: { outcome: 'paid', amount: 2500, accountReference: 'ORDER-77' },
    });
    expect(started.status).toBe(201);
    paymentId = started.data.transaction.id;
    phone = started.data.transaction.phone;
    const row = page.locator(`li[data-id="${paymentId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.locator('.badge-completed').waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('KES 2,500');
    const stored = await signed({ method: 'GET', path: `/api/v1/transactions/${paymentId}` });
    receipt = stored.data.transaction.mpesaReceiptNumber;
    expect(receipt).toMatch(/^[A-Z0-9]{10}$/);
    await screenshots(page, 'payments');
  });

  it("then the payment's page shows Safaricom's callback, phone masked, and the timeline", async () => {
    await page.locator(`li[data-id="${paymentId}"] a`).click();
    await page.getByRole('heading', { name: /KES 2,500/ }).waitFor();
    const callback = page.locator('.callback pre').first();
    await callback.waitFor();
    const body = (await callback.textContent()) ?? '';
    expect(body).toContain('"ResultCode": 0');
    expect(body).toContain(receipt);
    expect(body).not.toContain(phone);
    expect(await page.locator('.timeline').textContent()).toContain('callback');
    await screenshots(page, 'payment');
  });

  it('then filtering by receipt finds that payment alone, and the CSV export has its row', async () => {
    await signed({
      method: 'POST',
      path: '/api/v1/test-payments',
      body: { outcome: 'cancelled', amount: 10 },
    });
    await page.goto(`${base()}/payments`);
    await page.getByLabel('Receipt').fill(receipt.toLowerCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(
      async () => page.locator('.payments li[data-id]').count(),
      (count) => count === 1,
    );
    expect(await page.locator('.payments li[data-id]').getAttribute('data-id')).toBe(paymentId);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,createdAt,status,amount,amountPaid,phone,accountReference,description,mpesaReceiptNumber,failureCode,resultCode,resultDesc,settledAt,settledBy,checkoutRequestId,origin',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]!.split(',').slice(2, 5)).toEqual(['completed', '2500', '2500']);
    expect(lines[1]).toContain(receipt);
  });

  it('then a failed delivery is replayed to the receiver that now answers 200', async () => {
    const failed = await eventually(
      async () =>
        (await signed({ method: 'GET', path: '/api/v1/events?limit=50' })).data.data as { id: string }[],
      (events) => events.length > 0,
    );
    expect(failed.length).toBeGreaterThan(0);
    await page.goto(`${base()}/webhooks`);
    await eventually(
      async () => {
        await page.reload();
        await page.getByRole('heading', { name: 'Recent failures' }).waitFor();
        await page.waitForTimeout(300);
        return page.locator('.deliveries li').count();
      },
      (count) => count > 0,
      15_000,
    );
    await screenshots(page, 'webhooks');
    receiverAnswers = 200;
    const before = receiver.accepted().size;
    await page.locator('.deliveries li').first().getByRole('button', { name: 'Replay' }).click();
    await page.getByText('Replay: done').waitFor();
    await receiver.waitForAccepted(before + 1);
  });

  it('then the projects, users, playground and overview pages render at both widths', async () => {
    await page.goto(`${base()}/projects`);
    await page.getByRole('heading', { name: 'Projects & keys' }).waitFor();
    // Rotating a key pair asks first, then shows the new secret once, with a copy button.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate live keys' }).click();
    const shown = page.locator('.shown-once');
    await shown.waitFor();
    expect(await shown.locator('code').textContent()).toMatch(/^sk_live_/);
    expect(await shown.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    await screenshots(page, 'projects');
    await page.goto(`${base()}/users`);
    await page.locator('.users li').first().waitFor();
    await screenshots(page, 'users');
    await page.goto(`${base()}/playground`);
    await page.getByLabel('What the customer does').selectOption('wrong-pin');
    await page.getByRole('button', { name: 'Start payment' }).click();
    await page.locator('.big .badge-failed').waitFor({ timeout: 15_000 });
    expect(await page.locator('.big').textContent()).toContain('wrong M-Pesa PIN');
    await screenshots(page, 'playground');
    await page.goto(`${base()}/overview`);
    // The failure reasons' chart (the overview also charts volume and success rate over time).
    await page.getByRole('img', { name: 'Failure reasons, as a bar chart' }).waitFor();
    expect(await page.locator('.numbers').first().textContent()).toContain('KES 2,500');
    await screenshots(page, 'overview');
  });

  it("then a payment link is made on its page, its QR code downloads and decodes to it, and a customer's payment appears", async () => {
    await page.goto(`${base()}/links`);
    await page.getByLabel('What is paid for').fill('Chai na mandazi');
    await page.getByLabel('Amount (KES)').fill('120');
    await page.getByLabel(/^Reference/).fill('CHAI-{n}');
    await page.getByRole('button', { name: 'Create link' }).click();
    const url = (await page.locator('a.link-url').first().textContent())!;
    expect(url).toMatch(new RegExp(`^${server.url}/l/[a-z2-9]{8}$`));
    await page.waitForFunction(() =>
      [
        ...(
          globalThis as unknown as {
            document: { images: Iterable<{ complete: boolean; naturalWidth: number }> };
          }
        ).document.images,
      ].every((image) => image.complete && image.naturalWidth > 0),
    );
    // The download link's own answer: an attachment, as the browser saves it.
    const href = (await page.getByText('PNG', { exact: true }).getAttribute('href'))!;
    const saved = await fetch(new URL(href, page.url()));
    expect(saved.headers.get('content-disposition')).toMatch(/^attachment; filename="[a-z2-9]{8}\.png"$/);
    const png = PNG.sync.read(Buffer.from(await saved.arrayBuffer()));
    expect(png.width).toBeGreaterThan(900);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(url);
    await screenshots(page, 'links');

    // A customer pays on the link's page (its public API); the payment shows on the card, live.
    const slug = url.split('/').pop()!;
    const paid = await fetch(`${server.url}/api/v1/checkout/links/${slug}/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: '0712345678' }),
    });
    expect(paid.status).toBe(201);
    await page.locator('table.link-payments td', { hasText: 'CHAI-1' }).waitFor({ timeout: 10_000 });
    await page.locator('table.link-payments .badge-completed').waitFor({ timeout: 10_000 });
  });

  it("then a member of another project cannot open this project's payment by its URL", async () => {
    const theirs = await createProject(server.url, server.adminToken, 'Other shop');
    await createDashboardUser(server, {
      email: 'member@other.example',
      password: PASSWORD,
      role: 'member',
      projectIds: [theirs.projectId],
    });
    const memberContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const member = await memberContext.newPage();
      await member.goto(`${server.url}/dashboard/`);
      await member.getByLabel('Email').fill('member@other.example');
      await member.getByLabel('Password').fill(PASSWORD);
      await member.getByRole('button', { name: 'Sign in' }).click();
      await member.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(member.url()).toContain(theirs.projectId);
      await member.goto(`${base()}/payments/${paymentId}`);
      await member.getByRole('alert').waitFor();
      expect(await member.getByRole('alert').textContent()).toContain('project_not_found');
      expect(await member.content()).not.toContain('KES 2,500');
      await member.screenshot({ path: artifact('dashboard-member-refused-1280') });
    } finally {
      await memberContext.close();
    }
  });

  it('then signing out ends the session', async () => {
    await page.goto(`${base()}/overview`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').waitFor();
    const after = await page.request.get(`${server.url}/api/v1/dashboard/session`);
    expect(after.status()).toBe(401);
    await page.goto(`${base()}/payments`);
    await page.getByLabel('Email').waitFor();
  });
});
