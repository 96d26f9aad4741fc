// `npm start`: load .env if present, parse the config once, start, and drain on SIGTERM.
import 'dotenv/config';
import { ConfigError, loadConfig, productionCallbackUrlProblems, type Config } from './config';
import { createLogger } from './logger';
import { startService } from './service';
import { startBanner } from './start-banner';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      const lines = error.problems.map((problem) => `  ${problem}\n`).join('');
      process.stderr.write(
        `Configuration error${error.problems.length > 1 ? 's' : ''} (fix all, then start again):\n${lines}`,
      );
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  // CALLBACK_URL_CHECK=warn: the operator chose to start; say what Safaricom will make of it.
  if (config.mpesa.environment === 'production' && config.callbacks.urlCheck === 'warn') {
    for (const problem of productionCallbackUrlProblems(config.callbacks.baseUrl))
      logger.warn('callback URL Safaricom refuses; starting anyway (CALLBACK_URL_CHECK=warn)', {
        reason: problem.message,
        fix: problem.fix,
      });
  }
  const service = await startService(config, logger).catch((error: NodeJS.ErrnoException) => {
    // As `npm run demo` says it (demo/main.ts).
    if (error.code === 'EADDRINUSE') {
      process.stderr.write(
        `Failed to start: port ${config.port} is taken (is \`npm start\` or \`npm run demo\` running?). Stop it, or run PORT=3100 npm start.\n`,
      );
      process.exit(1);
    }
    throw error;
  });

  const banner = startBanner(config, service);
  logger.info('mpesa-bridge listening', banner.fields);
  if (config.log.format === 'pretty') process.stdout.write(banner.text);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
