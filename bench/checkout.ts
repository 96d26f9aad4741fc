// `npm run bench:checkout`: what the hosted checkout page costs a customer on a cheap phone. It
// builds the page, starts the service in simulator mode with a payment link, then prints
//   - the page's own bytes (HTML, script, style): raw, gzipped (as served to browsers that take
//     gzip) and over the wire as Chromium received them;
//   - the time until the page is usable (the link read, the Pay button enabled: "interactive")
//     in Debian's Chromium on throttled profiles: Lighthouse's mobile one (150 ms RTT,
//     1.6 Mbit/s down, CPU 4x slower) and DevTools' "Slow 3G"-like one (400 ms RTT, 400 kbit/s,
//     CPU 6x slower), each the median of RUNS cold loads.
// It prints figures; it asserts nothing (the browser tests hold the page's behaviour).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildCheckout } from '../checkout/build';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startService } from '../src/service';

const RUNS = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PROFILES = [
  { name: 'mobile (150 ms, 1.6 Mbit/s, CPU x4)', latency: 150, kbps: 1600, upKbps: 750, cpu: 4 },
  { name: 'slow 3G (400 ms, 400 kbit/s, CPU x6)', latency: 400, kbps: 400, upKbps: 400, cpu: 6 },
] as const;
const log = (message: string) => process.stdout.write(`[bench:checkout] ${message}\n`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const build = await buildCheckout();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-bench-checkout-'));
  const adminToken = `adm_${randomBytes(18).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    MPESA_ENVIRONMENT: 'simulator',
    PORT: '0',
    DATA_DIR: dataDir,
    MASTER_KEY: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'error',
  });
  const service = await startService(config, createLogger(config, true));
  try {
    const project = (await (
      await fetch(`${service.url}/api/v1/projects`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Mama Mboga Grocers' }),
      })
    ).json()) as { project: { id: string } };
    // The operator's session stands in for the signature (a bench needs no signing code).
    const link = await createLinkAsOperator(service.url, adminToken, project.project.id);

    const shell = await (await fetch(link.url)).text();
    const files = { 'HTML (/l/{slug})': Buffer.from(shell) } as Record<string, Buffer>;
    for (const name of ['page.js', 'page.css']) files[name] = fs.readFileSync(path.join(build, name));
    let raw = 0;
    let gzipped = 0;
    for (const [name, bytes] of Object.entries(files)) {
      const gz = gzipSync(bytes, { level: 9 }).length;
      raw += bytes.length;
      gzipped += gz;
      log(`${name.padEnd(18)} ${kb(bytes.length).padStart(9)} raw  ${kb(gz).padStart(8)} gzipped`);
    }
    log(
      `${'page, all'.padEnd(18)} ${kb(raw).padStart(9)} raw  ${kb(gzipped).padStart(8)} gzipped (aim: under 50 KB)`,
    );

    if (!fs.existsSync(CHROMIUM)) {
      log(`no Chromium at ${CHROMIUM}: time to interactive not measured (apt-get install -y chromium)`);
      return;
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    try {
      for (const profile of PROFILES) {
        const times: number[] = [];
        let wire = 0;
        for (let run = 0; run < RUNS; run++) {
          const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
          const page = await context.newPage();
          const cdp = await context.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
          await cdp.send('Network.emulateNetworkConditions', {
            offline: false,
            latency: profile.latency,
            downloadThroughput: (profile.kbps * 1000) / 8,
            uploadThroughput: (profile.upKbps * 1000) / 8,
          });
          await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
          let bytes = 0;
          cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
            bytes += event.encodedDataLength;
          });
          await page.goto(link.url, { waitUntil: 'commit' });
          await page.waitForSelector('#pay:not([disabled])', { timeout: 120_000 });
          times.push(
            await page.evaluate(() =>
              (globalThis as unknown as { performance: { now(): number } }).performance.now(),
            ),
          );
          wire = bytes;
          await context.close();
        }
        times.sort((a, b) => a - b);
        log(
          `${profile.name}: interactive after ${(times[Math.floor(RUNS / 2)]! / 1000).toFixed(2)} s (median of ${RUNS}; ` +
            `${(times[0]! / 1000).toFixed(2)}–${(times[RUNS - 1]! / 1000).toFixed(2)} s), ${kb(wire)} over the wire, Socket.io excluded`,
        );
      }
    } finally {
      await browser.close();
    }
  } finally {
    await service.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function createLinkAsOperator(
  url: string,
  adminToken: string,
  projectId: string,
): Promise<{ url: string }> {
  const email = 'bench@example.com';
  const password = 'bench password 1234';
  await fetch(`${url}/api/v1/dashboard/users`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, name: 'Bench', role: 'operator', projectIds: [] }),
  });
  const signIn = await fetch(`${url}/api/v1/dashboard/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: url },
    body: JSON.stringify({ email, password }),
  });
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const created = await fetch(`${url}/api/v1/payment-links`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Cookie: cookie,
      Origin: url,
      'X-CSRF-Token': csrfToken,
      'X-Project-Id': projectId,
      'X-Mode': 'test',
    },
    body: JSON.stringify({ title: 'Sukuma wiki', amount: 150 }),
  });
  if (created.status !== 201) throw new Error(`link not created: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { link: { url: string } }).link;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
