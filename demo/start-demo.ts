// What `npm run demo` runs, and what the browser test drives: the merchant backend on its own
// port, next to an mpesa-bridge service (started here in simulator mode, or a test server).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@mpesa-bridge/sdk';
import { SIMULATED_OUTCOMES, DEFAULT_OUTCOME } from '../src/simulator/simulator.outcomes';
import { createCheckoutApp, type TestPhone } from './merchant/checkout.app';

export interface MerchantBackendOptions {
  /** The service as this backend reaches it. */
  serviceUrl: string;
  /** The service's port, to tell browsers where its Socket.io is on the host they already use. */
  servicePort: number;
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
    summary.replace(/ after callbackDelayMs/g, ' after a moment').replace(/after lateCallbackMs/g, 'after SIMULATOR_LATE_CALLBACK_MS (20 s by default)');
  return [
    { phone: '0712345678', outcome: `Any other number: ${plain(DEFAULT_OUTCOME.summary)}` },
    ...SIMULATED_OUTCOMES.map((outcome) => ({ phone: local(outcome.phoneNumber), outcome: plain(outcome.summary) })),
  ];
}

export async function startMerchantBackend(options: MerchantBackendOptions): Promise<RunningMerchantBackend> {
  const mpesa = createClient({ baseUrl: options.serviceUrl, publicKey: options.publicKey, secretKey: options.secretKey });
  const app = createCheckoutApp({
    mpesa,
    // The browser opened this page on some host name; the service listens on the same machine.
    serviceUrlFor: (req) => `${req.protocol}://${formatHost(req.hostname)}:${options.servicePort}`,
    testPhones: simulatorTestPhones(),
  });
  const server = http.createServer(app);
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
      }),
  };
}

/** IPv6 literals need brackets in a URL. */
function formatHost(hostname: string): string {
  return hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
}
