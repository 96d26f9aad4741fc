// The API reference at /docs in a real browser, at a phone's, a tablet's and a laptop's width:
// no field table or code sample is clipped or scrolls sideways, the page itself never scrolls
// sideways, and webhook entries say how they are signed. Its script: the search box finds an
// operation and an error code, a copy button copies, a sample tab switches the language; signed
// in to the dashboard, the samples carry the project's test public key and "Try it" sends a
// test-mode request through the session and shows the answer and the events it caused.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { createProject, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { artifact, horizontalOverflow, launchChromium } from './chromium';

let server: TestServer;
let browser: Browser;
let shop: ProjectKeys;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  shop = await createProject(server.url, server.adminToken, 'Duka la Docs');
  await createDashboardUser(server, {
    email: 'reader@shop.example',
    password: PASSWORD,
    role: 'member',
    projectIds: [shop.projectId],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openDocs(width: number, context?: BrowserContext): Promise<Page> {
  const page = await (context ?? browser).newPage({ viewport: { width, height: 900 } });
  await page.goto(`${server.url}/docs`);
  // The script has read the session (or found none) and set everything up.
  await page.waitForSelector('body[data-reference-ready]');
  return page;
}

/** A browser whose dashboard session is signed in as the project's member (the cookie in its jar). */
async function signedInContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const response = await context.request.post(`${server.url}/api/v1/dashboard/session`, {
    data: { email: 'reader@shop.example', password: PASSWORD },
    headers: { Origin: server.url },
  });
  expect(response.status()).toBe(201);
  return context;
}

const sample = (page: Page, operationId: string, language: string) =>
  page.locator(`[id="sample-${operationId}-${language}"]`);

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
      // No element screenshot: on this page (hundreds of operations) Playwright's wait for a still
      // box timed out on loaded machines; the page screenshot above is the artifact.
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
    } finally {
      await page.close();
    }
  });
});

describe('when a reader searches /docs', () => {
  it('then typing part of an operation finds it, and following the result shows it', async () => {
    const page = await openDocs(1280);
    try {
      await page.getByLabel('Search operations, fields, error codes').fill('stk push');
      const first = page.locator('#search-results a').first();
      expect(await first.textContent()).toContain('Start an STK Push');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#op-initiateTransaction$/);
      expect(await page.locator('[id="op-initiateTransaction"]').isVisible()).toBe(true);
      await page.screenshot({ path: artifact('docs-search-operation') });
    } finally {
      await page.close();
    }
  });

  it('then an error code is found and leads to its row in the error table', async () => {
    const page = await openDocs(1280);
    try {
      await page.getByLabel('Search operations, fields, error codes').fill('signature_expired');
      const result = page.locator('#search-results a').first();
      expect(await result.textContent()).toMatch(/error code.*signature_expired.*HTTP 401/);
      await result.click();
      await page.waitForURL(/#error-signature_expired$/);
      const row = page.locator('[id="error-signature_expired"]');
      expect(await row.isVisible()).toBe(true);
      expect(await row.textContent()).toContain('signature_expired');
    } finally {
      await page.close();
    }
  });

  it('then a field is found too, and nonsense finds nothing', async () => {
    const page = await openDocs(1280);
    try {
      const search = page.getByLabel('Search operations, fields, error codes');
      await search.fill('mpesaReceiptNumber');
      expect(await page.locator('#search-results').textContent()).toContain('Transaction.mpesaReceiptNumber');
      await search.fill('zzz-no-such-thing');
      expect(await page.locator('#search-results').textContent()).toBe('Nothing matches');
    } finally {
      await page.close();
    }
  });
});

describe('when a reader uses the samples on /docs', () => {
  it('then a copy button copies the code, with this server in it', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await openDocs(1280, context);
    try {
      const curl = sample(page, 'initiateTransaction', 'curl');
      await curl.getByRole('button', { name: 'Copy code' }).click();
      await curl.locator('button.copy', { hasText: 'Copied' }).waitFor();
      const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
      expect(copied).toBe(await curl.locator('code').textContent());
      expect(copied).toContain(`curl -sS --fail-with-body -X POST "${server.url}$P"`);
      expect(copied).toContain('openssl dgst -sha256 -hmac "$SECRET_KEY"');
      // Every code block has one, not only the samples.
      const blocks = await page.locator('main pre').count();
      expect(await page.locator('main pre > button.copy').count()).toBe(blocks);
    } finally {
      await context.close();
    }
  });

  it('then choosing a language shows it in every operation, and only it', async () => {
    const page = await openDocs(1280);
    try {
      expect(await sample(page, 'initiateTransaction', 'curl').isVisible()).toBe(true);
      expect(await sample(page, 'initiateTransaction', 'python').isVisible()).toBe(false);
      const tab = page.locator('[id="sample-initiateTransaction-python-tab"]');
      await tab.click();
      expect(await tab.getAttribute('aria-selected')).toBe('true');
      expect(await sample(page, 'initiateTransaction', 'python').isVisible()).toBe(true);
      expect(await sample(page, 'initiateTransaction', 'curl').isVisible()).toBe(false);
      expect(await sample(page, 'getTransaction', 'python').isVisible()).toBe(true);
      expect(await sample(page, 'initiateTransaction', 'python').textContent()).toContain(
        'mpesa.transactions.initiate(',
      );
      // Remembered: the next visit opens in Python.
      await page.reload();
      await page.waitForSelector('body[data-reference-ready]');
      expect(await sample(page, 'listTransactions', 'python').isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('then, signed out, the samples say where the public key goes and how to get it filled in', async () => {
    const page = await openDocs(1280);
    try {
      expect(await sample(page, 'initiateTransaction', 'curl').textContent()).toContain(
        'PUBLIC_KEY=pk_test_YOUR_PUBLIC_KEY',
      );
      expect(await page.locator('#reader').textContent()).toContain('Sign in to the dashboard');
      expect(await page.locator('[data-operation="initiateTransaction"].try-it').textContent()).toContain(
        'sign in to the dashboard',
      );
    } finally {
      await page.close();
    }
  });
});

describe('when a reader signed in to the dashboard opens /docs', () => {
  it("then every sample carries the project's test public key, and never a secret", async () => {
    const context = await signedInContext();
    const page = await openDocs(1280, context);
    try {
      expect(await page.locator('#reader').textContent()).toContain('Signed in as reader@shop.example');
      for (const language of ['curl', 'node', 'python', 'php']) {
        const text = (await sample(page, 'listTransactions', language).textContent()) ?? '';
        expect({ language, hasKey: text.includes(shop.publicKey) }).toEqual({ language, hasKey: true });
        expect(text).not.toContain('pk_test_YOUR_PUBLIC_KEY');
        expect(text).toContain('SECRET_KEY');
      }
      expect(await page.content()).not.toContain(shop.secretKey);
      await page.locator('#reader').screenshot({ path: artifact('docs-reader') });
    } finally {
      await context.close();
    }
  });

  it('then "Try it" starts a test payment through the session and shows the answer and the events it caused', async () => {
    const context = await signedInContext();
    const page = await openDocs(1280, context);
    const sent: Record<string, string>[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/test-payments')) sent.push(request.headers());
    });
    try {
      const tryIt = page.locator('[data-operation="createTestPayment"].try-it');
      await tryIt.getByText('Try it (test mode)').click();
      const body = tryIt.getByLabel('Body (JSON)');
      expect(JSON.parse(await body.inputValue())).toEqual({ outcome: 'paid', amount: 10 });
      await tryIt.getByRole('button', { name: 'Send POST in test mode' }).click();
      await tryIt.locator('.try-status').waitFor();
      expect(await tryIt.locator('.try-status').textContent()).toMatch(/^201/);
      const answer = JSON.parse((await tryIt.locator('.try-answer code').textContent()) ?? '') as {
        transaction: { id: string; status: string };
      };
      expect(answer.transaction.id).toMatch(/^txn_/);
      // The events of that payment appear as the simulated customer pays.
      await tryIt.locator('ul.events', { hasText: 'transaction.completed' }).waitFor({ timeout: 15_000 });
      expect(await tryIt.locator('ul.events').textContent()).not.toContain('transaction.failed');
      await tryIt.locator('.try-status').scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifact('docs-try-it') });

      // Sent as the session (no signature), in test mode, with the CSRF token.
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ 'x-mode': 'test', 'x-project-id': shop.projectId });
      expect(sent[0]!['x-csrf-token']).toMatch(/.+/);
      expect(sent[0]!['x-signature']).toBeUndefined();
      // The payment is the project's, in test mode: its test keys read it back, completed.
      const read = await merchantClient(
        server.url,
        shop,
      )({
        method: 'GET',
        path: `/api/v1/transactions/${answer.transaction.id}`,
      });
      expect(read.status).toBe(200);
      expect((read.data as { transaction: { status: string } }).transaction.status).toBe('completed');
    } finally {
      await context.close();
    }
  });

  it('then "Try it" shows an error answer as it came', async () => {
    const context = await signedInContext();
    const page = await openDocs(1280, context);
    try {
      const tryIt = page.locator('[data-operation="getTransaction"].try-it');
      await tryIt.getByText('Try it (test mode)').click();
      await tryIt.getByLabel('id (path)').fill('txn_doesnotexist');
      await tryIt.getByRole('button', { name: 'Send GET in test mode' }).click();
      await tryIt.locator('.try-status').waitFor();
      expect(await tryIt.locator('.try-status').textContent()).toMatch(/^404/);
      expect(await tryIt.locator('.try-answer').textContent()).toContain('transaction_not_found');
    } finally {
      await context.close();
    }
  });
});
