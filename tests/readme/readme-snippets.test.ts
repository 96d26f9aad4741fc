// The snippets of the README and the pages it leads to, run as a newcomer runs them, against a
// real server: the first payment's shell (create a project, keep its keys; a signed initiate and
// a signed GET with curl + openssl), signing with Node (as an .mjs file, docs/api.md), the project
// stream (docs/realtime.md), the TypeScript webhook receiver compiled with `tsc --strict` and
// receiving a real signed webhook (docs/webhooks.md), the simulator's counters (docs/simulator.md),
// and installing the SDK from a clone (sdk/README.md). A snippet that stops working fails here,
// so the documentation cannot drift from the code again.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/dockerfile/image-start';
import { createProject, initiateBody, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { block, onPort, readmeBlocks, ROOT } from './readme-blocks';

const run = promisify(execFile);
const blocks = readmeBlocks();
const SLOW_MS = 120_000;

let server: TestServer;
let home: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startTestServer();
  // The folder `npm run demo` runs in: data/demo/admin-token is where it keeps the generated token.
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  fs.mkdirSync(path.join(home, 'data', 'demo'), { recursive: true });
  fs.writeFileSync(path.join(home, 'data', 'demo', 'admin-token'), `${server.adminToken}\n`, {
    mode: 0o600,
  });
});
afterAll(async () => {
  children.forEach((child) => child.kill('SIGKILL'));
  await server.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const port = () => Number(new URL(server.url).port);
const shellEnv = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? home,
  ...extra,
});

/** Runs a shell block with bash, stopping at the first failing command, as a reader's terminal would show it. */
async function shell(code: string, env: Record<string, string> = {}, cwd = home): Promise<string> {
  const { stdout } = await run('bash', ['-e', '-o', 'pipefail', '-c', code], {
    cwd,
    env: shellEnv(env),
    maxBuffer: 10_000_000,
  });
  return stdout;
}

let quickStartKeys: Promise<{ PUBLIC_KEY: string; SECRET_KEY: string }> | undefined;
/** The keys the first payment's shell block leaves in PUBLIC_KEY and SECRET_KEY. */
function keysFromQuickStart() {
  quickStartKeys ??= shell(
    `${onPort(block(blocks, 'create-project').code, port())}\nprintf 'PUBLIC_KEY=%s\\nSECRET_KEY=%s\\n' "$PUBLIC_KEY" "$SECRET_KEY"`,
  ).then((out) => ({
    PUBLIC_KEY: /^PUBLIC_KEY=(.*)$/m.exec(out)?.[1] ?? '',
    SECRET_KEY: /^SECRET_KEY=(.*)$/m.exec(out)?.[1] ?? '',
  }));
  return quickStartKeys;
}

describe('when a newcomer follows the first payment', () => {
  it('then creating a project leaves working keys in PUBLIC_KEY and SECRET_KEY', async () => {
    const keys = await keysFromQuickStart();
    expect(keys.PUBLIC_KEY).toMatch(/^pk_/);
    expect(keys.SECRET_KEY).toMatch(/^sk_/);
    const signed = merchantClient(server.url, {
      projectId: '',
      publicKey: keys.PUBLIC_KEY,
      secretKey: keys.SECRET_KEY,
    });
    expect((await signed({ method: 'GET', path: '/api/v1/transactions' })).status).toBe(200);
  });

  // The GET below reads the answer.json this initiate leaves, as a newcomer's shell would: a second
  // initiate of the same bytes in the same second would be refused as a replay.
  const firstPaymentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-first-payment-'));
  afterAll(() => fs.rmSync(firstPaymentDir, { recursive: true, force: true }));

  it('then the curl + openssl signing example starts a payment', async () => {
    const out = await shell(
      onPort(block(blocks, 'sign-curl').code, port()),
      await keysFromQuickStart(),
      firstPaymentDir,
    );
    const answer = JSON.parse(out) as { transaction: { id: string; status: string }; clientSecret: string };
    expect(answer.transaction).toMatchObject({ id: expect.stringMatching(/^txn_/), status: 'pending' });
    expect(answer.clientSecret).toMatch(/^cs_/);
  });

  it('then the signed GET reads the payment back, completed with its receipt once the customer paid', async () => {
    const keys = await keysFromQuickStart();
    const started = JSON.parse(fs.readFileSync(path.join(firstPaymentDir, 'answer.json'), 'utf8')) as {
      transaction: { id: string };
    };
    type Read = {
      transaction?: {
        id: string;
        status: string;
        mpesaReceiptNumber: string | null;
        amountPaid: number | null;
      };
      error?: { code: string };
    };
    const read = async () =>
      JSON.parse(
        await shell(onPort(block(blocks, 'sign-curl-get').code, port()), keys, firstPaymentDir),
      ) as Read;
    // The simulator's customer pays after SIMULATOR_CALLBACK_DELAY_MS: read again until it settled. The
    // snippet signs with a whole-second timestamp, so a read in the same second as the last one is a replay
    // of the same bytes (refused, as it should be): the next read waits for the next second.
    const deadline = Date.now() + 15_000;
    let answer = await read();
    while (
      (answer.error?.code === 'signature_replayed' || answer.transaction?.status === 'pending') &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
      answer = await read();
    }
    expect(answer.transaction).toMatchObject({
      id: started.transaction.id,
      status: 'completed',
      mpesaReceiptNumber: expect.stringMatching(/^[A-Z0-9]{10}$/),
      amountPaid: 10,
    });
  });

  it('then the Node signing example, saved as initiate.mjs, runs and prints the answer', async () => {
    const snippet = block(blocks, 'sign-node');
    expect(snippet.language).toBe('js');
    fs.writeFileSync(path.join(home, 'initiate.mjs'), onPort(snippet.code, port()));
    const { stdout } = await run(process.execPath, ['initiate.mjs'], {
      cwd: home,
      env: shellEnv(await keysFromQuickStart()),
    });
    const [, status, json] = /^(\d{3}) (.*)$/m.exec(stdout) ?? [];
    expect(status).toBe('201');
    expect(JSON.parse(json!)).toMatchObject({
      transaction: { id: expect.stringMatching(/^txn_/), status: 'pending', amount: 10 },
      clientSecret: expect.stringMatching(/^cs_/),
    });
  });

  it('then the project stream example, saved as follow.mjs, prints a payment it did not start, through to its event', async () => {
    const snippet = block(blocks, 'project-stream');
    expect(snippet.language).toBe('js');
    // A reader runs it in their app, where socket.io-client is installed.
    if (!fs.existsSync(path.join(home, 'node_modules')))
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(home, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(home, 'follow.mjs'), onPort(snippet.code, port()));
    const keys = await keysFromQuickStart();
    const child = spawn(process.execPath, ['follow.mjs'], { cwd: home, env: shellEnv(keys) });
    children.push(child);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const printed = (pattern: RegExp, what: string) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`follow.mjs printed no ${what}: ${out}`)), 15_000);
        const check = () => {
          const found = pattern.exec(out);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else setTimeout(check, 25);
        };
        check();
      });
    await printed(/^following$/m, 'connection');
    const signed = merchantClient(server.url, {
      projectId: '',
      publicKey: keys.PUBLIC_KEY,
      secretKey: keys.SECRET_KEY,
    });
    const started = await signed({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ accountReference: 'STREAM1' }),
    });
    expect(started.status).toBe(201);
    const id = started.data.transaction.id as string;
    await printed(new RegExp(`payment ${id} completed`), 'completion');
    await printed(/event transaction\.completed evt_/, 'event');
    await printed(/callback applied 127\.0\.0\.1/, 'callback');
    expect(out).toContain(`payment ${id} pending`);
    child.kill('SIGKILL');
  });

  it("then the simulator's counters answer at the path the simulator page gives", async () => {
    const out = await shell(onPort(block(blocks, 'simulator-stats').code, port()));
    const stats = JSON.parse(out) as Record<string, number>;
    expect(Object.keys(stats).sort()).toEqual([
      'accountBalanceQueries',
      'b2bRequests',
      'b2cRequests',
      'c2bConfirmationsSent',
      'c2bPayments',
      'c2bPaymentsCancelled',
      'c2bRegistrations',
      'c2bSimulations',
      'c2bValidationsSent',
      'callbacksSent',
      'nonEatTimestamps',
      'oauthCalls',
      'resultsSent',
      'reversalRequests',
      'stkPushes',
      'stkQueries',
      'stkQueryPeakPerSecond',
      'transactionStatusQueries',
    ]);
    expect(stats.stkPushes).toBeGreaterThanOrEqual(0);
  });
});

const RECEIVER_BUILD = 'npx tsc --strict --module nodenext --skipLibCheck receiver.ts';

describe('when a merchant builds the TypeScript webhook receiver from the webhooks page', () => {
  it(
    'then it compiles under --strict and accepts a real signed webhook, refusing a forged one',
    async () => {
      const snippet = block(blocks, 'webhook-receiver');
      expect(snippet.language).toBe('ts');
      expect(fs.readFileSync(path.join(ROOT, snippet.file), 'utf8')).toContain(`\`${RECEIVER_BUILD}\``);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-receiver-'));
      // The packages the page has the reader install, from this repository's node_modules.
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      fs.writeFileSync(path.join(dir, 'receiver.ts'), snippet.code);
      await run('bash', ['-c', RECEIVER_BUILD], { cwd: dir, env: shellEnv() });

      const merchant = merchantClient(server.url, await createProject(server.url, server.adminToken));
      const receiverPort = await freePort();
      const registered = await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: `http://localhost:${receiverPort}/webhooks/mpesa` },
      });
      expect(registered.status).toBe(201);
      const secret = registered.data.secret as string;

      const receiver = spawn(process.execPath, ['receiver.js'], {
        cwd: dir,
        env: shellEnv({ MPESA_BRIDGE_WEBHOOK_SECRET: secret, PORT: String(receiverPort) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(receiver);
      const printed = printedLines(receiver);
      await printed.line(/^listening on (.*)$/);

      const forged = await fetch(`http://localhost:${receiverPort}/webhooks/mpesa`, {
        method: 'POST',
        headers: {
          'webhook-id': 'evt_forged',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': 'v1,Zm9yZ2Vk',
        },
        body: '{"type":"transaction.completed"}',
      });
      expect(forged.status).toBe(400);

      const started = await merchant({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody(),
      });
      expect(started.status).toBe(201);
      const data = JSON.parse(await printed.line(/^transaction\.completed (.*)$/)) as {
        transaction: { id: string; status: string };
      };
      expect(data.transaction).toMatchObject({ id: started.data.transaction.id, status: 'completed' });
      receiver.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    SLOW_MS,
  );
});

describe("when an app installs the SDK the way the SDK's README says", () => {
  it(
    'then `npm pack` in the clone and `npm install` of the file give a working package, in both module systems',
    async () => {
      const snippet = block(blocks, 'sdk-install');
      // The one line a reader edits: where their clone is.
      expect(snippet.code).toMatch(/^MPESA_BRIDGE=~\/mpesa-bridge$/m);
      const app = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-app-'));
      fs.writeFileSync(
        path.join(app, 'package.json'),
        '{ "name": "my-shop", "version": "1.0.0", "private": true }\n',
      );
      await shell(snippet.code.replace(/^MPESA_BRIDGE=.*$/m, `MPESA_BRIDGE=${ROOT}`), {}, app);
      // The lines run are the ones the SDK's own README gives.
      expect(snippet.file).toBe('sdk/README.md');

      const keys: ProjectKeys = await createProject(server.url, server.adminToken);
      const use = `const { transactions } = createClient({ baseUrl: ${JSON.stringify(server.url)}, publicKey: ${JSON.stringify(keys.publicKey)}, secretKey: ${JSON.stringify(keys.secretKey)} });
        const page = await transactions.list(); console.log('listed', page.data.length);`;
      fs.writeFileSync(
        path.join(app, 'use.mjs'),
        `import { createClient } from '@mpesa-bridge/sdk';\n${use}\n`,
      );
      fs.writeFileSync(
        path.join(app, 'use.cjs'),
        `const { createClient } = require('@mpesa-bridge/sdk');\n(async () => { ${use} })();\n`,
      );
      for (const file of ['use.mjs', 'use.cjs']) {
        const { stdout } = await run(process.execPath, [file], { cwd: app, env: shellEnv() });
        expect(stdout.trim()).toBe('listed 0');
      }
      fs.rmSync(app, { recursive: true, force: true });
    },
    SLOW_MS,
  );
});

/** What a child prints, and a wait for the first line matching a pattern (its first group). */
function printedLines(child: ChildProcess) {
  let printed = '';
  const waiters: Array<() => void> = [];
  const append = (chunk: Buffer) => {
    printed += chunk.toString();
    waiters.splice(0).forEach((wake) => wake());
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return {
    line: (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        child.once('exit', (code) =>
          reject(new Error(`exited ${code} before printing ${pattern}: ${printed}`)),
        );
        const check = () => {
          const match = pattern.exec(printed.split('\n').find((line) => pattern.test(line)) ?? '');
          if (match) resolve(match[1] ?? match[0]);
          else waiters.push(check);
        };
        check();
      }),
  };
}
