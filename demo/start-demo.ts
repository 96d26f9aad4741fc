// What `npm run demo` runs, and what the browser test drives: the merchant backend on its own
// port, next to an mpesa-bridge service (started here in simulator mode, or a test server). The
// backend also carries the service's Socket.io on its own origin (merchant/realtime-proxy.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@mpesa-bridge/sdk';
import { SIMULATED_OUTCOMES, DEFAULT_OUTCOME } from '../src/simulator/simulator.outcomes';
import { createCheckoutApp, type TestPhone } from './merchant/checkout.app';
import { createRealtimeProxy } from './merchant/realtime-proxy';

export interface MerchantBackendOptions {
  /** The service as this backend reaches it (browsers never need to reach it themselves). */
  serviceUrl: string;
  publicKey: string;
  secretKey: string;
  host?: string;
  port?: number;
}

export interface RunningMerchantBackend {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The simulator's phones in the form a customer types (0700000001), with what each one does. */
export function simulatorTestPhones(): TestPhone[] {
  const local = (phone: string) => `0${phone.slice(3)}`;
  // The summaries name the simulator's options; say what they mean to someone at the page.
  const plain = (summary: string) =>
    summary
      .replace(/ after callbackDelayMs/g, ' after a moment')
      .replace(/after lateCallbackMs/g, 'after SIMULATOR_LATE_CALLBACK_MS (20 s by default)');
  return [
    { phone: '0712345678', outcome: `Any other number: ${plain(DEFAULT_OUTCOME.summary)}` },
    ...SIMULATED_OUTCOMES.map((outcome) => ({
      phone: local(outcome.phoneNumber),
      outcome: plain(outcome.summary),
    })),
  ];
}

export async function startMerchantBackend(options: MerchantBackendOptions): Promise<RunningMerchantBackend> {
  const mpesa = createClient({
    baseUrl: options.serviceUrl,
    publicKey: options.publicKey,
    secretKey: options.secretKey,
  });
  const app = createCheckoutApp({ mpesa, testPhones: simulatorTestPhones() });
  const realtime = createRealtimeProxy(options.serviceUrl);
  const server = http.createServer((req, res) =>
    realtime.handles(req.url) ? realtime.request(req, res) : app(req, res),
  );
  server.on('upgrade', (req, socket, head) => {
    if (realtime.handles(req.url)) realtime.upgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        realtime.close();
      }),
  };
}
