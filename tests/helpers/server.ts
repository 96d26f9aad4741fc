// Starts the real service on a real port (0: the OS picks), in simulator mode, with its own
// database. Tests talk to it over HTTP and Socket.io like any client would.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import winston from 'winston';
import { loadConfig, type Config } from '../../src/config';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import type { Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { createKeyring } from '../../src/security/vault';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { startService, type RunningService } from '../../src/service';
import { freshDataDir, freshDatabaseUrl } from './database';

export interface TestServer {
  url: string;
  adminToken: string;
  config: Config;
  service: RunningService;
  /** The path Safaricom (here: the test) posts a transaction's callback to. */
  callbackPath(transactionId: string): string;
  /** The service's own database handle, to look at what it stored (nothing else opens the file). */
  database(): Database;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Every log line the service writes, at every level, is pushed here (to check what logs hold). */
  logLines?: string[];
}

export async function startTestServer(
  overrides: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dataDir = freshDataDir();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    MPESA_ENVIRONMENT: 'simulator',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: freshDatabaseUrl(dataDir),
    MASTER_KEY: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: `adm_${randomBytes(18).toString('hex')}`,
    SIMULATOR_CALLBACK_DELAY_MS: '50',
    SIMULATOR_LATE_CALLBACK_MS: '400',
    // Keep-alive connections of the test's own HTTP clients must not hold a close for 10 s.
    SHUTDOWN_TIMEOUT_MS: '1000',
    LOG_LEVEL: options.logLines ? 'debug' : (process.env.TEST_LOG_LEVEL ?? 'error'),
    ...(options.logLines ? { LOG_FORMAT: 'json' } : {}),
    ...overrides,
  };
  const config = loadConfig(env);
  const logger = createLogger(config, !process.env.TEST_LOG_LEVEL && !options.logLines);
  if (options.logLines) {
    const lines = options.logLines;
    logger.clear();
    logger.add(
      new winston.transports.Stream({
        stream: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
      }),
    );
  }
  const service = await startService(config, logger);
  const previous = (env.MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .filter(Boolean)
    .map((hex) => Buffer.from(hex, 'hex'));
  const secrets = createTransactionSecrets(createKeyring(Buffer.from(env.MASTER_KEY!, 'hex'), previous));

  return {
    url: service.url,
    adminToken: env.ADMIN_TOKEN!,
    config,
    service,
    callbackPath: (id) => `${CALLBACK_PATH}/${id}/${secrets.callbackToken(id)}`,
    database: () => service.database,
    close: () => service.close(),
  };
}

/** The environment a test server ran with, to start another one on the same database. */
export function sameDatabase(server: TestServer): Record<string, string> {
  return {
    DATABASE_URL: server.config.databaseUrl,
    DATA_DIR: server.config.dataDir,
    ADMIN_TOKEN: server.adminToken,
    MASTER_KEY: server.config.masterKeyHex!,
  };
}
