// The service under test, as `npm start` runs it (tsx, real config, real port), with the
// environment the bench gives it. Reports its URL and OAuth count over IPC; closes when asked
// or when the bench goes away, so no server outlives a run.
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startService } from '../src/service';
import type { ChildMessage, ParentMessage } from './protocol';

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const config = loadConfig();
  const service = await startService(config, createLogger(config));

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    service.close().finally(() => process.exit(0));
  };
  process.on('disconnect', shutdown);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'oauth-count') send({ type: 'oauth-count', count: service.oauthCallCount() });
    if (message.type === 'memory') send({ type: 'memory', usage: process.memoryUsage() });
    if (message.type === 'close') shutdown();
  });
  send({ type: 'ready', url: service.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
