// Starts the real service on a real port (0: the OS picks), in simulator mode, with its own
// database. Tests talk to it over HTTP and Socket.io like any client would.
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startService, type RunningService } from '../../src/service';
import { freshDataDir, freshDatabaseUrl } from './database';

export interface TestServer {
  url: string;
  adminToken: string;
  config: Config;
  service: RunningService;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = freshDataDir();
  const adminToken = `adm_${randomBytes(18).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    MPESA_ENVIRONMENT: 'simulator',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: freshDatabaseUrl(dataDir),
    MASTER_KEY: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: adminToken,
    SIMULATOR_CALLBACK_DELAY_MS: '50',
    SIMULATOR_LATE_CALLBACK_MS: '400',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    ...overrides,
  });
  const service = await startService(config, createLogger(config, !process.env.TEST_LOG_LEVEL));
  return { url: service.url, adminToken, config, service, close: () => service.close() };
}
