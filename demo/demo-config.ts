// The demo's configuration: simulator mode only, and a data folder of its own (data/demo/:
// database, generated secrets, the demo project's keys), so it never shares a database with
// `npm start`. Two services on one database would each reconcile the other's payments with
// their own simulator, which knows nothing of them. DEMO_DATA_DIR / DEMO_DATABASE_URL move it.
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../src/config';

export const DEFAULT_DEMO_DATA_DIR = path.join('data', 'demo');

export function loadDemoConfig(env: NodeJS.ProcessEnv): Config {
  const config = loadConfig({
    ...env,
    DATA_DIR: env.DEMO_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR,
    DATABASE_URL: env.DEMO_DATABASE_URL,
  });
  if (config.mpesa.environment !== 'simulator') {
    throw new ConfigError([
      'MPESA_ENVIRONMENT: the demo runs against the simulator: unset it (or set it to simulator)',
    ]);
  }
  return config;
}
