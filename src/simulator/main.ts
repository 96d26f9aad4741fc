// Standalone Daraja simulator: `npm run simulator`. Point MPESA_BASE_URL at the URL it prints.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig, type Config } from '../config';
import { createLogger } from '../logger';
import { createSimulator, simulatorOptionsFrom, type SimulatorOptions } from './simulator';
import { callbackTargets, targetFromUrl, type CallbackTargets } from './simulator.callback-targets';

export interface SimulatorServerOptions extends SimulatorOptions {
  port: number; // 0 picks a free port
  host: string;
}

export interface SimulatorServer {
  /** Base URL to give the Daraja client, e.g. http://127.0.0.1:4010 */
  url: string;
  close(): Promise<void>;
}

/** Where a client on this machine can reach a server bound to `host`. */
function reachableUrl(host: string, port: number): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const shown = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

export function startSimulatorServer(options: SimulatorServerOptions): Promise<SimulatorServer> {
  const { port, host, ...simulatorOptions } = options;
  const simulator = createSimulator(simulatorOptions);
  const app = express();
  app.disable('x-powered-by');
  app.use('/', simulator.router);

  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const { port: boundPort } = server.address() as AddressInfo;
      resolve({
        url: reachableUrl(host, boundPort),
        close: () =>
          new Promise<void>((done, fail) => {
            simulator.stop();
            server.close((error) => (error ? fail(error) : done()));
            // Keep-alive sockets would otherwise hold close() open until they time out.
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/**
 * Where mpesa-bridge's callback routes live (callbacks/callback.path.ts: both paths start with
 * it, tests/simulator/simulator.callback-targets.test.ts keeps them so). The simulator sits on a
 * floor below the callbacks feature, so it names the prefix rather than import the routes.
 */
export const SERVICE_CALLBACKS_PREFIX = '/api/v1/callbacks/';

/**
 * The standalone simulator does not know the service's port: it posts to the callback routes
 * of any service on this machine and under CALLBACK_BASE_URL, and to SIMULATOR_CALLBACK_ALLOWLIST.
 */
export function standaloneCallbackTargets(config: Config): CallbackTargets {
  const base = config.callbacks.baseUrl ? new URL(config.callbacks.baseUrl) : undefined;
  return callbackTargets([
    { origin: 'loopback', pathPrefix: SERVICE_CALLBACKS_PREFIX },
    ...(base
      ? [
          {
            origin: base.origin,
            pathPrefix: `${base.pathname.replace(/\/+$/, '')}${SERVICE_CALLBACKS_PREFIX}`,
          },
        ]
      : []),
    ...config.simulator.callbackAllowlist.map(targetFromUrl),
  ]);
}

async function runStandalone(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const server = await startSimulatorServer({
    ...simulatorOptionsFrom(config, logger, standaloneCallbackTargets(config)),
    port: config.simulator.port,
    host: config.host,
  });
  logger.info('Daraja simulator listening', { url: server.url, shortcode: config.mpesa.shortcode });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('Daraja simulator stopping', { signal });
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('Daraja simulator did not stop cleanly', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  runStandalone().catch((error: unknown) => {
    // Config errors already name the variable; one line is all the newcomer needs.
    console.error(
      `Daraja simulator failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}
