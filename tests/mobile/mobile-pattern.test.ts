// docs/mobile.md, checked: the SDK's browser entry bundles for a React Native-like target with no
// Node built-in in it, and the page's two blocks (the merchant's backend, the app's payment
// function) run as written: the backend against the real service in simulator mode, the app
// bundled the React Native way and run in a process of its own with only fetch and WebSocket.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import type { Express } from 'express';
import { createClient, type ClientTransaction, type MpesaBridgeClient } from '@mpesa-bridge/sdk';
import { block, readmeBlocks, ROOT } from '../readme/readme-blocks';
import { createProject } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { closedPortUrl } from '../sdk/sdk-client';
import { bundleForReactNative, nodeReferences } from './react-native-bundle';

const run = promisify(execFile);
const blocks = readmeBlocks(['docs/mobile.md']);
const APP_MS = 60_000;

describe('the browser entry, bundled for a React Native-like target', () => {
  it('when @mpesa-bridge/sdk/browser is bundled with no Node built-ins available, then it builds and references none', async () => {
    const bundle = await bundleForReactNative(path.join(ROOT, 'sdk', 'src', 'browser.ts'));
    expect(nodeReferences(bundle)).toEqual([]);
    // socket.io came in through the browser field's replacements (the platform's WebSocket).
    expect(bundle.inputs).toContain('node_modules/engine.io-client/build/esm/transports/websocket.js');
    expect(bundle.inputs).not.toContain(
      'node_modules/engine.io-client/build/esm/transports/websocket.node.js',
    );
    expect(bundle.code).toContain('subscribeToTransaction');
  });

  it('when a module imports a Node built-in, then the same bundle fails (the check can fail)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-control-'));
    try {
      const entry = path.join(dir, 'uses-node.js');
      fs.writeFileSync(entry, "import { createHmac } from 'node:crypto';\nexport const sign = createHmac;\n");
      await expect(bundleForReactNative(entry)).rejects.toThrow(/node:crypto/);
      // The SDK's server entry signs with node:crypto: it is for servers, and the bundle says so.
      await expect(bundleForReactNative(path.join(ROOT, 'sdk', 'src', 'index.ts'))).rejects.toThrow(/node:/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs/mobile.md: the app asks the backend, then follows the payment', () => {
  let server: TestServer;
  let backend: Server;
  let backendUrl: string;
  let work: string;
  let generated: string;
  let mpesa: MpesaBridgeClient;
  /** What the app asked the backend, to tell a payment followed over Socket.io from one polled. */
  const backendRequests: string[] = [];
  const statusPolls = (transactionId: string) =>
    backendRequests.filter((line) => line === `GET /payments/${transactionId}`).length;

  beforeAll(async () => {
    server = await startTestServer();
    const keys = await createProject(server.url, server.adminToken);
    mpesa = createClient({ baseUrl: server.url, publicKey: keys.publicKey, secretKey: keys.secretKey });
    // The blocks as written, in a folder under the repository so they resolve its packages (and
    // the SDK from its sources, as the other tests do).
    generated = fs.mkdtempSync(path.join(__dirname, '.doc-blocks-'));
    fs.writeFileSync(path.join(generated, 'backend.ts'), block(blocks, 'mobile-backend').code);
    fs.writeFileSync(path.join(generated, 'app.ts'), block(blocks, 'mobile-app').code);
    const { createPaymentsBackend } = (await import(path.join(generated, 'backend.ts'))) as {
      createPaymentsBackend: (client: MpesaBridgeClient) => Express;
    };
    backend = await new Promise<Server>((resolve) => {
      const listening = createPaymentsBackend(mpesa).listen(0, '127.0.0.1', () => resolve(listening));
    });
    backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    backend.on('request', (request: IncomingMessage) =>
      backendRequests.push(`${request.method} ${request.url}`),
    );

    // The app, bundled as for React Native, and a launcher giving it what React Native gives an
    // app: fetch (Node's) and a global WebSocket (the ws package's), nothing imported.
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mobile-app-'));
    const bundle = await bundleForReactNative(path.join(generated, 'app.ts'));
    expect(nodeReferences(bundle)).toEqual([]);
    fs.writeFileSync(path.join(work, 'app.mjs'), bundle.code);
    fs.writeFileSync(
      path.join(work, 'launch.mjs'),
      [
        "import { createRequire } from 'node:module';",
        `globalThis.WebSocket = createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))})('ws').WebSocket;`,
        "const { payWithMpesa } = await import('./app.mjs');",
        'const options = JSON.parse(process.argv[2]);',
        'const onStatus = (t) => console.log(JSON.stringify({ update: t.status }));',
        'try {',
        '  console.log(JSON.stringify({ final: await payWithMpesa({ ...options, onStatus }) }));',
        '} catch (error) {',
        '  console.log(JSON.stringify({ error: { code: error.code, status: error.status } }));',
        '}',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await new Promise((resolve) => backend?.close(resolve));
    await server?.close();
    fs.rmSync(generated, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it(
    'when the two blocks are compiled with tsc --strict, then they type-check against the SDK',
    () => {
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ['node'],
        baseUrl: ROOT,
        // The SDK from its sources, as in the repository's own tsconfig.json.
        paths: {
          '@mpesa-bridge/sdk': ['./sdk/src/index.ts'],
          '@mpesa-bridge/sdk/browser': ['./sdk/src/browser.ts'],
        },
      };
      const program = ts.createProgram(
        [path.join(generated, 'backend.ts'), path.join(generated, 'app.ts')],
        options,
      );
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(problems).toEqual([]);
    },
    APP_MS,
  );

  interface AppRun {
    updates: string[];
    final?: ClientTransaction;
    error?: { code: string; status?: number };
  }
  /** The app's process: it ends by itself once the payment is final (its socket closed, no timers left). */
  async function runApp(options: { serviceUrl: string; phone: string; amount: number }): Promise<AppRun> {
    const { stdout } = await run(
      process.execPath,
      [path.join(work, 'launch.mjs'), JSON.stringify({ backendUrl, ...options })],
      { cwd: work, timeout: APP_MS - 5_000 },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { update?: string; final?: ClientTransaction; error?: AppRun['error'] },
      );
    return {
      updates: lines.flatMap((line) => (line.update ? [line.update] : [])),
      final: lines.find((line) => line.final)?.final,
      error: lines.find((line) => line.error)?.error,
    };
  }

  it(
    'when the customer pays, then the app follows it over Socket.io to completed with the receipt, and the service holds the same payment',
    async () => {
      const result = await runApp({ serviceUrl: server.url, phone: '0712345678', amount: 10 });
      expect(result.error).toBeUndefined();
      expect(result.final).toMatchObject({ status: 'completed', amount: 10, currency: 'KES' });
      expect(result.final!.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
      expect(result.final!.phone).toMatch(/^254712\*\*\*678$/);
      expect(result.updates.at(-1)).toBe('completed');
      expect(statusPolls(result.final!.id)).toBe(0);
      const stored = await mpesa.transactions.get(result.final!.id);
      expect(stored).toMatchObject({
        status: 'completed',
        mpesaReceiptNumber: result.final!.mpesaReceiptNumber,
      });
    },
    APP_MS,
  );

  it(
    'when the customer cancels the prompt, then the app ends with cancelled and the reason',
    async () => {
      const result = await runApp({ serviceUrl: server.url, phone: '0700000001', amount: 10 });
      expect(result.final).toMatchObject({ status: 'cancelled', mpesaReceiptNumber: null });
      expect(result.final!.failure).not.toBeNull();
    },
    APP_MS,
  );

  it(
    "when the service's Socket.io is out of reach, then the app follows the payment through the backend's status route to completed",
    async () => {
      const result = await runApp({ serviceUrl: await closedPortUrl(), phone: '0712345678', amount: 10 });
      expect(result.error).toBeUndefined();
      expect(result.final).toMatchObject({ status: 'completed' });
      expect(statusPolls(result.final!.id)).toBeGreaterThan(0);
      expect((await mpesa.transactions.get(result.final!.id)).status).toBe('completed');
    },
    APP_MS,
  );

  it('when the phone number is not one M-Pesa takes, then the backend answers 400 and the app gets the error code', async () => {
    const result = await runApp({ serviceUrl: server.url, phone: '12', amount: 10 });
    expect(result.final).toBeUndefined();
    expect(result.error).toEqual({ code: 'validation_failed', status: 400 });
  });
});
