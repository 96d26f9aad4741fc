// GET /metrics on a listen address of its own (METRICS_HOST:METRICS_PORT), never on the API's
// port: Prometheus scrapes each instance directly (through the balancer it would see a random
// one), and the address stays on the private network where only the scraper reaches it, with
// no token to leak. Anything else there is answered in the one error shape.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '../config';
import { createErrorHandler, notFoundHandler } from './error-handler';
import type { Logger } from '../logger';
import { requestContext } from '../request-context';
import type { Metrics } from '../metrics/metrics';

export const METRICS_PATH = '/metrics';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function listenForMetrics(
  config: NonNullable<Config['metrics']>,
  metrics: Metrics,
  logger: Logger,
): Promise<MetricsServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext);
  app.get(METRICS_PATH, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
