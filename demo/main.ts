// `npm run demo`: the service in simulator mode plus the checkout demo's merchant backend, in
// one process, with its own data folder (demo-config.ts). Prints where to open the page.
import 'dotenv/config';
import fs from 'node:fs';
import { ConfigError, type Config } from '../src/config';
import { createLogger } from '../src/logger';
import { adminTokenFile } from '../src/security/master-key';
import { startService } from '../src/service';
import { loadDemoConfig } from './demo-config';
import { demoProjectKeys } from './demo-project';
import { startMerchantBackend, simulatorTestPhones } from './start-demo';

const DEFAULT_DEMO_PORT = 3001;

async function main(): Promise<void> {
  const config = demoConfig();
  const demoPort = Number(process.env.DEMO_PORT ?? DEFAULT_DEMO_PORT);
  const service = await startService(config, createLogger(config)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE')
      fail(
        `Port ${config.port} is taken (is \`npm start\` running?). Stop it, or run PORT=3100 npm run demo.`,
      );
    throw error;
  });
  const adminToken = config.adminToken ?? fs.readFileSync(adminTokenFile(config)!, 'utf8').trim();
  const keys = await demoProjectKeys(service.url, adminToken, config.dataDir);
  const backend = await startMerchantBackend({
    serviceUrl: service.url,
    publicKey: keys.publicKey,
    secretKey: keys.secretKey,
    host: config.host,
    port: demoPort,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') fail(`Port ${demoPort} is taken. Run DEMO_PORT=3101 npm run demo.`);
    throw error;
  });

  const phones = simulatorTestPhones()
    .map(({ phone, outcome }) => `    ${phone}  ${outcome}`)
    .join('\n');
  process.stdout.write(
    [
      '',
      `  Checkout demo:  ${backend.url}`,
      `  mpesa-bridge:   http://localhost:${service.port} (simulator mode, project ${keys.projectId}, data in ${config.dataDir})`,
      '',
      '  Pay with any phone number; these ones choose what the simulated customer does:',
      phones,
      '',
      '  Ctrl+C stops both.',
      '',
    ].join('\n'),
  );

  const stop = () => {
    Promise.all([backend.close(), service.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function demoConfig(): Config {
  try {
    return loadDemoConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
    throw error;
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`Demo failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
